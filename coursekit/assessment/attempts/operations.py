"""Starting, answering, submitting and regrading attempts.

Each function only flushes; the request (or CLI command) commits. The rules that make
attempts safe under double clicks, two tabs and two servers live in the database: the
partial unique index allows one open attempt per enrolment and quiz, the conditional
``UPDATE`` closes an attempt once, and the unique grade revision grades it once.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from coursekit import db
from coursekit.assessment.attempts.models import POST_TEST, Attempt, AttemptAnswer, AttemptGrade
from coursekit.assessment.attempts.queries import (
    AttemptRefused,
    answers_in_time,
    latest_answers,
    latest_grade,
    post_test_status,
)
from coursekit.assessment.grading import grade_attempt
from coursekit.assessment.quizzes import FrozenQuestion, resolve, select_post_test
from coursekit.assessment.registry import registry
from coursekit.assessment.timing.queries import time_limit_for
from coursekit.assessment.types.base import InvalidResponse, Question
from coursekit.audit.operations import record
from coursekit.catalog.models import Enrolment
from coursekit.db import utcnow
from coursekit.packages.models import ModuleVersion
from coursekit.packages.queries import package_for
from coursekit.packages.values import ModulePackage
from coursekit.progress.operations import complete_if_due
from coursekit.signals import attempt_submitted


def start_post_test(enrolment: Enrolment, *, now: datetime | None = None) -> Attempt:
    """Start the learner's next post-test attempt, or return the open one (resume).

    Its deadline is the module's time limit plus the extra minutes arranged for the
    learner (``coursekit.assessment.timing``), counted from now.

    ``AttemptRefused`` when the post-test is not open to them (worksheet not reviewed,
    no attempts left, too soon after the last one, already passed).
    """
    now = now or utcnow()
    status = post_test_status(enrolment, now=now)
    if status.open_attempt is not None:
        return status.open_attempt
    if status.refusal:
        raise AttemptRefused(status.refusal, 409)
    package = package_for(enrolment.module_version)
    limit = time_limit_for(enrolment)
    attempt = Attempt(
        enrolment_id=enrolment.id,
        quiz=POST_TEST,
        number=len(status.attempts) + 1,
        # The OS's randomness: a learner cannot predict the next attempt's draw.
        questions=select_post_test(package, random.SystemRandom()),
        started_at=now,
        deadline=now + timedelta(minutes=limit.total) if limit else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:
        # Another tab or server started one at the same moment: resume that one.
        existing = post_test_status(enrolment, now=now).open_attempt
        if existing is None:
            raise
        return existing
    return attempt


def save_answer(
    attempt: Attempt, position: int, raw: Any, *, now: datetime | None = None
) -> AttemptAnswer:
    """Append the learner's answer to the question at ``position`` (``raw`` None
    withdraws the answer).

    Refused when the attempt is closed or its time is up (the answer would not count),
    when ``position`` is not a question of the attempt, or when the response does not fit
    the question (``AttemptRefused`` with a message for the learner).
    """
    now = now or utcnow()
    # Re-read the attempt under a row lock: a submit from another tab that commits
    # between our first read and our insert must win, not be followed by an answer.
    db.session.refresh(attempt, with_for_update=True)
    if not attempt.is_open:
        raise AttemptRefused("This attempt has been submitted; answers can no longer change.", 409)
    if attempt.deadline is not None and now >= attempt.deadline:
        raise AttemptRefused("Time is up for this attempt; the answer was not saved.", 409)
    if not 0 <= position < len(attempt.questions):
        raise AttemptRefused("That question is not part of this attempt.", 404)
    frozen = attempt.questions[position]
    question = resolve(package_for(attempt.enrolment.module_version), frozen)
    if raw is None:
        response = None  # the learner withdrew their answer: unanswered from now on
    else:
        try:
            response = registry()[question["type"]].parse(question, frozen["arrangement"], raw)
        except InvalidResponse as exc:
            raise AttemptRefused(str(exc), 422) from exc
    answer = AttemptAnswer(
        attempt_id=attempt.id, position=position, response=response, saved_at=now
    )
    db.session.add(answer)
    db.session.flush()
    return answer


def save_or_withdraw(
    attempt: Attempt, position: int, raw: Any, *, now: datetime | None = None
) -> AttemptAnswer | None:
    """Save a response from the question page or the API. A blank one (an emptied box,
    nothing ticked) withdraws an earlier answer, and stores nothing for a question never
    answered; the rest is :func:`save_answer`'s."""
    if raw is None or raw == "" or raw == [] or raw == {}:
        if position not in latest_answers(attempt):
            return None
        raw = None
    return save_answer(attempt, position, raw, now=now)


