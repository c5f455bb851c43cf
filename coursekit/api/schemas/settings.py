"""The provider's settings administrators keep: the participant attestation in force."""

from __future__ import annotations

from marshmallow import Schema, fields


class AttestationSettingsSchema(Schema):
    text = fields.String(metadata={"description": "Shown above Enrol; each enrolment keeps it."})
    version = fields.String(metadata={"description": "The label stored with each acceptance."})
    revision_id = fields.Integer(
        allow_none=True, metadata={"description": "null while the settings' wording is in force."}
    )
    saved_at = fields.AwareDateTime(allow_none=True)


class AttestationInput(Schema):
    """The rules on the values (not empty, lengths, a label never naming two texts,
    something changed) are the operation's, as on the page."""

    text = fields.String(required=True)
    version = fields.String(required=True)
    reason = fields.String(required=True)
