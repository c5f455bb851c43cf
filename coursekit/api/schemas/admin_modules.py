"""Modules as the administrator's module page shows them (admin audience): every
discovered version with its state, and the instructors assigned to each module."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, pre_dump, validate

from coursekit.api.pagination import PageQuery
from coursekit.api.schemas.staff import PersonSchema, reason_field
from coursekit.db import MAX_ID
from coursekit.packages.operations import Reload


class VersionLineSchema(Schema):
    version = fields.String()
    title = fields.String()
    status = fields.String(
        metadata={"description": "published, retired, or a state of a package on disk."}
    )
    label = fields.String()
    version_id = fields.Integer(allow_none=True)
    published_at = fields.AwareDateTime(allow_none=True)
    retired_at = fields.AwareDateTime(allow_none=True)
    enrolments = fields.Integer()
    warnings = fields.List(fields.String())


class ModuleLineSchema(Schema):
    module_id = fields.String()
    title = fields.String()
    published = fields.Boolean()
    versions = fields.List(
        fields.Nested(VersionLineSchema), metadata={"description": "Newest first."}
    )
    instructors = fields.List(fields.Nested(PersonSchema))


class ModulesQuery(PageQuery):
    q = fields.String(
        load_default="",
        validate=validate.Length(max=200),
        metadata={"description": "Text in the module id or title."},
    )


class ReloadInput(Schema):
    reason = fields.String(
        load_default="",
        validate=validate.Length(max=1000),
        metadata={"description": "Optional; kept in the audit log with each version."},
    )


class PublishedSchema(Schema):
    module_id = fields.String()
    version = fields.String()


class ReloadSchema(Schema):
    published = fields.List(fields.Nested(PublishedSchema))
    problems = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "Per package not published, its problems."},
    )

    @pre_dump
    def readable(self, done: Reload, **_kwargs: Any) -> dict[str, Any]:
        return {
            "published": done.published,
            "problems": {
                label: [str(problem) for problem in problems]
                for label, problems in done.report.problems.items()
            },
        }


class AssignmentInput(Schema):
    instructor_id = fields.Integer(required=True, strict=True, validate=validate.Range(1, MAX_ID))
    reason = fields.String(load_default="", validate=validate.Length(max=1000))


class AssignmentSchema(Schema):
    module_id = fields.String()
    instructor = fields.Nested(PersonSchema)
    assigned = fields.Boolean()
    changed = fields.Boolean(
        metadata={"description": "False when it already was so: nothing was written."}
    )


class RetireVersionInput(Schema):
    reason = reason_field()
