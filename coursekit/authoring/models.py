"""Staged uploads: packed modules that passed validation and wait to be published."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from coursekit.db import Base, utcnow


class UploadStatus(StrEnum):
    """``staged`` → ``submitted`` (when the provider approves modules) → ``published`` or
    ``rejected``; ``staged`` or ``submitted`` → ``withdrawn`` (by the instructor, or when a
    newer upload of the same version replaces it). The last three are final."""

    STAGED = "staged"
    SUBMITTED = "submitted"
    PUBLISHED = "published"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


OPEN_STATUSES = (UploadStatus.STAGED, UploadStatus.SUBMITTED)
"""An upload in one of these may still be published."""


class StagedUpload(Base):
    """One valid uploaded version of a module, kept whatever becomes of it.

    Rows are never deleted and their content never changes; only the status moves on,
    with who decided, when and why. ``archive`` is the zip as coursekit packs it (only
    the files the package uses), so ``content_hash`` is the hash it will be published
    under; it is deferred, so listing uploads never loads it. ``warnings`` keeps the
    validation report's warnings as ``[path, line, column, message]``.
    """

    __tablename__ = "coursekit_staged_upload"
    __table_args__ = (
        CheckConstraint(
            "status IN ('staged', 'submitted', 'published', 'rejected', 'withdrawn')",
            name="status",
        ),
        Index("ix_coursekit_staged_upload_module_id", "module_id", "id"),
        Index("ix_coursekit_staged_upload_status", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    content_hash: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(200))
    archive: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    warnings: Mapped[list[Any]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default=UploadStatus.STAGED)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("coursekit_user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("coursekit_user.id"))
    decided_at: Mapped[datetime | None]
    reason: Mapped[str] = mapped_column(Text, default="")
    module_version_id: Mapped[int | None] = mapped_column(ForeignKey("coursekit_module_version.id"))
