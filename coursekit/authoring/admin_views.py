"""Approving uploaded module versions, when the provider requires approval
(``COURSEKIT_MODULE_APPROVAL``). Administrators only.

The queue lists submitted versions; each opens on the upload page, which shows the report
and the diff, and the approve and reject forms post here.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from coursekit.access import access, current_account
from coursekit.authoring import operations
from coursekit.authoring.forms import RejectForm
from coursekit.authoring.queries import waiting_page
from coursekit.authoring.views import detail_page, load_upload, publish_from_form
from coursekit.db import utcnow
from coursekit.web import Page

bp = Blueprint("upload_admin", __name__, url_prefix="/admin/uploads")

PAGE_SIZE = 50


@bp.get("")
@access("admin")
def queue() -> Page:
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    rows, total = waiting_page(limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return render_template(
        "coursekit/authoring/admin_queue.html",
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        approval=operations.approval_required(),
    )


@bp.post("/<int:upload_id>/approve")
@access("admin")
def approve(upload_id: int) -> Page:
    """Approve a submitted version: it is published as the administrator's act."""
    _upload, version, refused = publish_from_form(upload_id, default_reason="approved")
    if version is None:
        return refused
    flash(f"Approved: {version.title} {version.version} is published.", "success")
    return redirect(url_for("coursekit.upload_admin.queue"))


@bp.post("/<int:upload_id>/reject")
@access("admin")
def reject(upload_id: int) -> Page:
    upload = load_upload(upload_id, for_update=True)
    form = RejectForm()
    if not form.validate():
        return detail_page(upload, 422, reject_form=form)
    try:
        operations.reject_upload(
            upload, actor=current_account(), reason=form.reason.data, now=utcnow()
        )
    except operations.UploadRefused as refusal:
        return detail_page(upload, refusal.status, refusal=refusal, reject_form=form)
    flash(
        f"Rejected {upload.module_id} {upload.version}; the instructor sees your reason.", "success"
    )
    return redirect(url_for("coursekit.upload_admin.queue"))
