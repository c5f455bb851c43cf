"""Revisions of the participant attestation, saved by administrators and never edited."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from coursekit.db import Base, utcnow


class AttestationRevision(Base):
    """The participant attestation as an administrator saved it. The newest revision is
    the one learners accept; older ones stay, so it is known which wording was in force
    when. (Each enrolment also copies the text and label its learner accepted.)

    ``version`` is the label stored with each acceptance: one label names one text for
    good, so it is unique.
    """

    __tablename__ = "coursekit_attestation_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(40), unique=True)
    text: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
    saved_by_id: Mapped[int] = mapped_column(ForeignKey("coursekit_user.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
