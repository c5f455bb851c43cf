"""Rosters as exported: each export is kept (its bytes and their hash) with an audit
entry, because rosters sent to boards are records to keep for 4 years (CE-RULES.md), and
a kept export is downloaded again byte for byte, never rebuilt."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased, undefer

from coursekit import db
from coursekit.accounts.models import User
from coursekit.audit.operations import record
from coursekit.certificates.models import RosterExport
from coursekit.certificates.rosters import Roster, roster_csv

LISTED = 50
"""Exports listed on the rosters page, newest first."""


# Aliases are built once: building one per call cost about 0.8 ms per request.
_ACTOR = aliased(User, name="actor")


@dataclass(frozen=True)
class ListedExport:
    """A kept export and the name of whoever made it ("command line" when no one)."""

    export: RosterExport
    exported_by: str


def export_roster(roster: Roster, *, actor: User | None, now: datetime, via: str) -> RosterExport:
    """Keep the roster's CSV as exported, with an audit entry (``roster.exported``);
    ``via`` says where it was asked for (``admin`` or ``cli``). Only flushes."""
    content = roster_csv(roster)
    request = roster.request
    export = RosterExport(
        board=request.board,
        module_id=request.module_id,
        version=request.version,
        period_from=request.start,
        period_to=request.end,
        exported_at=now,
        exported_by_id=actor.id if actor is not None else None,
        rows=len(roster.rows),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )
    db.session.add(export)
    db.session.flush()
    record(
        "roster.exported",
        f"roster-export:{export.id}",
        actor=actor,
        at=now,
        via=via,
        board=export.board,
        module_id=export.module_id,
        version=export.version,
        period_from=request.start.isoformat() if request.start else None,
        period_to=request.end.isoformat() if request.end else None,
        rows=export.rows,
        left_out=[item.certificate_number for item in roster.missing],
        sha256=export.sha256,
    )
    return export


def recent_exports(limit: int = LISTED) -> list[ListedExport]:
    """The newest kept exports (without their content), with who made them."""
    rows = db.session.execute(
        select(RosterExport, _ACTOR)
        .outerjoin(_ACTOR, _ACTOR.id == RosterExport.exported_by_id)
        .order_by(RosterExport.exported_at.desc(), RosterExport.id.desc())
        .limit(limit)
    )
    return [
        ListedExport(export, user.full_name if user is not None else "command line")
        for export, user in rows
    ]


def stored_export(export_id: int) -> RosterExport | None:
    """One kept export with its content, or None."""
    return db.session.scalar(
        select(RosterExport)
        .where(RosterExport.id == export_id)
        .options(undefer(RosterExport.content))
    )
