"""Worksheets and course evaluations a learner submits (learner audience)."""

from __future__ import annotations

from marshmallow import Schema, fields


class WorksheetInput(Schema):
    answers = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(allow_none=True),
        required=True,
        metadata={
            "description": "Question id → answer, in each question type's JSON form (as "
            "attempt answers). Every question must be answered."
        },
    )


class WorksheetSubmissionSchema(Schema):
    id = fields.Integer()
    submitted_at = fields.AwareDateTime()
    answers = fields.Dict()


class EvaluationInput(Schema):
    answers = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata={
            "description": 'Item id → answer: "1" to "5" (or "na" where offered) for '
            "scale items, the option's text for choice items, text for comments."
        },
    )


class EvaluationResponseSchema(Schema):
    id = fields.Integer()
    form = fields.String()
    submitted_at = fields.AwareDateTime()
    answers = fields.Dict()


class EvaluationItemSchema(Schema):
    id = fields.String()
    kind = fields.String(metadata={"description": "scale, choice or text."})
    text = fields.String()
    required = fields.Boolean()
    not_applicable = fields.Boolean()
    options = fields.List(fields.String())


class EvaluationFormSchema(Schema):
    name = fields.String()
    title = fields.String()
    items = fields.List(fields.Nested(EvaluationItemSchema))
