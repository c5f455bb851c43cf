"""The learner's dashboard as JSON: the same facts as the page, for the API."""

from __future__ import annotations

from marshmallow import Schema, fields


class StepSchema(Schema):
    kind = fields.String()
    text = fields.String(metadata={"description": "What to do next, in words."})
    url = fields.String()
    blocked = fields.Boolean(
        metadata={"description": "True when the learner cannot do it themselves."}
    )


class SeatTimeSchema(Schema):
    minutes = fields.Integer()
    required_minutes = fields.Integer()


class CertificateSummarySchema(Schema):
    number = fields.String()
    status = fields.String(metadata={"description": "valid, expired, revoked or superseded."})
    replaced_by = fields.String(
        allow_none=True, metadata={"description": "The replacement's number, if reissued."}
    )
    pdf_url = fields.String()
    verify_url = fields.String()


class EnrolmentProgressSchema(Schema):
    module_id = fields.String()
    title = fields.String()
    version = fields.String()
    enrolled_at = fields.AwareDateTime()
    percent = fields.Integer()
    complete = fields.Boolean()
    completed_at = fields.AwareDateTime(allow_none=True)
    next_step = fields.Nested(StepSchema, allow_none=True)
    missing_steps = fields.List(fields.Nested(StepSchema))
    seat_time = fields.Nested(SeatTimeSchema)
    resume_url = fields.String(allow_none=True)
    module_url = fields.String()
    certificate = fields.Nested(
        CertificateSummarySchema,
        allow_none=True,
        metadata={"description": "The completion's certificate (the valid one if any)."},
    )
    certificate_pending = fields.Boolean(
        metadata={"description": "Complete, and the certificate awaits approval."}
    )


class DashboardSchema(Schema):
    enrolments = fields.List(fields.Nested(EnrolmentProgressSchema))
