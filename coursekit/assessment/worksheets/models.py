"""Worksheets: what a learner submitted and the instructor's review of it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coursekit.catalog.models import Enrolment
from coursekit.db import Base, utcnow


class WorksheetSubmission(Base):
    """A learner's worksheet answers, as submitted. Never updated: a learner who revises
    the worksheet before it is reviewed appends a new submission, and the latest is the
    one an instructor reviews."""

    __tablename__ = "coursekit_worksheet_submission"
    __table_args__ = (Index(None, "enrolment_id", "submitted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("coursekit_enrolment.id"))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    """Question id → canonical response."""
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)

    enrolment: Mapped[Enrolment] = relationship(lazy="joined", innerjoin=True)
    review: Mapped[WorksheetReview | None] = relationship(
        back_populates="submission", lazy="selectin"
    )


class WorksheetReview(Base):
    """An instructor marked a submission reviewed (it is not scored), with an optional
    comment the learner sees. One review per submission."""

    __tablename__ = "coursekit_worksheet_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("coursekit_worksheet_submission.id"), unique=True
    )
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("coursekit_user.id"))
    comment: Mapped[str] = mapped_column(Text, default="")
    reviewed_at: Mapped[datetime] = mapped_column(default=utcnow)

    submission: Mapped[WorksheetSubmission] = relationship(back_populates="review")
