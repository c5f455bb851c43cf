"""Reading the audit log."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import aliased

from coursekit import db
from coursekit.accounts.models import User
from coursekit.audit.models import AuditEntry


def entries_for(*subjects: str) -> list[tuple[AuditEntry, User | None]]:
    """Every entry about the given subjects, oldest first, with the user who acted."""
    actor = aliased(User)
    rows = db.session.execute(
        select(AuditEntry, actor)
        .outerjoin(actor, actor.id == AuditEntry.actor_id)
        .where(AuditEntry.subject.in_(subjects))
        .order_by(AuditEntry.id)
    )
    return [(entry, user) for entry, user in rows]
