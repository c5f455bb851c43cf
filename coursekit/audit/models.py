"""The audit log: who changed what, when and why, for the records boards rely on."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from coursekit.db import Base, utcnow


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
