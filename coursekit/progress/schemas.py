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


class DashboardSchema(Schema):
    enrolments = fields.List(fields.Nested(EnrolmentProgressSchema))
