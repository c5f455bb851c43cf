"""Writing to the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from coursekit import db
from coursekit.accounts.models import User
from coursekit.audit.models import AuditEntry


def record(
    action: str,
    subject: str,
    *,
    actor: User | None,
    at: datetime,
    reason: str = "",
    **details: Any,
) -> AuditEntry:
    """Append one entry; ``details`` must be JSON values (what changed, from and to)."""
    entry = AuditEntry(
        at=at,
        actor_id=actor.id if actor is not None else None,
        action=action,
        subject=subject,
        reason=reason,
        details=details,
    )
    db.session.add(entry)
    db.session.flush()
    return entry
