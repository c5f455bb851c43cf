"""Completions: recorded once, for the module version they apply to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coursekit.db import Base, utcnow


class Completion(Base):
    """A learner completed a module version. Prerequisites are satisfied by a completion
    of any version of the required module. (The completion rule that writes these rows
    belongs to the progress feature.)"""

    __tablename__ = "coursekit_completion"
    __table_args__ = (UniqueConstraint("user_id", "module_version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("coursekit_user.id"), index=True)
    module_version_id: Mapped[int] = mapped_column(ForeignKey("coursekit_module_version.id"))
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)
