"""Schemas every area uses: the error envelope."""

from __future__ import annotations

from marshmallow import Schema, fields


class ErrorBodySchema(Schema):
    code = fields.String(
        required=True, metadata={"description": "A stable slug, e.g. not_found, invalid."}
    )
    message = fields.String(required=True, metadata={"description": "For people; may change."})
    fields_ = fields.Dict(
        data_key="fields",
        attribute="fields",
        required=True,
        metadata={"description": "Messages per invalid field; empty for other errors."},
    )


class ErrorSchema(Schema):
    """The envelope of every error answer."""

    error = fields.Nested(ErrorBodySchema, required=True)
