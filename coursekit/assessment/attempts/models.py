"""Quiz attempts, the answers saved during them and the grades given to them.

An attempt is created with its questions frozen; answers are appended as the learner
goes (the latest per question counts); closing the attempt is the one state change an
attempt row sees, besides extra time an administrator grants moving an open attempt's
deadline. Grades are appended too: a regrade after a corrected answer key adds a revision
and keeps the earlier ones.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coursekit.catalog.models import Enrolment
from coursekit.db import Base, utcnow

POST_TEST = "post-test"
CLOSE_REASONS = ("submitted", "time-limit")


class Attempt(Base):
    """One attempt at a quiz of a module version, by the learner of ``enrolment``.

    ``questions`` is the frozen selection: a list of ``{"source", "id", "arrangement"}``,
    where ``source`` is the quiz or bank file inside the module version, so the attempt
    is re-created exactly from the immutable package. The partial unique index allows one
    open attempt per enrolment and quiz, whatever races the web tier has.
    """

    __tablename__ = "coursekit_attempt"
    __table_args__ = (
        UniqueConstraint("enrolment_id", "quiz", "number"),
        Index(
            "uq_coursekit_attempt_open",
            "enrolment_id",
            "quiz",
            unique=True,
            sqlite_where=text("closed_at IS NULL"),
            postgresql_where=text("closed_at IS NULL"),
        ),
        CheckConstraint("(closed_at IS NULL) = (close_reason IS NULL)", name="closed_with_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("coursekit_enrolment.id"))
    quiz: Mapped[str] = mapped_column(String(40))
    number: Mapped[int]
    """1 for the learner's first attempt at this quiz, 2 for the second, …"""
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline: Mapped[datetime | None]
    """When the time limit runs out; answers saved after it are not counted. Set at the
    start (limit + the learner's extra time); only an extra-time grant moves it, later,
    while the attempt is open (``coursekit.assessment.timing.operations``)."""
    closed_at: Mapped[datetime | None]
    close_reason: Mapped[str | None] = mapped_column(String(16))

    enrolment: Mapped[Enrolment] = relationship(lazy="joined", innerjoin=True)

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class AttemptAnswer(Base):
    """An answer saved during an attempt. Never updated: saving again appends a row,
    and the latest row saved before the deadline is the answer."""

    __tablename__ = "coursekit_attempt_answer"
    __table_args__ = (Index(None, "attempt_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("coursekit_attempt.id"))
    position: Mapped[int]
    """The question's index in the attempt's frozen ``questions``."""
    response: Mapped[Any] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)


class AttemptGrade(Base):
    """The grading of a closed attempt. Revision 1 is given when the attempt closes; a
    regrade appends the next revision. The unique revision makes a double submission
    grade once: the second insert of revision 1 fails."""

    __tablename__ = "coursekit_attempt_grade"
    __table_args__ = (UniqueConstraint("attempt_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("coursekit_attempt.id"), index=True)
    revision: Mapped[int]
    graded_at: Mapped[datetime] = mapped_column(default=utcnow)
    key_version_id: Mapped[int] = mapped_column(ForeignKey("coursekit_module_version.id"))
    """The module version whose answer key graded the attempt."""
    reason: Mapped[str] = mapped_column(String(200))
    earned: Mapped[float]
    possible: Mapped[float]
    percent: Mapped[float]
    passed: Mapped[bool]
    results: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    """One entry per graded question, in attempt order: ``{"id", "earned", "possible",
    "answered", "critical"}``, where ``critical`` means a critical question was missed."""
