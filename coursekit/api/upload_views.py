"""Uploaded module versions as JSON: upload a packed module (multipart), read it, publish,
submit for approval or withdraw it (its module's instructors), and approve or reject a
submitted one (administrators), through the upload pages' operations and their rule on
who may see an upload (another module's upload is a 404).

A refused upload answers with its status and, when the package is the reason, the
validation report's lines under ``fields.archive``; nothing is kept.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any, NoReturn

from flask import current_app, request

from coursekit.access import access, current_account
from coursekit.api.endpoint import Upload, Uploaded, endpoint
from coursekit.api.errors import STANDARD, fail
from coursekit.api.pagination import page_schema, paginate_search
from coursekit.api.routes import bp
from coursekit.api.schemas.uploads import (
    PublishInput,
    RejectInput,
    UploadDetailSchema,
    UploadRowSchema,
    UploadsQuery,
    WithdrawInput,
)
from coursekit.audit.queries import entries_for
from coursekit.authoring import operations
from coursekit.authoring.models import OPEN_STATUSES, StagedUpload
from coursekit.authoring.queries import newest_published, upload_page, waiting_page
from coursekit.authoring.views import load_upload
from coursekit.db import utcnow

TAG = "instructor: uploads"
ARCHIVE_FIELD = "archive"


@bp.url_value_preprocessor
def limit_upload_size(endpoint_name: str | None, _values: dict | None) -> None:
    """Cap the upload's body before anything reads it, as the upload page does."""
    if endpoint_name == "coursekit.api.upload_module":
        request.max_content_length = current_app.config["COURSEKIT_UPLOAD_MAX_BYTES"]


def _refused(refusal: operations.UploadRefused) -> NoReturn:
    status = refusal.status
    code = "upload_refused" if status == 409 or status not in STANDARD else STANDARD[status][0]
    report = {ARCHIVE_FIELD: refusal.report.lines()} if refusal.report is not None else {}
    fail(status, code, refusal.message, report)


def _detail(upload: StagedUpload) -> dict[str, Any]:
    base_hash = None
    if upload.status in OPEN_STATUSES:
        base = newest_published(upload.module_id)
        base_hash = base.content_hash if base is not None else ""
    return {
        "upload": upload,
        "base_hash": base_hash,
        "approval_required": operations.approval_required(),
        "history": entries_for(f"upload:{upload.id}"),
    }


@bp.get("/teach/uploads")
@access("instructor")
@endpoint(
    "Uploads of the modules you author, newest first",
    tag=TAG,
    query=UploadsQuery,
    response=page_schema(UploadRowSchema),
)
def uploads(query: dict[str, Any]) -> dict[str, Any]:
    account = current_account()
    return paginate_search(
        lambda limit, offset: upload_page(account, limit=limit, offset=offset), query
    )


@bp.post("/teach/uploads")
@access("instructor")
@endpoint(
    "Upload a packed module (multipart/form-data, the zip in the field archive)",
    tag=TAG,
    response=UploadDetailSchema,
    status=201,
    errors=(400, 409, 413, 422),
    description="Made with `coursekit pack`. Checked whole before anything is kept: an "
    "invalid package is 422 with the report in fields.archive; a module you are not "
    "assigned to is 403; content or a version already published is 409.",
    upload=Upload(("application/zip",), field=ARCHIVE_FIELD, description="The packed module."),
)
def upload_module(upload: Uploaded) -> dict[str, Any]:
    filename = PurePosixPath(upload.filename or "upload.zip").name or "upload.zip"
    try:
        staged = operations.stage_upload(
            upload.content, filename, actor=current_account(), now=utcnow()
        )
    except operations.UploadRefused as refusal:
        _refused(refusal)
    return _detail(staged)


@bp.get("/teach/uploads/<int:upload_id>")
@access("instructor")
@endpoint(
    "One upload: its warnings, what publishing needs, and its history",
    tag=TAG,
    response=UploadDetailSchema,
)
def upload_detail(upload_id: int) -> dict[str, Any]:
    return _detail(load_upload(upload_id))


def _publish(upload_id: int, body: dict[str, Any], default_reason: str) -> dict[str, Any]:
    upload = load_upload(upload_id, for_update=True)
    try:
        operations.publish_upload(
            upload,
            actor=current_account(),
            now=utcnow(),
            base_hash=body["base_hash"],
            reason=body["reason"].strip() or default_reason,
        )
    except operations.UploadRefused as refusal:
        _refused(refusal)
    return _detail(upload)


@bp.post("/teach/uploads/<int:upload_id>/publish")
@access("instructor")
@endpoint(
    "Publish a staged upload",
    tag=TAG,
    body=PublishInput,
    response=UploadDetailSchema,
    errors=(409,),
    description="409 when another version was published since base_hash (read it again), "
    "or the upload is closed; 403 when the provider approves versions first (submit it).",
)
def publish_upload(upload_id: int, body: dict[str, Any]) -> dict[str, Any]:
    return _publish(upload_id, body, default_reason="")


@bp.post("/teach/uploads/<int:upload_id>/submit")
@access("instructor")
@endpoint(
    "Submit a staged upload for an administrator's approval",
    tag=TAG,
    response=UploadDetailSchema,
    errors=(409,),
)
def submit_upload(upload_id: int) -> dict[str, Any]:
    upload = load_upload(upload_id, for_update=True)
    try:
        operations.submit_upload(upload, actor=current_account(), now=utcnow())
    except operations.UploadRefused as refusal:
        _refused(refusal)
    return _detail(upload)


@bp.post("/teach/uploads/<int:upload_id>/withdraw")
@access("instructor")
@endpoint(
    "Withdraw an open upload: it can no longer be published",
    tag=TAG,
    body=WithdrawInput,
    response=UploadDetailSchema,
    errors=(409,),
)
def withdraw_upload(upload_id: int, body: dict[str, Any]) -> dict[str, Any]:
    upload = load_upload(upload_id, for_update=True)
    try:
        operations.withdraw_upload(
            upload, actor=current_account(), reason=body["reason"], now=utcnow()
        )
    except operations.UploadRefused as refusal:
        _refused(refusal)
    return _detail(upload)


@bp.get("/admin/uploads")
@access("admin")
@endpoint(
    "Uploads submitted for approval, oldest first",
    tag="admin: uploads",
    query=UploadsQuery,
    response=page_schema(UploadRowSchema),
)
def waiting_uploads(query: dict[str, Any]) -> dict[str, Any]:
    return paginate_search(lambda limit, offset: waiting_page(limit=limit, offset=offset), query)


@bp.post("/admin/uploads/<int:upload_id>/approve")
@access("admin")
@endpoint(
    "Approve a submitted upload: it is published as your act",
    tag="admin: uploads",
    body=PublishInput,
    response=UploadDetailSchema,
    errors=(409,),
)
def approve_upload(upload_id: int, body: dict[str, Any]) -> dict[str, Any]:
    return _publish(upload_id, body, default_reason="approved")


@bp.post("/admin/uploads/<int:upload_id>/reject")
@access("admin")
@endpoint(
    "Reject a submitted upload, with the reason the instructor reads",
    tag="admin: uploads",
    body=RejectInput,
    response=UploadDetailSchema,
    errors=(409,),
)
def reject_upload(upload_id: int, body: dict[str, Any]) -> dict[str, Any]:
    upload = load_upload(upload_id, for_update=True)
    try:
        operations.reject_upload(
            upload, actor=current_account(), reason=body["reason"], now=utcnow()
        )
    except operations.UploadRefused as refusal:
        _refused(refusal)
    return _detail(upload)
