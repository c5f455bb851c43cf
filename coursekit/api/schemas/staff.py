"""Pieces every staff schema uses: a person named in a staff answer, the reason the
audit log keeps with each change, and a list read in its page's own page size."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

REASON_MESSAGE = "Give the reason: it is kept in the audit log."


def reason_field(description: str = "Why; kept in the audit log.") -> fields.String:
    """A required reason: not blank, at most 1000 characters (the console's forms')."""
    return fields.String(
        required=True,
        validate=[validate.Length(max=1000), validate.Regexp(r"\S", error=REASON_MESSAGE)],
        metadata={"description": description},
    )


class PersonSchema(Schema):
    """A person named in a staff answer: a learner, an actor, a reviewer."""

    id = fields.Integer()
    email = fields.String()
    name = fields.String(attribute="full_name")


class CursorQuery(Schema):
    """A list read in pages of its page's own size: only the cursor."""

    cursor = fields.String(
        load_default=None,
        metadata={"description": "The next_cursor of the previous page; omit for the first."},
    )
