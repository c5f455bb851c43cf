"""Lesson events: append-only records of what a learner opened and finished."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from coursekit.db import Base, utcnow


class LessonEventKind(StrEnum):
    OPENED = "opened"
    COMPLETED = "completed"
    """The learner reached the end of the lesson and said they had finished it."""
    ACTIVE = "active"
    """``seconds`` of seat time on the lesson, credited when the row was written (see
    ``coursekit.lessons.seat_time``); a row of 0 seconds restarts the clock."""


class LessonEvent(Base):
    """Something a learner did on a lesson, at a time, or seat time they earned on it.
    Never updated, never deleted: progress and seat time are worked out from these rows."""

    __tablename__ = "coursekit_lesson_event"
    __table_args__ = (
        CheckConstraint("kind IN ('opened', 'completed', 'active')", name="kind"),
        CheckConstraint("seconds >= 0 AND (kind = 'active' OR seconds = 0)", name="seconds"),
        # Every read is per enrolment; kind, lesson and seconds make those reads index-only
        # (reports sum seat time over thousands of enrolments: migration 0006).
        Index(None, "enrolment_id", "at", "kind", "lesson", "seconds"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("coursekit_enrolment.id"))
    lesson: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    seconds: Mapped[int] = mapped_column(default=0, server_default="0")