def close_attempt(
    attempt: Attempt, *, reason: str = "submitted", now: datetime | None = None
) -> AttemptGrade:
    """Close and grade the attempt, once: a second call (a double click, another tab,
    another server) returns the grade the first one gave."""
    now = now or utcnow()
    closed = db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.closed_at.is_(None))
        .values(closed_at=now, close_reason=reason)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(attempt)
    if closed.rowcount == 0:
        grade = latest_grade(attempt.id)
        if grade is None:  # closed by a transaction that has not graded yet: impossible
            raise AttemptRefused("This attempt is being submitted; reload in a moment.", 409)
        return grade
    return _grade(attempt, attempt.enrolment.module_version, reason=reason, revision=1, now=now)


def expire_if_due(attempt: Attempt, *, now: datetime | None = None) -> bool:
    """Close an open attempt whose time limit has passed; True if it was closed now."""
    now = now or utcnow()
    if attempt.is_open and attempt.deadline is not None and now >= attempt.deadline:
        close_attempt(attempt, reason="time-limit", now=now)
        return True
    return False


def regrade(attempt: Attempt, key_version: ModuleVersion, *, reason: str) -> AttemptGrade:
    """Grade a closed attempt again with ``key_version``'s answer key (a corrected
    version of the same module), appending a new revision; earlier grades stay."""
    if attempt.is_open:
        raise AttemptRefused("An open attempt cannot be regraded.", 409)
    if key_version.module_id != attempt.enrolment.module_version.module_id:
        raise AttemptRefused("The answer key must come from a version of the same module.", 422)
    revision = db.session.scalar(
        select(func.max(AttemptGrade.revision)).where(AttemptGrade.attempt_id == attempt.id)
    )
    return _grade(attempt, key_version, reason=reason, revision=(revision or 0) + 1, now=utcnow())


def regrade_version(
    version: ModuleVersion, key_version: ModuleVersion, *, reason: str
) -> list[tuple[AttemptGrade | None, AttemptGrade]]:
    """Regrade every closed post-test attempt of ``version`` with ``key_version``'s key;
    (previous grade, new grade) per attempt, oldest attempt first."""
    attempts = db.session.scalars(
        select(Attempt)
        .join(Enrolment, Enrolment.id == Attempt.enrolment_id)
        .where(Enrolment.module_version_id == version.id, Attempt.closed_at.is_not(None))
        .order_by(Attempt.id)
    ).all()
    regraded = [
        (latest_grade(attempt.id), regrade(attempt, key_version, reason=reason))
        for attempt in attempts
    ]
    # One entry for the act; each attempt's new grade is its own record.
    record(
        "attempts.regraded",
        f"module-version:{version.id}",
        actor=None,
        at=utcnow(),
        reason=reason,
        key_version=key_version.version,
        attempts=len(regraded),
        changed=sum(
            1 for before, after in regraded if before is None or before.percent != after.percent
        ),
    )
    return regraded


def _grade(
    attempt: Attempt, key_version: ModuleVersion, *, reason: str, revision: int, now: datetime
) -> AttemptGrade:
    own = package_for(attempt.enrolment.module_version)
    key = package_for(key_version)
    responses = answers_in_time(attempt)
    answered = []
    for position, frozen in enumerate(attempt.questions):
        question = resolve(own, frozen)
        corrected = _corrected(key, frozen, question)
        answered.append((corrected, responses.get(position)))
    result = grade_attempt(answered, own.assessment.pass_mark)
    grade = AttemptGrade(
        attempt_id=attempt.id,
        revision=revision,
        graded_at=now,
        key_version_id=key_version.id,
        reason=reason,
        earned=result.earned,
        possible=result.possible,
        percent=result.percent,
        passed=result.passed,
        results=[item.as_record() for item in result.results],
    )
    db.session.add(grade)
    db.session.flush()
    if revision == 1:
        # Before the completion it may bring, so listeners see events in their order.
        attempt_submitted.send(current_app._get_current_object(), attempt=attempt, grade=grade)
    complete_if_due(attempt.enrolment, now=now)
    return grade


_SHAPE_FIELDS = ("options", "items", "pairs", "distractors", "candidates", "image")


def _corrected(key: ModulePackage, frozen: FrozenQuestion, question: Question) -> Question:
    """The key version's question where it has the same shape (type, and the same
    options, items, pairs or candidates in the same order, ``correct`` flags aside), so a
    stored response means the same thing; otherwise the attempt's own question."""
    try:
        candidate = resolve(key, frozen)
    except (KeyError, LookupError):
        return question
    if candidate["type"] != question["type"]:
        return question
    for field in _SHAPE_FIELDS:
        if _without_flags(candidate.get(field)) != _without_flags(question.get(field)):
            return question
    return candidate


def _without_flags(value: Any) -> Any:
    if isinstance(value, list):
        return [_without_flags(item) for item in value]
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k not in ("correct", "feedback")}
    return value
