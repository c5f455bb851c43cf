"""Sending statements to an LRS: what it has not accepted yet, in batches, resumably.

A run reads the events from the outbox's ``read_from`` up to the time it started, a page
at a time, and posts them in batches. After each accepted batch the outbox moves on to
the first statement not yet sent, but never later than ``overlap`` before the run's
start: an event's time is taken before its transaction commits, so a transaction still
open while a run reads is caught by the next run, as long as it commits within the
overlap. Statements re-read in the overlap are sent again; their ids are deterministic,
so the LRS stores each once.

A run commits its own progress after each batch, unlike other commands, which commit
once: what the LRS accepted must stay recorded when a later batch fails, and no database
transaction (on SQLite: the write lock) may stay open while waiting on the network.
"""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timedelta

from coursekit import db
from coursekit.progress.timeline import events
from coursekit.progress.xapi.lrs import Encoded, Lrs, LrsError
from coursekit.progress.xapi.operations import (
    outbox_for,
    record_delivery,
    record_failure,
    record_success,
)
from coursekit.progress.xapi.render import dumps, rendered
from coursekit.progress.xapi.statements import Site

PAGE = 10_000
"""Statements read per database transaction (held as JSON text: about 10 MB)."""


@dataclass(frozen=True)
class _Pending:
    at: datetime
    statement: Encoded


@dataclass
class SendReport:
    """What one run did."""

    accepted: int = 0
    """Statements the LRS accepted (those sent again in the overlap included)."""
    batches: int = 0
    conflicts: int = 0
    """Statements answered 409 Conflict one by one: the LRS already holds one under the id."""
    read_from: datetime | None = None
    """Where the next run starts reading."""
    error: str | None = None
    """Why the run stopped early; None when it delivered everything."""


def send_pending(
    lrs: Lrs, site: Site, *, now: datetime, overlap: timedelta, batch_size: int
) -> SendReport:
    """Send every statement of an event before ``now`` that ``lrs`` has not accepted,
    stopping at the first batch the LRS still refuses after its retries."""
    horizon = now - overlap
    outbox = outbox_for(lrs.endpoint)
    db.session.commit()
    report = SendReport(read_from=outbox.read_from)
    start = outbox.read_from
    while True:
        page, next_start = _read_page(site, start, now)
        db.session.commit()  # keeps new learners' account names; ends the read
        for offset in range(0, len(page), batch_size):
            batch = page[offset : offset + batch_size]
            try:
                report.conflicts += lrs.store([pending.statement for pending in batch])
            except LrsError as exc:
                record_failure(outbox, exc.message, now=now)
                db.session.commit()
                report.error = exc.message
                return report
            report.accepted += len(batch)
            report.batches += 1
            rest = page[offset + batch_size : offset + batch_size + 1]
            unsent = rest[0].at if rest else next_start
            report.read_from = horizon if unsent is None else min(unsent, horizon)
            record_delivery(outbox, read_from=report.read_from, now=now)
            db.session.commit()
        if next_start is None:
            break
        start = next_start
    # Everything before ``now`` that was committed has been accepted; only the overlap
    # is read again.
    report.read_from = horizon
    record_success(outbox, read_from=horizon, now=now)
    db.session.commit()
    return report


def _read_page(
    site: Site, start: datetime | None, now: datetime
) -> tuple[list[_Pending], datetime | None]:
    """Statements of events from ``start`` to ``now``: at least ``PAGE`` of them (a page
    never ends between two events of the same time), and the time of the first event
    left for the next page (None when none is left)."""
    page: list[_Pending] = []
    with closing(events(since=start, until=now)) as stream:
        for event, built in rendered(stream, site):
            if len(page) >= PAGE and event.at != page[-1].at:
                return page, event.at
            page.append(_Pending(event.at, Encoded(built["id"], dumps(built))))
    return page, None
