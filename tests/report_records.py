"""Learners and their records written straight to the database, with times chosen by
the test, for the report tests and their query budgets (no password hashing, no pages:
hundreds of records cost milliseconds)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import User
from coursekit.assessment.attempts.models import POST_TEST, Attempt, AttemptGrade
from coursekit.assessment.evaluations.models import EvaluationResponse
from coursekit.assessment.worksheets.models import WorksheetReview, WorksheetSubmission
from coursekit.catalog.models import Enrolment
from coursekit.lessons.models import LessonEvent, LessonEventKind
from coursekit.packages.models import ModuleVersion
from coursekit.progress.models import Completion

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
PASS_MARK = 75


def at(minutes: float) -> datetime:
    """``minutes`` after ``T0``."""
    return T0 + timedelta(minutes=minutes)


def version_id(app: Flask, module_id: str, version: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(ModuleVersion.id).where(
                ModuleVersion.module_id == module_id, ModuleVersion.version == version
            )
        )


def enrol(
    app: Flask,
    email: str,
    module_id: str = "calf",
    version: str = "1.0.0",
    *,
    first_name: str = "Test",
    last_name: str | None = None,
    nccaom_id: str | None = None,
) -> int:
    """A learner account (no usable password) enrolled at ``T0``; the enrolment's id."""
    module_version = version_id(app, module_id, version)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(
                email=email,
                password_hash="!",
                first_name=first_name,
                last_name=last_name or email.split("@")[0].title(),
                nccaom_id=nccaom_id,
            )
            db.session.add(user)
            db.session.flush()
        enrolment = Enrolment(
            user_id=user.id,
            module_version_id=module_version,
            enrolled_at=T0,
            attestation_version="2026-1",
            attestation_text="I attest that I will complete this course myself.",
            attested_at=T0,
        )
        db.session.add(enrolment)
        db.session.commit()
        return enrolment.id


def lesson_events(app: Flask, enrolment: int, *events: tuple[float, str, str, int]) -> None:
    """Lesson events as (minutes after T0, lesson slug, kind, seconds)."""
    with app.app_context():
        db.session.add_all(
            LessonEvent(
                enrolment_id=enrolment,
                lesson=lesson,
                kind=LessonEventKind(kind),
                at=at(minutes),
                seconds=seconds,
            )
            for minutes, lesson, kind, seconds in events
        )
        db.session.commit()


def attempt(
    app: Flask, enrolment: int, number: int, minutes: float, percents: Sequence[float] = ()
) -> int:
    """Post-test attempt ``number``, started ``minutes`` after T0 and closed ten minutes
    later with one grade revision per percent (revision 2 and on are regrades, a day
    apart); no percents leaves it open. Passed means at least ``PASS_MARK``."""
    with app.app_context():
        key = db.session.get_one(Enrolment, enrolment).module_version_id
        row = Attempt(
            enrolment_id=enrolment,
            quiz=POST_TEST,
            number=number,
            questions=[],
            started_at=at(minutes),
            closed_at=at(minutes + 10) if percents else None,
            close_reason="submitted" if percents else None,
        )
        db.session.add(row)
        db.session.flush()
        for revision, percent in enumerate(percents, start=1):
            db.session.add(
                AttemptGrade(
                    attempt_id=row.id,
                    revision=revision,
                    graded_at=at(minutes + 10 + (revision - 1) * 24 * 60),
                    key_version_id=key,
                    reason="submitted" if revision == 1 else "corrected key",
                    earned=percent / 10,
                    possible=10.0,
                    percent=percent,
                    passed=percent >= PASS_MARK,
                    results=[],
                )
            )
        db.session.commit()
        return row.id


def worksheet(
    app: Flask, enrolment: int, minutes: float, reviewed_by: int | None = None, comment: str = ""
) -> None:
    """A worksheet submission, reviewed an hour later when ``reviewed_by`` is given."""
    with app.app_context():
        submission = WorksheetSubmission(
            enrolment_id=enrolment, answers={}, submitted_at=at(minutes)
        )
        db.session.add(submission)
        db.session.flush()
        if reviewed_by is not None:
            db.session.add(
                WorksheetReview(
                    submission_id=submission.id,
                    reviewer_id=reviewed_by,
                    comment=comment,
                    reviewed_at=at(minutes + 60),
                )
            )
        db.session.commit()


def evaluation(app: Flask, enrolment: int, minutes: float) -> None:
    with app.app_context():
        db.session.add(
            EvaluationResponse(
                enrolment_id=enrolment,
                form="standard 2026-1",
                items=[],
                answers={},
                submitted_at=at(minutes),
            )
        )
        db.session.commit()


def completion(app: Flask, enrolment: int, minutes: float) -> None:
    with app.app_context():
        row = db.session.get_one(Enrolment, enrolment)
        db.session.add(
            Completion(
                user_id=row.user_id,
                module_version_id=row.module_version_id,
                completed_at=at(minutes),
            )
        )
        db.session.commit()
