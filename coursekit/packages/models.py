"""Published module versions: what learners enrol in, kept for good."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coursekit.db import Base, utcnow


class VersionStatus(StrEnum):
    """A retired version takes no new enrolments; its enrolled learners may finish it."""

    PUBLISHED = "published"
    RETIRED = "retired"


class ModuleVersion(Base):
    """One published version of a module package, immutable once written.

    ``archive`` is the packed, self-contained zip, so every process on every machine can
    serve exactly this version even after its folder on disk has moved on to a newer one.
    It is deferred: listing versions never loads it.
    """

    __tablename__ = "coursekit_module_version"
    __table_args__ = (
        UniqueConstraint("module_id", "version"),
        UniqueConstraint("content_hash"),
        CheckConstraint("status IN ('published', 'retired')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(64))
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default=VersionStatus.PUBLISHED)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]
    archive: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
