"""Board rosters as JSON: export one (kept, with an audit entry, as the roster page's
download does) and read a kept export again, byte for byte; and the audit packet as the
packet page's zip. Both through the roster pages' operations."""

from __future__ import annotations

from typing import Any, NoReturn

from werkzeug.wrappers import Response

from coursekit.access import access, current_account
from coursekit.api.endpoint import endpoint
from coursekit.api.errors import fail
from coursekit.api.routes import bp
from coursekit.api.schemas.rosters import PacketInput, RosterExportSchema, RosterInput
from coursekit.certificates.audit_packet import PacketRequest, write_packet
from coursekit.certificates.roster_exports import export_roster as keep_export
from coursekit.certificates.roster_exports import stored_export
from coursekit.certificates.roster_views import packet_download
from coursekit.certificates.rosters import RosterError, RosterRequest, build_roster
from coursekit.db import MAX_ID, utcnow

TAG = "admin: rosters"
INPUT_FIELDS = {"module": "module_id"}
"""The roster rules name the page's fields; the API's input names one differently."""


@bp.post("/admin/rosters/exports")
@access("admin")
@endpoint(
    "Export a board roster: kept, recorded in the audit log, answered with its CSV",
    tag=TAG,
    body=RosterInput,
    response=RosterExportSchema,
    status=201,
    description="422 (the field at fault in fields) for an unknown board, module or "
    "version, a period that ends before it starts, or a module without credit with the "
    "board.",
)
def export_roster(body: dict[str, Any]) -> dict[str, Any]:
    request = RosterRequest(
        body["board"],
        body["module_id"],
        (body["version"] or "").strip() or None,
        body["start"],
        body["end"],
    )
    try:
        roster = build_roster(request)
    except RosterError as error:
        _refused(error)
    kept = keep_export(roster, actor=current_account(), now=utcnow(), via="api")
    return {"export": kept, "roster": roster}


def _refused(error: RosterError) -> NoReturn:
    field = INPUT_FIELDS.get(error.field, error.field)
    fail(422, "invalid", "Some fields are invalid.", {field: [error.message]})


@bp.get("/admin/rosters/exports/<int:export_id>")
@access("admin")
@endpoint("A kept roster export, exactly as it was exported", tag=TAG, response=RosterExportSchema)
def roster_export(export_id: int) -> dict[str, Any]:
    kept = stored_export(export_id) if 0 < export_id <= MAX_ID else None
    if kept is None:
        fail(404, "not_found", "No roster export has this id.")
    return {"export": kept}


@bp.post("/admin/rosters/audit-packets")
@access("admin")
@endpoint(
    "Write the audit packet of a module version: recorded in the audit log, answered with the zip",
    tag=TAG,
    body=PacketInput,
    produces=("application/zip",),
    description="The same zip as the packet page's download (file by file in "
    "docs/rosters.md). 422 (the field at fault in fields) for an unknown module or "
    "version, or a period that ends before it starts.",
)
def audit_packet(body: dict[str, Any]) -> Response:
    wanted = PacketRequest(body["module_id"], body["version"].strip(), body["start"], body["end"])
    try:
        packet = write_packet(wanted, actor=current_account(), now=utcnow(), via="api")
    except RosterError as error:
        _refused(error)
    return packet_download(packet, wanted)
