"""The catalogue as anyone sees it: modules on offer, and one module's detail."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from coursekit.api.pagination import PageQuery
from coursekit.packages.values import Credit


class CatalogueQuery(PageQuery):
    """The catalogue page's filters; empty means any."""

    q = fields.String(load_default="", metadata={"description": "Words in title or summary."})
    region = fields.String(load_default="", metadata={"description": "A body region."})
    muscle = fields.String(load_default="", metadata={"description": "A muscle."})
    pain = fields.String(load_default="", metadata={"description": "A pain pattern."})
    board = fields.String(
        load_default="",
        metadata={"description": "NCCAOM, a state code, or NCCAOM:<category>."},
    )


class CoversSchema(Schema):
    regions = fields.List(fields.String())
    muscles = fields.List(fields.String())
    pain_patterns = fields.List(fields.String())
    acupoints = fields.List(fields.String())


class CreditSchema(Schema):
    board = fields.String()
    course_number = fields.String()
    provider_number = fields.String()
    points = fields.Method(
        "points_by_category",
        metadata={"type": "object", "additionalProperties": {"type": "number"}},
    )
    hours = fields.Float()
    category = fields.String()
    approved_from = fields.Date(allow_none=True)
    approved_until = fields.Date(allow_none=True)

    def points_by_category(self, credit: Credit) -> dict[str, float]:
        return dict(credit.points)


class ModuleSummarySchema(Schema):
    """A catalogue card: the current version of a module, and whether you are enrolled."""

    id = fields.String(attribute="package.id")
    title = fields.String(attribute="package.title")
    version = fields.String(attribute="package.version")
    summary = fields.String(attribute="package.summary")
    covers = fields.Nested(CoversSchema, attribute="package.covers")
    credits = fields.List(fields.Nested(CreditSchema), attribute="package.credits")
    requires = fields.List(
        fields.String(), metadata={"description": "Titles of modules to complete first."}
    )
    enrolled = fields.Method("is_enrolled", metadata={"type": "boolean"})

    def is_enrolled(self, entry: Any) -> bool:
        return entry.enrolment is not None


class FacetsSchema(Schema):
    regions = fields.List(fields.String())
    muscles = fields.List(fields.String())
    pain_patterns = fields.List(fields.String())
    boards = fields.List(fields.String())


class AuthorSchema(Schema):
    name = fields.String()
    credentials = fields.String()


class LessonOutlineSchema(Schema):
    slug = fields.String()
    title = fields.String()
    minutes = fields.Integer()
    required = fields.Boolean()
    objectives = fields.List(fields.String())


class AssessmentRulesSchema(Schema):
    """The post-test's rules a learner is told before an attempt."""

    pass_mark = fields.Integer()
    attempts = fields.Integer(allow_none=True)
    time_limit_minutes = fields.Integer(allow_none=True)
    retry_wait_minutes = fields.Integer()
    review = fields.String()


class AttestationSchema(Schema):
    version = fields.String()
    text = fields.String()


class ModuleDetailSchema(Schema):
    """A module as you see it: your enrolled version, else the current one."""

    id = fields.String(attribute="package.id")
    title = fields.String(attribute="package.title")
    version = fields.String(attribute="package.version")
    summary = fields.String(attribute="package.summary")
    objectives = fields.List(fields.String(), attribute="package.objectives")
    authors = fields.List(fields.Nested(AuthorSchema), attribute="package.authors")
    covers = fields.Nested(CoversSchema, attribute="package.covers")
    credits = fields.List(fields.Nested(CreditSchema), attribute="package.credits")
    prerequisites = fields.List(fields.String(), attribute="package.prerequisites")
    delivery = fields.String(attribute="package.delivery")
    lessons = fields.List(fields.Nested(LessonOutlineSchema), attribute="package.lessons")
    assessment = fields.Nested(AssessmentRulesSchema, attribute="package.assessment")
    worksheet_required = fields.Boolean()
    seat_minutes = fields.Integer(attribute="package.completion.seat_minutes")
    enrolment_id = fields.Integer(allow_none=True)
    newer_version = fields.String(
        allow_none=True, metadata={"description": "A newer version on offer, if any."}
    )
    attestation = fields.Nested(
        AttestationSchema,
        allow_none=True,
        metadata={"description": "What you accept to enrol (signed in, not enrolled)."},
    )
