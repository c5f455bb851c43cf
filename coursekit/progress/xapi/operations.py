"""Writes for xAPI: learners' opaque account names and each LRS outbox's progress.

Each function only flushes; the command that calls it commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from coursekit import db
from coursekit.catalog.models import Enrolment
from coursekit.db import utcnow
from coursekit.progress.xapi.models import XapiActor, XapiOutbox

BATCH = 1000
"""Account names created per statement."""


def account_names(user_ids: Collection[int]) -> dict[int, str]:
    """Each learner's opaque xAPI account name by user id, created on first use."""
    names = _read_names(user_ids)
    missing = [user_id for user_id in user_ids if user_id not in names]
    if missing:
        rows = [
            {"user_id": user_id, "account_name": str(uuid.uuid4()), "created_at": utcnow()}
            for user_id in missing
        ]
        # Another process (an export beside a send) may create the same learner's
        # account at the same moment: its row wins, and is read back below.
        db.session.execute(_insert(XapiActor).on_conflict_do_nothing(), rows)
        names.update(_read_names(missing))
    return names


def name_every_learner() -> None:
    """Give every enrolled learner who has no account name one, so that an export can
    commit them before it writes a single statement: a name that left in an export
    and was then rolled back would be replaced by another."""
    query = (
        select(Enrolment.user_id)
        .distinct()
        .outerjoin(XapiActor, XapiActor.user_id == Enrolment.user_id)
        .where(XapiActor.user_id.is_(None))
    )
    missing = list(db.session.scalars(query))
    for start in range(0, len(missing), BATCH):
        account_names(missing[start : start + BATCH])


def _read_names(user_ids: Collection[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    query = select(XapiActor.user_id, XapiActor.account_name)
    rows = db.session.execute(query.where(XapiActor.user_id.in_(list(user_ids))))
    return {row.user_id: row.account_name for row in rows}


def outbox_for(endpoint: str) -> XapiOutbox:
    """The outbox of ``endpoint``, created (empty: everything to send) on first use."""
    db.session.execute(_insert(XapiOutbox).values(endpoint=endpoint).on_conflict_do_nothing())
    return db.session.scalars(select(XapiOutbox).where(XapiOutbox.endpoint == endpoint)).one()


def record_delivery(outbox: XapiOutbox, *, read_from: datetime, now: datetime) -> None:
    """The LRS accepted everything before ``read_from``; the next run reads from there."""
    outbox.read_from = read_from
    outbox.last_run_at = now


def record_success(outbox: XapiOutbox, *, read_from: datetime, now: datetime) -> None:
    """A run delivered everything it read; the next one reads from ``read_from``."""
    outbox.read_from = read_from
    outbox.last_run_at = outbox.last_success_at = now
    outbox.failures = 0
    outbox.last_error = ""


def record_failure(outbox: XapiOutbox, error: str, *, now: datetime) -> None:
    """A run stopped on ``error``; what it delivered before stays recorded."""
    outbox.last_run_at = now
    outbox.failures += 1
    outbox.last_error = error


def _insert(model: type[XapiActor] | type[XapiOutbox]) -> sqlite.Insert | postgresql.Insert:
    """An INSERT that can skip rows that already exist, on either supported database."""
    dialect = db.session.get_bind().dialect.name
    return (sqlite if dialect == "sqlite" else postgresql).insert(model)
