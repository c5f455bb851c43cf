"""Reading attempts: where a learner stands on a post-test, answers, grades, review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from coursekit import db
from coursekit.assessment.attempts.models import POST_TEST, Attempt, AttemptAnswer, AttemptGrade
from coursekit.assessment.worksheets.queries import worksheet_state
from coursekit.catalog.models import Enrolment
from coursekit.errors import CourseKitError
from coursekit.packages.queries import package_for
from coursekit.packages.values import Assessment


class AttemptRefused(CourseKitError):
    """The learner may not do this to the attempt; ``status`` is the HTTP status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message, self.status = message, status


@dataclass(frozen=True)
class GradedAttempt:
    """An attempt with its current grade (None while open)."""

    attempt: Attempt
    grade: AttemptGrade | None


@dataclass(frozen=True)
class PostTestStatus:
    """Where a learner stands on a module's post-test."""

    assessment: Assessment
    attempts: tuple[GradedAttempt, ...]
    open_attempt: Attempt | None
    refusal: str
    """Why a new attempt cannot start now, in words; empty when it can."""
    next_allowed_at: datetime | None

    @property
    def passed(self) -> bool:
        return any(item.grade is not None and item.grade.passed for item in self.attempts)

    @property
    def attempts_left(self) -> int | None:
        """How many more attempts the learner may start; None when unlimited."""
        allowed = self.assessment.attempts
        return None if allowed is None else max(0, allowed - len(self.attempts))

    @property
    def best(self) -> AttemptGrade | None:
        grades = [item.grade for item in self.attempts if item.grade is not None]
        return max(grades, key=lambda grade: (grade.passed, grade.percent), default=None)


def post_test_status(enrolment: Enrolment, *, now: datetime) -> PostTestStatus:
    """The learner's post-test attempts and whether they may start another (two queries)."""
    assessment = package_for(enrolment.module_version).assessment
    attempts = db.session.scalars(
        select(Attempt)
        .where(Attempt.enrolment_id == enrolment.id, Attempt.quiz == POST_TEST)
        .order_by(Attempt.number)
    ).all()
    grades = current_grades([attempt.id for attempt in attempts])
    graded = tuple(GradedAttempt(attempt, grades.get(attempt.id)) for attempt in attempts)
    open_attempt = next((attempt for attempt in attempts if attempt.is_open), None)
    refusal, next_allowed = "", None
    passed = any(item.grade is not None and item.grade.passed for item in graded)
    if passed:
        refusal = "You have passed the post-test."
    elif assessment.attempts is not None and len(attempts) >= assessment.attempts:
        refusal = f"You have used all {assessment.attempts} attempts."
    else:
        worksheet = worksheet_state(enrolment)
        if worksheet.required and not worksheet.reviewed:
            refusal = (
                "The post-test opens once an instructor has reviewed your worksheet."
                if worksheet.submitted
                else "Submit your worksheet first: the post-test opens once it is reviewed."
            )
        elif attempts and assessment.retry_wait_minutes and attempts[-1].closed_at:
            next_allowed = attempts[-1].closed_at + timedelta(minutes=assessment.retry_wait_minutes)
            if now < next_allowed:
                refusal = f"You can start your next attempt at {next_allowed:%Y-%m-%d %H:%M} UTC."
    return PostTestStatus(assessment, graded, open_attempt, refusal, next_allowed)


def current_grades(attempt_ids: list[int]) -> dict[int, AttemptGrade]:
    """The latest grade revision of each attempt (one query)."""
    if not attempt_ids:
        return {}
    rows = db.session.scalars(
        select(AttemptGrade)
        .where(AttemptGrade.attempt_id.in_(attempt_ids))
        .order_by(AttemptGrade.attempt_id, AttemptGrade.revision)
    )
    return {grade.attempt_id: grade for grade in rows}


def latest_grade(attempt_id: int) -> AttemptGrade | None:
    """The attempt's latest grade revision, or None."""
    return current_grades([attempt_id]).get(attempt_id)


def grade_history(attempt_id: int) -> list[AttemptGrade]:
    """Every grade revision of an attempt, oldest first."""
    return list(
        db.session.scalars(
            select(AttemptGrade)
            .where(AttemptGrade.attempt_id == attempt_id)
            .order_by(AttemptGrade.revision)
        )
    )


def latest_answers(attempt: Attempt) -> dict[int, Any]:
    """The latest saved response per question position."""
    return _answers(attempt, in_time=False)


def answers_in_time(attempt: Attempt) -> dict[int, Any]:
    """The latest response per position saved before the deadline: what is graded."""
    return _answers(attempt, in_time=True)


def _answers(attempt: Attempt, *, in_time: bool) -> dict[int, Any]:
    # Only each position's newest row is fetched: autosave appends often, and the log of
    # an attempt grows with every change the learner makes.
    newest = (
        select(func.max(AttemptAnswer.id))
        .where(AttemptAnswer.attempt_id == attempt.id)
        .group_by(AttemptAnswer.position)
    )
    if in_time and attempt.deadline is not None:
        newest = newest.where(AttemptAnswer.saved_at < attempt.deadline)
    query = select(AttemptAnswer.position, AttemptAnswer.response).where(
        AttemptAnswer.id.in_(newest)
    )
    # A withdrawn answer is stored as null: the question is unanswered again.
    rows = db.session.execute(query)
    return {position: response for position, response in rows if response is not None}


def attempt_for(account_id: int, attempt_id: int) -> Attempt | None:
    """The attempt if it exists and belongs to this learner."""
    if not 0 < attempt_id <= db.MAX_ID:
        return None  # a tampered id beyond what the column holds: no such attempt
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.enrolment.user_id != account_id:
        return None
    return attempt


def may_see_answers(status: PostTestStatus, grade: AttemptGrade | None) -> bool:
    """Whether the review policy lets the learner see correct answers and explanations
    now (always after the attempt is closed; see docs/module-format.md, review)."""
    if grade is None:
        return False
    policy = status.assessment.review
    if policy == "after-submit":
        return True
    if policy == "after-pass":
        return status.passed
    if policy == "after-last-attempt":
        return status.passed or status.attempts_left == 0
    return False
