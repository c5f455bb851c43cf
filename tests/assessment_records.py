"""Post-test attempts and grades written straight to the database, for tests of what is
built on them (evaluations, statistics) without driving the attempt pages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select

from coursekit import db
from coursekit.assessment.attempts.models import POST_TEST, Attempt, AttemptGrade
from coursekit.catalog.models import Enrolment
from coursekit.db import utcnow
from coursekit.packages.models import ModuleVersion


def enrolment_id(app: Flask, user_id: int, module_id: str) -> int:
    """The id of the learner's enrolment in ``module_id``."""
    with app.app_context():
        return db.session.scalar(
            select(Enrolment.id)
            .join(ModuleVersion, Enrolment.module_version_id == ModuleVersion.id)
            .where(Enrolment.user_id == user_id, ModuleVersion.module_id == module_id)
        )


def graded_attempt(
    app: Flask,
    enrolment: int,
    *,
    passed: bool,
    percent: float | None = None,
    questions: Sequence[dict[str, Any]] = (),
    results: Sequence[dict[str, Any]] = (),
) -> int:
    """A closed post-test attempt with its first grade; returns the attempt's id."""
    with app.app_context():
        row = db.session.get(Enrolment, enrolment)
        number = 1 + len(
            db.session.scalars(select(Attempt.id).where(Attempt.enrolment_id == enrolment)).all()
        )
        now = utcnow()
        attempt = Attempt(
            enrolment_id=enrolment,
            quiz=POST_TEST,
            number=number,
            questions=list(questions),
            started_at=now - timedelta(minutes=10),
            closed_at=now,
            close_reason="submitted",
        )
        db.session.add(attempt)
        db.session.flush()
        percent = (100.0 if passed else 0.0) if percent is None else percent
        db.session.add(
            AttemptGrade(
                attempt_id=attempt.id,
                revision=1,
                key_version_id=row.module_version_id,
                reason="submitted",
                earned=percent / 10,
                possible=10.0,
                percent=percent,
                passed=passed,
                results=list(results),
            )
        )
        db.session.commit()
        return attempt.id


def regrade_record(app: Flask, attempt_id: int, *, percent: float, results: list) -> None:
    """Append grade revision 2 to an attempt (as a regrade with a corrected key does)."""
    with app.app_context():
        first = db.session.scalar(
            select(AttemptGrade).where(
                AttemptGrade.attempt_id == attempt_id, AttemptGrade.revision == 1
            )
        )
        db.session.add(
            AttemptGrade(
                attempt_id=attempt_id,
                revision=2,
                key_version_id=first.key_version_id,
                reason="corrected key",
                earned=percent / 10,
                possible=10.0,
                percent=percent,
                passed=percent >= 75,
                results=results,
            )
        )
        db.session.commit()
