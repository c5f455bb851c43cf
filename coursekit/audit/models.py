"""The audit log: who changed what, when and why, for the records boards rely on.

Entries are appended and never changed. The application has no page or command that edits
one, and the ORM refuses to: updating or deleting an ``AuditEntry`` (one object at a time
or with a bulk ``update()``/``delete()``) raises :class:`AuditLogIsAppendOnly` before any
SQL is sent. SQL written outside the ORM is not stopped here; in production the database
role should have no UPDATE or DELETE on the table (docs/deployment.md).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, Mapper, ORMExecuteState, Session, mapped_column

from coursekit.db import Base, utcnow
from coursekit.errors import CourseKitError


class AuditEntry(Base):
    """One change, appended and never edited: ``action`` names it (``certificate.revoked``),
    ``subject`` says what it changed (``certificate:17``), ``actor_id`` who did it (None
    for the platform itself, e.g. an automatic issue), ``reason`` why, in their words."""

    __tablename__ = "coursekit_audit_entry"
    __table_args__ = (Index("ix_coursekit_audit_entry_subject", "subject", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("coursekit_user.id"))
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class AuditLogIsAppendOnly(CourseKitError):
    """Something tried to change or remove an audit entry."""

    def __init__(self) -> None:
        super().__init__("Audit entries are never changed or deleted; append a new entry.")


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_flushed_change(_mapper: Mapper[Any], _connection: Any, _entry: AuditEntry) -> None:
    raise AuditLogIsAppendOnly()


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state: ORMExecuteState) -> None:
    # Bulk ``update(AuditEntry)`` and ``delete(AuditEntry)`` skip the flush events above.
    # Listening on the Session class covers every session; the check is cheap and only
    # ever refuses statements on coursekit's own audit table.
    if (state.is_update or state.is_delete) and AuditEntry.__mapper__ in state.all_mappers:
        raise AuditLogIsAppendOnly()
