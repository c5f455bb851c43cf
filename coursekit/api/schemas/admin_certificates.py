"""Certificates as administrators see them (admin audience): any learner's, with the
full snapshot, lineage and audit trail, and the completions waiting for one."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, pre_dump, validate

from coursekit.accounts.models import User
from coursekit.api.pagination import PageQuery
from coursekit.api.schemas.audit import AuditEntrySchema, audit_rows
from coursekit.api.schemas.staff import PersonSchema, reason_field
from coursekit.certificates.admin_queries import CertificateRecord
from coursekit.certificates.models import Certificate
from coursekit.db import MAX_ID


class CertificateRowSchema(Schema):
    """One certificate in the search results."""

    number = fields.String()
    status = fields.String(metadata={"description": "valid, revoked or superseded."})
    issued_at = fields.AwareDateTime()
    expires_at = fields.AwareDateTime(allow_none=True)
    module_version_id = fields.Integer()
    learner = fields.Nested(PersonSchema)

    @pre_dump
    def readable(self, row: tuple[Certificate, User], **_kwargs: Any) -> dict[str, Any]:
        certificate, learner = row
        return {
            "number": certificate.number,
            "status": certificate.status,
            "issued_at": certificate.issued_at,
            "expires_at": certificate.expires_at,
            "module_version_id": certificate.module_version_id,
            "learner": learner,
        }


class CertificatesSearchQuery(PageQuery):
    q = fields.String(
        load_default="",
        validate=validate.Length(max=200),
        metadata={"description": "A number, a verification code, or text in a name or email."},
    )


class AdminCertificateSchema(Schema):
    """One certificate with what surrounds it and its audit trail (oldest first)."""

    number = fields.String()
    code = fields.String(metadata={"description": "The verification code."})
    status = fields.String()
    issued_at = fields.AwareDateTime()
    expires_at = fields.AwareDateTime(allow_none=True)
    revoked_at = fields.AwareDateTime(allow_none=True)
    revoked_reason = fields.String()
    module_version_id = fields.Integer()
    completion_id = fields.Integer()
    fields_ = fields.Dict(
        data_key="fields", metadata={"description": "Everything it prints, as issued."}
    )
    pdf_sha256 = fields.String(allow_none=True)
    replaces = fields.String(allow_none=True, metadata={"description": "A number."})
    replaced_by = fields.String(allow_none=True, metadata={"description": "A number."})
    learner = fields.Nested(PersonSchema)
    audit_trail = fields.List(fields.Nested(AuditEntrySchema))

    @pre_dump
    def readable(self, shown: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        record: CertificateRecord = shown["record"]
        certificate = record.certificate
        return {
            "number": certificate.number,
            "code": certificate.code,
            "status": certificate.status,
            "issued_at": certificate.issued_at,
            "expires_at": certificate.expires_at,
            "revoked_at": certificate.revoked_at,
            "revoked_reason": certificate.revoked_reason,
            "module_version_id": certificate.module_version_id,
            "completion_id": certificate.completion_id,
            "fields_": certificate.fields,
            "pdf_sha256": record.file.sha256 if record.file is not None else None,
            "replaces": record.replaces.number if record.replaces else None,
            "replaced_by": record.replaced_by.number if record.replaced_by else None,
            "learner": record.learner,
            "audit_trail": audit_rows(shown["history"]),
        }


class RevokeInput(Schema):
    reason = reason_field("Shown on the public verification page; kept in the audit log.")


class ReissueInput(Schema):
    reason = reason_field("E.g. legal name corrected; kept in the audit log.")


class WaitingCompletionSchema(Schema):
    """A completion without a certificate, in the approval queue (oldest first)."""

    completion_id = fields.Integer()
    completed_at = fields.AwareDateTime()
    module_version_id = fields.Integer()
    module_id = fields.String()
    version = fields.String()
    learner = fields.Nested(PersonSchema)

    @pre_dump
    def readable(self, row: tuple[Any, User, Any], **_kwargs: Any) -> dict[str, Any]:
        completion, learner, version = row
        return {
            "completion_id": completion.id,
            "completed_at": completion.completed_at,
            "module_version_id": version.id,
            "module_id": version.module_id,
            "version": version.version,
            "learner": learner,
        }


class QueueQuery(PageQuery):
    pass


class ApproveInput(Schema):
    completion_ids = fields.List(
        fields.Integer(strict=True, validate=validate.Range(1, MAX_ID)),
        required=True,
        validate=validate.Length(1, 200),
    )


class IssueAllInput(Schema):
    module_version_id = fields.Integer(
        required=True, strict=True, validate=validate.Range(1, MAX_ID)
    )


class BulkResultSchema(Schema):
    issued = fields.List(fields.String(), metadata={"description": "Numbers issued."})
    failed = fields.List(fields.String(), metadata={"description": "Each refusal, in words."})
