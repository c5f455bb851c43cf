"""People as the administrator console shows them (admin audience), and the changes
an administrator makes to an account. Every change asks for the reason, as on the
console, because the audit log keeps it."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, pre_dump, validate

from coursekit.accounts.models import User
from coursekit.admin.users.queries import UserRecord
from coursekit.api.pagination import PageQuery
from coursekit.api.schemas.audit import AuditEntrySchema, audit_rows
from coursekit.api.schemas.staff import reason_field
from coursekit.assessment.timing.models import MAX_EXTRA_MINUTES

_ROLES = {"type": "array", "items": {"type": "string"}}


class UserSchema(Schema):
    id = fields.Integer()
    email = fields.String()
    first_name = fields.String(metadata={"description": "Legal first name."})
    last_name = fields.String(metadata={"description": "Legal last name."})
    nccaom_id = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "active or disabled."})
    roles = fields.Method("role_list", metadata=_ROLES)
    created_at = fields.AwareDateTime()
    last_login_at = fields.AwareDateTime(allow_none=True)

    def role_list(self, user: User) -> list[Any]:
        return sorted(user.role_names)


class UsersQuery(PageQuery):
    q = fields.String(
        load_default="",
        validate=validate.Length(max=200),
        metadata={"description": "Text in the email or name, or an exact NCCAOM ID."},
    )


class AdminLicenceSchema(Schema):
    id = fields.Integer()
    state = fields.String()
    number = fields.String()
    added_at = fields.AwareDateTime()
    removed_at = fields.AwareDateTime(allow_none=True)


class UserCertificateSchema(Schema):
    number = fields.String()
    status = fields.String()
    issued_at = fields.AwareDateTime()
    module_version_id = fields.Integer()


class TimedModuleSchema(Schema):
    module_id = fields.String()
    title = fields.String()
    limit_minutes = fields.Integer()
    extra_minutes = fields.Integer()


class UserRecordSchema(Schema):
    """The person's record as the console's record page shows it."""

    user = fields.Nested(UserSchema)
    licences = fields.List(
        fields.Nested(AdminLicenceSchema), metadata={"description": "Removed ones included."}
    )
    certificates = fields.List(fields.Nested(UserCertificateSchema))
    outdated_certificates = fields.List(
        fields.String(),
        metadata={"description": "Valid certificates printing an earlier legal name."},
    )
    timed_modules = fields.List(fields.Nested(TimedModuleSchema))
    history = fields.List(
        fields.Nested(AuditEntrySchema), metadata={"description": "Newest first."}
    )
    more_history = fields.Boolean(metadata={"description": "The audit log holds more."})

    @pre_dump
    def readable(self, record: UserRecord, **_kwargs: Any) -> dict[str, Any]:
        return {
            "user": record.user,
            "licences": record.licences,
            "certificates": record.certificates,
            "outdated_certificates": [c.number for c in record.outdated_certificates],
            "timed_modules": record.timed_modules,
            "history": audit_rows(record.history),
            "more_history": record.more_history,
        }


def _strict_boolean(description: str) -> fields.Boolean:
    """true or false only: marshmallow would also take "yes", "on" or 1 for a role."""
    return fields.Boolean(
        required=True, truthy={True}, falsy={False}, metadata={"description": description}
    )


class RolesInput(Schema):
    """The roles the person should hold beyond learner (every account holds that)."""

    instructor = _strict_boolean("The instructor area, for assigned modules.")
    admin = _strict_boolean("The administrator console.")
    reason = reason_field()


class NameInput(Schema):
    first_name = fields.String(required=True, validate=validate.Length(max=100))
    last_name = fields.String(required=True, validate=validate.Length(max=100))
    reason = reason_field()


class ReasonInput(Schema):
    reason = reason_field()


class ExtraTimeInput(Schema):
    minutes = fields.Integer(
        required=True, strict=True, validate=validate.Range(0, MAX_EXTRA_MINUTES)
    )
    reason = reason_field()


class ExtraTimeSchema(Schema):
    user_id = fields.Integer()
    module_id = fields.String()
    extra_minutes = fields.Integer()
    reason = fields.String()
