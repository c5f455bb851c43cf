"""``coursekit xapi``: learner events as xAPI statements, exported or sent to an LRS."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, TextIO

import click
from flask import current_app
from flask.cli import AppGroup

from coursekit import db
from coursekit.db import utcnow
from coursekit.progress.timeline import events
from coursekit.progress.xapi.lrs import Lrs
from coursekit.progress.xapi.operations import name_every_learner
from coursekit.progress.xapi.outbox import send_pending
from coursekit.progress.xapi.render import configured_site, write_json_lines
from coursekit.progress.xapi.statements import Site, SiteError

xapi_group = AppGroup("xapi", help="xAPI statements of learner events.")


class Moment(click.ParamType):
    """An ISO 8601 date or date and time; without an offset it is taken as UTC."""

    name = "DATE|DATETIME"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, datetime):
            return value
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not a date (2026-11-01) or a date and time (2026-11-01T08:00)")
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _site() -> Site:
    try:
        return configured_site()
    except SiteError as exc:
        raise click.ClickException(str(exc)) from exc


@xapi_group.command("export")
@click.option("--since", type=Moment(), help="Only events at or after this time (UTC).")
@click.option(
    "-o",
    "--output",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="File to write (default: standard output).",
)
def export_command(since: datetime | None, output: TextIO) -> None:
    """Write every learner event (or those since --since) as xAPI statements, one JSON
    object per line, oldest first.

    Statement ids are the same on every export, so exports that overlap can be loaded
    into an LRS one after the other without duplicates.
    """
    site = _site()
    name_every_learner()
    db.session.commit()
    count = write_json_lines(output, events(since=since), site)
    # Keeps the names of learners who enrolled while the export ran.
    db.session.commit()
    click.echo(f"{count} statements written.", err=True)


@xapi_group.command("send")
def send_command() -> None:
    """Send the statements the LRS has not accepted yet, in batches.

    Run it from a timer (cron or systemd). When the LRS fails, each batch is tried
    again after a growing wait; a run that still fails exits 1, and the next run
    continues where it stopped.
    """
    site = _site()
    config = current_app.config
    try:
        lrs = Lrs.from_config(config)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    if lrs is None:
        raise click.ClickException("COURSEKIT_XAPI_ENDPOINT is not set: there is no LRS to send to")
    report = send_pending(
        lrs,
        site,
        now=utcnow(),
        overlap=timedelta(minutes=config["COURSEKIT_XAPI_OVERLAP_MINUTES"]),
        batch_size=config["COURSEKIT_XAPI_BATCH_SIZE"],
    )
    click.echo(
        f"{report.accepted} statements accepted by {lrs.endpoint} in {report.batches} batches."
    )
    if report.conflicts:
        click.echo(
            f"{report.conflicts} statements were answered 409 Conflict: the LRS already holds a "
            "statement under each of their ids, and keeps it.",
            err=True,
        )
    if report.error is not None:
        resume = report.read_from.isoformat() if report.read_from else "the first event"
        raise click.ClickException(f"{report.error}. The next run resumes from {resume}.")
