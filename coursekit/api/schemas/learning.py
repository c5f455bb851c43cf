"""A learner's enrolments, enrolling, and lessons (learner audience)."""

from __future__ import annotations

import dataclasses
from typing import Any

from marshmallow import Schema, fields, pre_dump

from coursekit.api.pagination import PageQuery
from coursekit.progress.transcript.queries import Entry


class EnrolInput(Schema):
    accept_attestation = fields.Boolean(
        required=True,
        metadata={"description": "You accept the participant attestation (must be true)."},
    )
    attestation_version = fields.String(
        required=True,
        metadata={
            "description": "The version of the wording you were shown (GET /modules/{id}); "
            "409 if another wording is in force now."
        },
    )


class EnrolmentSchema(Schema):
    id = fields.Integer()
    module_id = fields.String(attribute="module_version.module_id")
    version = fields.String(attribute="module_version.version")
    enrolled_at = fields.AwareDateTime()
    attestation_version = fields.String()
    attested_at = fields.AwareDateTime()


class EnrolmentsQuery(PageQuery):
    complete = fields.Boolean(
        load_default=None,
        allow_none=True,
        metadata={"description": "true: completed modules only; false: in progress only."},
    )


class HeartbeatInput(Schema):
    restart = fields.Boolean(
        load_default=False,
        metadata={"description": "true when reading (re)starts, e.g. the lesson was opened."},
    )


class HeartbeatSchema(Schema):
    credited = fields.Integer(metadata={"description": "Seconds of seat time credited."})


class LessonCompletedSchema(Schema):
    module_id = fields.String()
    lesson = fields.String()
    next_lesson = fields.String(allow_none=True)


EXACT_DECIMAL = {
    "type": "string",
    "description": 'A decimal as text, e.g. "1.5": amounts add up exactly, without float rounding.',
}


class TranscriptQuery(Schema):
    """The transcript page's period chooser; its rules apply (dates as YYYY-MM-DD)."""

    period = fields.String(
        load_default="all", metadata={"description": "all, nccaom, california or custom."}
    )
    start = fields.String(load_default="", metadata={"description": "custom: first day."})
    end = fields.String(load_default="", metadata={"description": "custom: last day."})


class CreditLineSchema(Schema):
    board = fields.String()
    category = fields.String()
    amount = fields.Decimal(as_string=True, metadata=EXACT_DECIMAL)
    course_number = fields.String()
    provider_number = fields.String()


class TranscriptEntrySchema(Schema):
    completed_at = fields.AwareDateTime()
    module_id = fields.String()
    title = fields.String()
    version = fields.String()
    certificate_number = fields.String()
    credits = fields.List(
        fields.Nested(CreditLineSchema),
        metadata={"description": "The credit as amounts per board and category."},
    )

    @pre_dump
    def with_credit_lines(self, entry: Entry, **_: Any) -> dict[str, Any]:
        """The entry with its credit as amounts (the transcript page's lines)."""
        values = {field.name: getattr(entry, field.name) for field in dataclasses.fields(entry)}
        return {**values, "credits": list(entry.lines())}


class BoardTotalSchema(Schema):
    board = fields.String()
    total = fields.Decimal(as_string=True, metadata=EXACT_DECIMAL)
    categories = fields.Method(
        "by_category",
        metadata={"type": "object", "additionalProperties": {"type": "string"}},
    )

    def by_category(self, total) -> dict[str, str]:
        return {category: str(amount) for category, amount in total.categories}


class PeriodSchema(Schema):
    key = fields.String()
    name = fields.String()
    start = fields.Date(allow_none=True)
    end = fields.Date(allow_none=True)


class TranscriptSchema(Schema):
    period = fields.Nested(PeriodSchema)
    entries = fields.List(fields.Nested(TranscriptEntrySchema))
    totals = fields.List(fields.Nested(BoardTotalSchema))
