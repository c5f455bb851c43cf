"""Extra time an administrator arranges for one learner on one module's post-test.

Grants are appended, never changed: the newest grant for a learner and module is the
one in force, so a later grant (of other minutes, or 0 to withdraw the extra time)
supersedes an earlier one and the history of who arranged what, and why, stays.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from coursekit.db import Base, utcnow

MAX_EXTRA_MINUTES = 600
"""Ten hours on top of the limit: more than any accommodation asks for, and a bound on
a mistyped number."""


class TimeAllowance(Base):
    """``extra_minutes`` added to the time limit of ``module_id``'s post-test for
    ``user_id``, granted by ``granted_by_id`` (None from the command line) with a reason
    such as a disability accommodation."""

    __tablename__ = "coursekit_time_allowance"
    __table_args__ = (
        Index(None, "user_id", "module_id", "id"),
        CheckConstraint(
            f"extra_minutes >= 0 AND extra_minutes <= {MAX_EXTRA_MINUTES}",
            name="extra_minutes_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("coursekit_user.id"))
    module_id: Mapped[str] = mapped_column(String(64))
    """The module (every version): a learner's accommodation does not lapse when the
    module is revised."""
    extra_minutes: Mapped[int]
    reason: Mapped[str] = mapped_column(Text)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("coursekit_user.id"))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
