"""Board rosters and audit packets as administrators export them: which roster or
packet, and the kept export."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, pre_dump, validate

from coursekit.certificates.models import RosterExport


class PeriodInput(Schema):
    """A module and, optionally, the period its completions fall in."""

    module_id = fields.String(required=True, validate=validate.Length(max=64))
    start = fields.Date(
        load_default=None, allow_none=True, metadata={"description": "First completion day."}
    )
    end = fields.Date(
        load_default=None,
        allow_none=True,
        metadata={"description": "Last completion day, included."},
    )


class RosterInput(PeriodInput):
    """Which roster; the rules on the values (a known board, module and version, a period
    in order, credit with the board) are the roster's own, as on the page."""

    board = fields.String(
        required=True,
        validate=validate.Length(max=16),
        metadata={"description": "NCCAOM or a state code such as CA."},
    )
    version = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=64),
        metadata={"description": "Omit for every version of the module."},
    )


class PacketInput(PeriodInput):
    """Which audit packet: one version of a module (the rules on the values are the
    packet's own, as on the page)."""

    version = fields.String(required=True, validate=validate.Length(min=1, max=64))


class RosterExportSchema(Schema):
    """A kept export and its CSV, byte for byte as first exported (UTF-8)."""

    id = fields.Integer()
    board = fields.String()
    module_id = fields.String()
    version = fields.String(allow_none=True)
    period_from = fields.Date(allow_none=True)
    period_to = fields.Date(allow_none=True)
    exported_at = fields.AwareDateTime()
    rows = fields.Integer()
    sha256 = fields.String()
    csv = fields.String()
    left_out = fields.List(
        fields.String(),
        metadata={
            "description": "Certified learners without the board's identifier (new exports)."
        },
    )
    uncertified = fields.Integer(
        allow_none=True,
        metadata={"description": "Completions in the period still waiting for a certificate."},
    )

    @pre_dump
    def readable(self, shown: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        export: RosterExport = shown["export"]
        roster = shown.get("roster")
        return {
            "id": export.id,
            "board": export.board,
            "module_id": export.module_id,
            "version": export.version,
            "period_from": export.period_from,
            "period_to": export.period_to,
            "exported_at": export.exported_at,
            "rows": export.rows,
            "sha256": export.sha256,
            "csv": export.content.decode("utf-8"),
            "left_out": [str(item) for item in roster.missing] if roster else [],
            "uncertified": roster.uncertified if roster else None,
        }
