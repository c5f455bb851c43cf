"""Provider settings, saved by administrators as revisions that are never edited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from coursekit.db import Base, utcnow


class ProviderSettingsRevision(Base):
    """The provider's details as an administrator saved them. The latest revision is
    the one in force; older ones stay, so it is known what was in force when. (Each
    certificate also copies what it prints.)"""

    __tablename__ = "coursekit_provider_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    based_on_id: Mapped[int] = mapped_column(unique=True)
    """The revision in force when this one was saved (0 for the first). Unique: a
    revision is replaced once, so of two saves based on the same one, the second fails
    (migration 0016)."""
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("coursekit_user.id"))
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    logo_type: Mapped[str | None] = mapped_column(String(32))
    signature: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    signature_type: Mapped[str | None] = mapped_column(String(32))
