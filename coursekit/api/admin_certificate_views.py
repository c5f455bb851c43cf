"""Certificate administration as JSON: search, one certificate with its audit trail,
revoke and reissue, and the approval queue (approve, issue all of a version), through
the same queries and operations as ``coursekit.certificates.admin_views``."""

from __future__ import annotations

from typing import Any

from coursekit.access import access, current_account
from coursekit.api.endpoint import endpoint
from coursekit.api.errors import fail
from coursekit.api.pagination import page_schema, paginate, paginate_search
from coursekit.api.refusals import refusals
from coursekit.api.routes import bp
from coursekit.api.schemas.admin_certificates import (
    AdminCertificateSchema,
    ApproveInput,
    BulkResultSchema,
    CertificateRowSchema,
    CertificatesSearchQuery,
    IssueAllInput,
    QueueQuery,
    ReissueInput,
    RevokeInput,
    WaitingCompletionSchema,
)
from coursekit.audit.queries import entries_for
from coursekit.certificates import admin_queries as queries
from coursekit.certificates import operations
from coursekit.certificates.bulk import (
    APPROVED_REASON,
    BULK_REASON,
    BulkResult,
    issue_each,
    waiting_of_version,
)
from coursekit.certificates.operations import CertificateError
from coursekit.db import utcnow

TAG = "admin: certificates"
REFUSED = "certificate_refused"


def _shown(number: str) -> dict[str, Any]:
    record = queries.certificate_record(number)
    if record is None:
        fail(404, "not_found", "No certificate has this number.")
    return {"record": record, "history": entries_for(f"certificate:{record.certificate.id}")}


@bp.get("/admin/certificates")
@access("admin")
@endpoint(
    "Certificates, newest first, optionally searched",
    tag=TAG,
    query=CertificatesSearchQuery,
    response=page_schema(CertificateRowSchema),
)
def admin_certificates(query: dict[str, Any]) -> dict[str, Any]:
    return paginate_search(
        lambda limit, offset: queries.search_certificates(query["q"], limit=limit, offset=offset),
        query,
    )


@bp.get("/admin/certificates/<number>")
@access("admin")
@endpoint(
    "One certificate: snapshot, lineage and audit trail", tag=TAG, response=AdminCertificateSchema
)
def admin_certificate(number: str) -> dict[str, Any]:
    return _shown(number)


@bp.post("/admin/certificates/<number>/revoke")
@access("admin")
@endpoint(
    "Revoke a valid certificate, with the reason",
    tag=TAG,
    body=RevokeInput,
    response=AdminCertificateSchema,
    errors=(409,),
    description="409 when it is already revoked or superseded.",
)
def revoke_certificate(number: str, body: dict[str, Any]) -> dict[str, Any]:
    record = _shown(number)["record"]
    with refusals(REFUSED, CertificateError):
        operations.revoke_certificate(
            record.certificate, actor=current_account(), reason=body["reason"], now=utcnow()
        )
    return _shown(number)


@bp.post("/admin/certificates/<number>/reissue")
@access("admin")
@endpoint(
    "Reissue with a fresh snapshot, a new number and code; answers the replacement",
    tag=TAG,
    body=ReissueInput,
    response=AdminCertificateSchema,
    status=201,
    errors=(409,),
    description="A valid certificate becomes superseded; a revoked one stays revoked. "
    "409 when it was already replaced (reissue the replacement).",
)
def reissue_certificate(number: str, body: dict[str, Any]) -> dict[str, Any]:
    record = _shown(number)["record"]
    with refusals(REFUSED, CertificateError):
        replacement = operations.reissue_certificate(
            record.certificate, actor=current_account(), reason=body["reason"], now=utcnow()
        )
    return _shown(replacement.number)


@bp.get("/admin/completions")
@access("admin")
@endpoint(
    "Completions waiting for a certificate, oldest first (the first 200)",
    tag=TAG,
    query=QueueQuery,
    response=page_schema(WaitingCompletionSchema),
)
def waiting_completions(query: dict[str, Any]) -> dict[str, Any]:
    return paginate(queries.queue_rows(), lambda row: row[0].id, query)


def _answer(result: BulkResult) -> BulkResult:
    """Each issue commits on its own; when none was issued, answer the first refusal's
    status (409 already issued, 404 no such completion, 422 settings incomplete)."""
    if not result.issued and result.statuses:
        status = result.statuses[0]
        code = {404: "not_found", 422: "invalid"}.get(status, REFUSED)
        fail(status, code, " ".join(result.failed))
    return result


@bp.post("/admin/completions/approve")
@access("admin")
@endpoint(
    "Issue the certificates of these completions",
    tag=TAG,
    body=ApproveInput,
    response=BulkResultSchema,
    errors=(404, 409),
    description="Each is issued on its own; refusals are listed. When none was issued, "
    "the answer is the first refusal's status.",
)
def approve_completions(body: dict[str, Any]) -> BulkResult:
    issued = issue_each(body["completion_ids"], actor=current_account(), reason=APPROVED_REASON)
    return _answer(issued)


@bp.post("/admin/completions/issue-all")
@access("admin")
@endpoint(
    "Issue every waiting completion of one module version",
    tag=TAG,
    body=IssueAllInput,
    response=BulkResultSchema,
    errors=(404, 409),
)
def issue_all_completions(body: dict[str, Any]) -> BulkResult:
    found = waiting_of_version(body["module_version_id"])
    if found is None:
        fail(404, "not_found", "No module version has this id.")
    _version, waiting = found
    return _answer(issue_each(waiting, actor=current_account(), reason=BULK_REASON))
