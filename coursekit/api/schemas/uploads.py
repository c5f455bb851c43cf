"""Uploaded module versions as their authors and the approving administrators see them."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, pre_dump, validate

from coursekit.api.pagination import PageQuery
from coursekit.api.schemas.audit import AuditEntrySchema, audit_rows
from coursekit.api.schemas.staff import PersonSchema, reason_field
from coursekit.packages.problems import Problem


class UploadSchema(Schema):
    id = fields.Integer()
    module_id = fields.String()
    version = fields.String()
    title = fields.String()
    filename = fields.String()
    content_hash = fields.String()
    status = fields.String(
        metadata={"description": "staged, submitted, published, rejected or withdrawn."}
    )
    uploaded_at = fields.AwareDateTime()
    submitted_at = fields.AwareDateTime(allow_none=True)
    decided_at = fields.AwareDateTime(allow_none=True)
    reason = fields.String(metadata={"description": "Why it was rejected or withdrawn."})
    module_version_id = fields.Integer(allow_none=True)


class UploadRowSchema(Schema):
    upload = fields.Nested(UploadSchema)
    uploader = fields.Nested(PersonSchema)

    @pre_dump
    def readable(self, row: tuple[Any, Any], **_kwargs: Any) -> dict[str, Any]:
        upload, uploader = row
        return {"upload": upload, "uploader": uploader}


class UploadDetailSchema(Schema):
    """An upload with its validation warnings, what publishing needs, and its history."""

    upload = fields.Nested(UploadSchema)
    warnings = fields.List(fields.String(), metadata={"description": "path:line:col: text."})
    base_hash = fields.String(
        allow_none=True,
        metadata={
            "description": "The newest published version's hash, to send with publish "
            "(empty for a first version; null once the upload is closed)."
        },
    )
    approval_required = fields.Boolean()
    history = fields.List(fields.Nested(AuditEntrySchema))

    @pre_dump
    def readable(self, shown: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        upload = shown["upload"]
        return {
            **shown,
            "warnings": [str(Problem(*warning, warning=True)) for warning in upload.warnings],
            "history": audit_rows(shown["history"]),
        }


class UploadsQuery(PageQuery):
    pass


class PublishInput(Schema):
    base_hash = fields.String(
        required=True,
        validate=validate.Length(max=64),
        metadata={"description": "The base_hash of the detail you read."},
    )
    reason = fields.String(load_default="", validate=validate.Length(max=1000))


class WithdrawInput(Schema):
    reason = fields.String(load_default="", validate=validate.Length(max=1000))


class RejectInput(Schema):
    reason = reason_field("The instructor reads it; kept in the audit log.")
