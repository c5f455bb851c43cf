"""Administrator pages for board rosters and audit packets.

The roster page is a GET form: choosing a board, module, version and period shows a
preview and changes nothing. The download is a POST (with its CSRF token) because it
keeps the export and writes an audit entry; a kept export is downloaded again, byte for
byte, from its own URL. The audit packet is a POST for the same reason: writing one is
recorded in the audit log.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, send_file
from werkzeug.wrappers import Response

from coursekit.access import access, current_account
from coursekit.certificates.audit_packet import Packet, PacketRequest, write_packet
from coursekit.certificates.models import RosterExport
from coursekit.certificates.roster_exports import export_roster, recent_exports, stored_export
from coursekit.certificates.roster_forms import PacketForm, RosterForm
from coursekit.certificates.rosters import Roster, RosterError, build_roster
from coursekit.db import utcnow
from coursekit.web import Page

bp = Blueprint("rosters", __name__, url_prefix="/admin/rosters")

PREVIEW_ROWS = 100
"""Rows shown on the page; the download has them all."""


def _page(form: RosterForm, roster: Roster | None) -> Page:
    status = 400 if form.errors else 200
    page = render_template(
        "coursekit/certificates/roster.html",
        form=form,
        roster=roster,
        preview=PREVIEW_ROWS,
        download=RosterForm(formdata=None),
        exports=recent_exports(),
    )
    return page, status


def _built(form: RosterForm) -> Roster | None:
    """The roster the valid form asks for, or None (the errors are on the form)."""
    if not form.validate():
        return None
    try:
        return build_roster(form.roster_request())
    except RosterError as error:
        form.refuse(error)
        return None


def _filename(export: RosterExport) -> str:
    version = export.version or "all-versions"
    first = export.period_from.isoformat() if export.period_from else "start"
    last = export.period_to.isoformat() if export.period_to else "now"
    return f"roster-{export.board}-{export.module_id}-{version}-{first}_{last}-{export.id}.csv"


def _csv_download(export: RosterExport) -> Response:
    response = Response(export.content, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename(export)}"'
    # Learners' names and numbers: no shared cache may keep a copy.
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("")
@access("admin")
def roster() -> Page:
    """The roster form; with a choice in the query string, its preview and warnings."""
    form = RosterForm(request.args, meta={"csrf": False})
    roster = _built(form) if "module" in request.args else None
    return _page(form, roster)


@bp.post("/export")
@access("admin")
def export() -> Page:
    """Keep the roster the posted form asks for, and download it as CSV."""
    form = RosterForm()
    roster = _built(form)
    if roster is None:
        return _page(form, None)
    kept = export_roster(roster, actor=current_account(), now=utcnow(), via="admin")
    return _csv_download(kept)


@bp.get("/exports/<int:export_id>")
@access("admin")
def stored(export_id: int) -> Response:
    """A kept export, exactly as it was downloaded then."""
    kept = stored_export(export_id)
    if kept is None:
        abort(404)
    return _csv_download(kept)


def packet_download(packet: Packet, request: PacketRequest) -> Response:
    """The written packet as a zip download (the page's and the API's)."""
    response = send_file(
        packet.file,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"audit-packet-{request.module_id}-{request.version}.zip",
        max_age=0,
    )
    # Learners' names, numbers and certificates: no shared cache may keep a copy.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Length"] = str(packet.size)
    return response


@bp.route("/audit-packet", methods=["GET", "POST"])
@access("admin")
def audit_packet() -> Page:
    """The packet form (GET); the packet as a zip (POST), recorded in the audit log."""
    form = PacketForm()
    if request.method == "POST" and form.validate():
        wanted = form.packet_request()
        try:
            packet = write_packet(wanted, actor=current_account(), now=utcnow(), via="admin")
        except RosterError as error:
            form.refuse(error)
        else:
            return packet_download(packet, wanted)
    status = 400 if form.errors else 200
    return render_template("coursekit/certificates/roster_packet.html", form=form), status
