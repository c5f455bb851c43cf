"""The audit log as administrators read it (admin audience): who did what, when, why."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from coursekit.accounts.models import User
from coursekit.api.pagination import PageQuery
from coursekit.api.schemas.staff import PersonSchema
from coursekit.audit.display import PLATFORM
from coursekit.audit.forms import TEXT_LIMIT
from coursekit.audit.models import AuditEntry


class AuditEntrySchema(Schema):
    """One entry; ``actor`` is null when the platform acted (automatic issue, a command)."""

    id = fields.Integer(attribute="entry.id")
    at = fields.AwareDateTime(attribute="entry.at")
    action = fields.String(attribute="entry.action")
    subject = fields.String(
        attribute="entry.subject", metadata={"description": "e.g. certificate:17, user:5."}
    )
    reason = fields.String(attribute="entry.reason")
    details = fields.Dict(
        attribute="entry.details",
        metadata={"description": "What changed; {before, after} pairs for changed fields."},
    )
    actor = fields.Nested(PersonSchema, allow_none=True)
    actor_name = fields.String(metadata={"description": f'"{PLATFORM}" when no one acted.'})


def audit_rows(rows: list[tuple[AuditEntry, User | None]]) -> list[dict[str, Any]]:
    """(entry, actor) pairs as the schema reads them."""
    return [
        {"entry": entry, "actor": actor, "actor_name": actor.full_name if actor else PLATFORM}
        for entry, actor in rows
    ]


class AuditQuery(PageQuery):
    """The audit log page's filter, as query parameters (days are UTC, both inclusive)."""

    q = fields.String(
        load_default="",
        validate=validate.Length(max=TEXT_LIMIT),
        metadata={"description": "Text in the action, subject or reason."},
    )
    action = fields.String(load_default="", validate=validate.Length(max=64))
    actor = fields.String(
        load_default="",
        validate=validate.Length(max=TEXT_LIMIT),
        metadata={"description": "Text in the acting person's email or name."},
    )
    subject = fields.String(
        load_default="",
        validate=validate.Length(max=TEXT_LIMIT),
        metadata={"description": "certificate:17, user:5, or a kind: certificate."},
    )
    start = fields.Date(load_default=None, metadata={"description": "First day, YYYY-MM-DD."})
    end = fields.Date(load_default=None, metadata={"description": "Last day, YYYY-MM-DD."})
