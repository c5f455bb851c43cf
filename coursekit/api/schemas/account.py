"""The signed-in person's own profile and licences (learner audience)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from coursekit.accounts.models import User


class LicenceSchema(Schema):
    id = fields.Integer()
    state = fields.String(metadata={"description": "Two-letter US state or territory code."})
    number = fields.String()
    added_at = fields.DateTime()


class ProfileSchema(Schema):
    """What certificates and rosters print, exactly as stored."""

    id = fields.Integer()
    email = fields.String()
    first_name = fields.String(metadata={"description": "Legal first name."})
    last_name = fields.String(metadata={"description": "Legal last name."})
    nccaom_id = fields.String(allow_none=True)
    roles = fields.Method("role_list", metadata={"type": "array", "items": {"type": "string"}})
    licences = fields.List(fields.Nested(LicenceSchema))

    def role_list(self, user: User) -> list[Any]:
        return sorted(user.role_names)


class ProfileInput(Schema):
    """The profile form's fields; the rules on their values are the operation's."""

    first_name = fields.String(required=True, validate=validate.Length(max=100))
    last_name = fields.String(required=True, validate=validate.Length(max=100))
    nccaom_id = fields.String(required=True, allow_none=True, validate=validate.Length(max=6))


class LicenceInput(Schema):
    state = fields.String(required=True, validate=validate.Length(max=2))
    number = fields.String(required=True, validate=validate.Length(max=40))
