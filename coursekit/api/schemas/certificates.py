"""Certificates as their learner sees them, and as anyone verifying a code does."""

from __future__ import annotations

from flask import url_for
from marshmallow import Schema, fields

from coursekit.api.pagination import PageQuery
from coursekit.certificates.listing import Listed


class MyCertificateSchema(Schema):
    number = fields.String()
    status = fields.String(
        attribute="standing", metadata={"description": "valid, expired, revoked or superseded."}
    )
    replaced_by = fields.String(allow_none=True)
    issued_at = fields.AwareDateTime(attribute="certificate.issued_at")
    expires_at = fields.AwareDateTime(attribute="certificate.expires_at", allow_none=True)
    fields_ = fields.Dict(
        attribute="certificate.fields",
        data_key="fields",
        metadata={"description": "Everything the certificate prints, as issued."},
    )
    pdf_url = fields.Method("pdf_of", metadata={"type": "string"})
    verify_url = fields.Method("verify_url_of", metadata={"type": "string"})

    def pdf_of(self, shown: Listed) -> str:
        return url_for("coursekit.certificates.download_pdf", number=shown.number)

    def verify_url_of(self, shown: Listed) -> str:
        return url_for("coursekit.verify.certificate", code=shown.certificate.code)


class CertificatesQuery(PageQuery):
    pass


class ReplacementSchema(Schema):
    number = fields.String()
    verification_url = fields.String()


class VerificationSchema(Schema):
    """The same document as /verify/<code>.json: what the certificate says, and whether
    it is valid, expired, revoked or superseded."""

    status = fields.String()
    revoked_at = fields.String(allow_none=True)
    revoked_reason = fields.String(allow_none=True)
    replaced_by = fields.Nested(ReplacementSchema, allow_none=True)
    number = fields.String()
    code = fields.String()
    code_grouped = fields.String()
    verification_url = fields.String()
    issued_at = fields.String()
    issued_on = fields.String()
    expires_at = fields.String(allow_none=True)
    expires_on = fields.String(allow_none=True)
    fields_ = fields.Dict(attribute="fields", data_key="fields")
    pdf_sha256 = fields.String(allow_none=True)
