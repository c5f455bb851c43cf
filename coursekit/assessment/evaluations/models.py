"""Course evaluations: one per learner and module version, as submitted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coursekit.catalog.models import Enrolment
from coursekit.db import Base, utcnow


class EvaluationResponse(Base):
    """A learner's evaluation of a module version. The form's items are stored with the
    answers, so results stay readable after the provider changes its form."""

    __tablename__ = "coursekit_evaluation_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("coursekit_enrolment.id"), unique=True)
    form: Mapped[str] = mapped_column(String(80))
    """Which form was used: the provider form's name and version."""
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)

    enrolment: Mapped[Enrolment] = relationship(lazy="joined", innerjoin=True)
