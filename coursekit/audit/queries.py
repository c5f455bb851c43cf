"""Reading the audit log: one subject's history, and the administrator's filtered log."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import aliased, lazyload

from coursekit import db
from coursekit.accounts.models import User
from coursekit.audit.models import AuditEntry
from coursekit.errors import ValidationFailed

EXPORT_BATCH = 500
"""Entries fetched at a time by the CSV export, so a log of any length streams in a fixed
amount of memory."""


# Aliases are built once: building one per call cost about 0.8 ms per request.
_ACTOR = aliased(User, name="actor")


def entries_for(*subjects: str) -> list[tuple[AuditEntry, User | None]]:
    """Every entry about the given subjects, oldest first, with the user who acted."""
    rows = db.session.execute(
        select(AuditEntry, _ACTOR)
        .outerjoin(_ACTOR, _ACTOR.id == AuditEntry.actor_id)
        .where(AuditEntry.subject.in_(subjects))
        .order_by(AuditEntry.id)
    )
    return [(entry, user) for entry, user in rows]


@dataclass(frozen=True)
class AuditFilter:
    """What the administrator asks the log for; empty fields match everything.

    ``text`` is found in the action, subject or reason; ``actor`` in the acting user's
    email or name; ``subject`` is exact (``certificate:17``), or without a colon a kind
    (``certificate`` matches every ``certificate:<id>``, and ``provider`` itself);
    ``since`` and ``until`` bound ``at``, both inclusive.
    """

    text: str = ""
    action: str = ""
    actor: str = ""
    subject: str = ""
    since: datetime | None = None
    until: datetime | None = None


DAYS_OUT_OF_ORDER = "The last day must not be before the first day."


def _instant(day: date | None, at: time) -> datetime | None:
    """``at`` on ``day`` in UTC (``time.min`` for the first instant, ``time.max`` for the
    last), or None without a day."""
    return None if day is None else datetime.combine(day, at, UTC)


def filter_for(
    *,
    text: str = "",
    action: str = "",
    actor: str = "",
    subject: str = "",
    first_day: date | None = None,
    last_day: date | None = None,
) -> AuditFilter:
    """The filter for what was asked (the log page's form, the API's query): text
    trimmed, days as their first and last instants in UTC, both inclusive.
    ``ValidationFailed`` when the last day is before the first."""
    if first_day is not None and last_day is not None and last_day < first_day:
        raise ValidationFailed({"end": [DAYS_OUT_OF_ORDER]})
    return AuditFilter(
        text=text.strip(),
        action=action,
        actor=actor.strip(),
        subject=subject.strip(),
        since=_instant(first_day, time.min),
        until=_instant(last_day, time.max),
    )


NEWEST_FIRST = (AuditEntry.at.desc(), AuditEntry.id.desc())
"""By the time of the change; entries of the same instant in the order they were written."""
_TEXT_COLUMNS = (AuditEntry.action, AuditEntry.subject, AuditEntry.reason)


def _filtered(wanted: AuditFilter) -> Select:
    query = (
        select(AuditEntry, _ACTOR)
        .outerjoin(_ACTOR, _ACTOR.id == AuditEntry.actor_id)
        # The log shows who acted, not their roles: skip the roles' eager load.
        .options(lazyload(_ACTOR.roles))
    )
    if wanted.text:
        query = query.where(
            or_(*(db.contains_text(column, wanted.text) for column in _TEXT_COLUMNS))
        )
    if wanted.action:
        query = query.where(AuditEntry.action == wanted.action)
    if wanted.actor:
        name = _ACTOR.first_name + " " + _ACTOR.last_name
        query = query.where(
            or_(db.contains_text(_ACTOR.email, wanted.actor), db.contains_text(name, wanted.actor))
        )
    if wanted.subject:
        query = query.where(_subject_matches(wanted.subject))
    if wanted.since is not None:
        query = query.where(AuditEntry.at >= wanted.since)
    if wanted.until is not None:
        query = query.where(AuditEntry.at <= wanted.until)
    return query


def _subject_matches(subject: str) -> ColumnElement[bool]:
    if ":" in subject:
        return AuditEntry.subject == subject
    return or_(
        AuditEntry.subject == subject,
        AuditEntry.subject.startswith(f"{subject}:", autoescape=True),
    )


def search_entries(
    wanted: AuditFilter, *, limit: int, offset: int
) -> tuple[list[tuple[AuditEntry, User | None]], int]:
    """One page of matching entries, newest first, with who acted, and how many match."""
    query = _filtered(wanted)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.execute(query.order_by(*NEWEST_FIRST).limit(limit).offset(offset))
    return [(entry, user) for entry, user in rows], total


def all_entries(wanted: AuditFilter) -> Iterator[tuple[AuditEntry, User | None]]:
    """Every matching entry, newest first, read a batch at a time (for the CSV)."""
    query = _filtered(wanted).order_by(*NEWEST_FIRST)
    rows = db.session.execute(query.execution_options(yield_per=EXPORT_BATCH))
    yield from rows


def actions_present() -> list[str]:
    """Every action the log holds, by name (the choices of the action filter)."""
    query = select(AuditEntry.action).distinct().order_by(AuditEntry.action)
    return list(db.session.scalars(query))
