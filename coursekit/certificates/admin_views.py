"""Certificate administration: search, one certificate (revoke, reissue, its history),
the approval queue, and a module's certificates as a zip. Administrators only.

Refusals answer with the status the rules give (``CertificateError.status``): revoking a
revoked certificate or reissuing a superseded one is 409, and nothing is changed.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response

from coursekit.access import access, current_account
from coursekit.audit.queries import entries_for
from coursekit.certificates import admin_queries as queries
from coursekit.certificates.bulk import (
    APPROVED_REASON,
    BULK_REASON,
    BulkResult,
    certificates_zip,
    issue_each,
    module_versions,
    waiting_of_version,
)
from coursekit.certificates.codes import grouped
from coursekit.certificates.forms import ApproveForm, IssueAllForm, ReissueForm, RevokeForm
from coursekit.certificates.models import Certificate
from coursekit.certificates.operations import (
    CertificateError,
    reissue_certificate,
    revoke_certificate,
)
from coursekit.certificates.provider.queries import current_provider
from coursekit.db import MAX_ID, utcnow
from coursekit.web import Page

bp = Blueprint("certificate_admin", __name__, url_prefix="/admin/certificates")

PAGE_SIZE = 50


@bp.get("")
@access("admin")
def index() -> Page:
    text = request.args.get("q", "")[:200]
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    found, total = queries.search_certificates(text, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return render_template(
        "coursekit/certificates/admin_list.html",
        rows=found,
        total=total,
        q=text,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
    )


def _detail_page(number: str, status: int = 200, **forms: object) -> Page:
    record = queries.certificate_record(number)
    if record is None:
        abort(404)
    certificate = record.certificate
    subjects = [f"certificate:{certificate.id}"]
    return render_template(
        "coursekit/certificates/admin_detail.html",
        record=record,
        fields=certificate.fields,
        code=grouped(certificate.code),
        history=entries_for(*subjects),
        pdf_url=_pdf_url(certificate.number),
        revoke_form=forms.get("revoke_form") or RevokeForm(formdata=None),
        reissue_form=forms.get("reissue_form") or ReissueForm(formdata=None),
    ), status


def _pdf_url(number: str) -> str | None:
    """The stored PDF's download (the learner's download endpoint, which admins may use
    too); None while that endpoint is not installed."""
    try:
        return url_for("coursekit.certificates.download_pdf", number=number)
    except BuildError:
        return None


@bp.get("/<number>")
@access("admin")
def detail(number: str) -> Page:
    return _detail_page(number)


@bp.post("/<number>/revoke")
@access("admin")
def revoke(number: str) -> Page:
    return _change(number, RevokeForm(), revoke_certificate, "revoke_form", "revoked")


@bp.post("/<number>/reissue")
@access("admin")
def reissue(number: str) -> Page:
    return _change(number, ReissueForm(), reissue_certificate, "reissue_form", "reissued")


def _change(
    number: str,
    form: RevokeForm | ReissueForm,
    operation: Callable[..., Certificate],
    form_name: str,
    done: str,
) -> Page:
    """Revoke or reissue: the reason is required; a refusal shows the page again with
    the rule's message and status, and changes nothing."""
    record = queries.certificate_record(number)
    if record is None:
        abort(404)
    if not form.validate():
        return _detail_page(number, 422, **{form_name: form})
    try:
        result = operation(
            record.certificate, actor=current_account(), reason=form.reason.data, now=utcnow()
        )
    except CertificateError as refusal:
        form.form_errors.append(refusal.message)
        return _detail_page(number, refusal.status, **{form_name: form})
    if done == "reissued":
        flash(f"Certificate {number} reissued as {result.number}.", "success")
        return redirect(url_for("coursekit.certificate_admin.detail", number=result.number))
    flash(f"Certificate {number} revoked.", "success")
    return redirect(url_for("coursekit.certificate_admin.detail", number=number))


@bp.get("/queue")
@access("admin")
def queue() -> Page:
    provider = current_provider(images=False)
    return render_template(
        "coursekit/certificates/admin_queue.html",
        summary=queries.queue_summary(),
        rows=queries.queue_rows(),
        limit=queries.QUEUE_ROWS,
        issuing=provider.issuing,
        missing=provider.missing_for_issuing(),
        approve_form=ApproveForm(formdata=None),
        issue_all_form=IssueAllForm(formdata=None),
    )


@bp.post("/queue/approve")
@access("admin")
def approve() -> Page:
    ids = [int(value) for value in request.form.getlist("completion") if _is_id(value)]
    if not ids:
        flash("Tick the completions to approve first.", "error")
        return redirect(url_for("coursekit.certificate_admin.queue"))
    return _report(issue_each(ids, actor=current_account(), reason=APPROVED_REASON))


@bp.post("/queue/issue-all")
@access("admin")
def issue_all() -> Page:
    form = IssueAllForm()
    if not form.validate() or not 0 < form.module_version_id.data <= MAX_ID:
        abort(400)
    found = waiting_of_version(form.module_version_id.data)
    if found is None:
        abort(404)
    version, ids = found
    if not ids:
        flash(f"No completions of {version.title} {version.version} are waiting.", "info")
        return redirect(url_for("coursekit.certificate_admin.queue"))
    return _report(issue_each(ids, actor=current_account(), reason=BULK_REASON))


def _is_id(value: str) -> bool:
    return value.isdigit() and 0 < int(value) <= MAX_ID


def _report(result: BulkResult) -> Page:
    """Flash what was issued and each refusal. When nothing at all was issued, the
    queue is shown with the first refusal's status (409 already issued, 404 no such
    completion, 422 settings incomplete), so a script sees the failure too."""
    if result.issued:
        count = len(result.issued)
        flash(f"{count} certificate{'' if count == 1 else 's'} issued.", "success")
    for message in result.failed:
        flash(message, "error")
    if not result.issued and result.statuses:
        page = queue()
        return page, result.statuses[0]
    return redirect(url_for("coursekit.certificate_admin.queue"))


@bp.get("/<module_id>.zip")
@access("admin")
def archive(module_id: str) -> Response:
    version = request.args.get("version") or None
    if not module_versions(module_id, version):
        abort(404)
    rows = queries.module_certificates(module_id, version)
    filename = f"certificates-{module_id}{'-' + version if version else ''}.zip"
    return Response(
        stream_with_context(certificates_zip(rows)),
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )
