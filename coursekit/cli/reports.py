"""``coursekit reports …``: board rosters and the audit packet (docs/rosters.md)."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from typing import IO

import click
from flask.cli import AppGroup

from coursekit import db
from coursekit.certificates.audit_packet import PacketRequest, write_packet
from coursekit.certificates.roster_exports import export_roster
from coursekit.certificates.rosters import RosterError, RosterRequest, build_roster
from coursekit.db import utcnow

reports_group = AppGroup("reports", help="Board rosters and audit packets.")

DAY = click.DateTime(formats=["%Y-%m-%d"])


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


def _period(start: datetime | None, end: datetime | None) -> tuple[date | None, date | None]:
    first, last = _day(start), _day(end)
    if first and last and first > last:
        # Checked before anything is read, so the message names the options as typed.
        raise click.BadParameter(f"{first} is after --to {last}.", param_hint="--from")
    return first, last


@reports_group.command("roster")
@click.option("--board", required=True, help="NCCAOM, or a state board's code (CA, FL, …).")
@click.option("--module", "module_id", required=True, help="The module's id.")
@click.option("--version", help="One version of the module (default: every version).")
@click.option("--from", "start", type=DAY, help="First completion day, YYYY-MM-DD (UTC).")
@click.option("--to", "end", type=DAY, help="Last completion day, YYYY-MM-DD (UTC), included.")
@click.option(
    "-o",
    "--output",
    type=click.File("wb", atomic=True),
    default="-",
    help="CSV file to write (default: standard output).",
)
def roster_command(
    board: str,
    module_id: str,
    version: str | None,
    start: datetime | None,
    end: datetime | None,
    output: IO[bytes],
) -> None:
    """Write the board roster of a module's certified completions as CSV, and keep a copy.

    Learners without the board's identifier (NCCAOM ID, or a licence in the state) are
    left out and named on standard error. Every export is kept in the database with an
    audit entry, as rosters sent to boards must be kept for 4 years.
    """
    first, last = _period(start, end)
    request = RosterRequest(board.strip().upper(), module_id, version, first, last)
    try:
        roster = build_roster(request)
    except RosterError as error:
        raise click.ClickException(error.message) from error
    export = export_roster(roster, actor=None, now=utcnow(), via="cli")
    output.write(export.content)
    output.close()
    db.session.commit()
    for missing in roster.missing:
        click.echo(f"Warning: left out: {missing}.", err=True)
    if roster.uncertified:
        click.echo(
            f"Warning: {roster.uncertified} completions in the period wait for a certificate "
            "and are not in the roster.",
            err=True,
        )
    click.echo(
        f"{len(roster.rows)} rows written (export {export.id}, sha256 {export.sha256}).", err=True
    )


@reports_group.command("audit-packet")
@click.option("--module", "module_id", required=True, help="The module's id.")
@click.option("--version", required=True, help="The module version.")
@click.option("--from", "start", type=DAY, help="First completion day, YYYY-MM-DD (UTC).")
@click.option("--to", "end", type=DAY, help="Last completion day, YYYY-MM-DD (UTC), included.")
@click.option(
    "-o",
    "--output",
    type=click.File("wb", atomic=True),
    required=True,
    help="Zip file to write.",
)
def audit_packet_command(
    module_id: str,
    version: str,
    start: datetime | None,
    end: datetime | None,
    output: IO[bytes],
) -> None:
    """Write the audit packet of a module version (and period) as a zip: outline,
    instructors, rosters, seat-time logs, attempts, evaluations and certificates."""
    first, last = _period(start, end)
    request = PacketRequest(module_id, version, first, last)
    try:
        packet = write_packet(request, actor=None, now=utcnow(), via="cli")
    except RosterError as error:
        raise click.ClickException(error.message) from error
    with packet.file:
        shutil.copyfileobj(packet.file, output)
    output.close()
    db.session.commit()
    click.echo(
        f"{len(packet.names)} files for {packet.learners} learners, {packet.size} bytes "
        f"(sha256 {packet.sha256}).",
        err=True,
    )
