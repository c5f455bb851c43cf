"""Enrolments, each carrying the participant attestation the learner accepted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coursekit.db import Base, utcnow
from coursekit.packages.models import ModuleVersion


class Enrolment(Base):
    """A learner's enrolment in one module version.

    The attestation is stored on the enrolment itself (its text as shown, its version
    label and the time), so an enrolment without an accepted attestation cannot exist.
    Learners stay on the version they enrolled in; a newer version never moves them.
    """

    __tablename__ = "coursekit_enrolment"
    __table_args__ = (
        UniqueConstraint("user_id", "module_version_id"),
        # A version's enrolments (reports, learners lists) are found by version; the
        # learner makes the list's join to names index-only (migration 0011).
        Index(None, "module_version_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("coursekit_user.id"), index=True)
    module_version_id: Mapped[int] = mapped_column(ForeignKey("coursekit_module_version.id"))
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    attestation_version: Mapped[str] = mapped_column(String(40))
    attestation_text: Mapped[str] = mapped_column(Text)
    attested_at: Mapped[datetime]

    module_version: Mapped[ModuleVersion] = relationship(lazy="joined", innerjoin=True)
