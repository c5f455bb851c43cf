"""The records the throughput part loads: learners enrolled in a bundled module, open
post-test attempts to save answers in and submit, and one issued certificate.

Written in process through the models and coursekit's operations (enrolment with the
attestation, the post-test draw, certificate issue), not through pages: this is set-up,
not what is measured. Every learner shares one password hash, made once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import Flask
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from coursekit import db
from coursekit.accounts.models import Role, User, UserRole
from coursekit.assessment.attempts.models import POST_TEST, Attempt, AttemptGrade
from coursekit.assessment.attempts.operations import start_post_test
from coursekit.assessment.quizzes import resolve
from coursekit.assessment.worksheets.models import WorksheetReview, WorksheetSubmission
from coursekit.attestation.queries import current_attestation
from coursekit.catalog.models import Enrolment
from coursekit.catalog.operations import enrol
from coursekit.certificates.operations import issue_certificate
from coursekit.db import utcnow
from coursekit.packages.queries import current_versions, package_for
from coursekit.progress.models import Completion
from tests.certificate_records import PROVIDER

MODULE = "trigger-point-foundations"
"""The bundled module without prerequisites: anyone may enrol in it."""
SETTINGS = {"COURSEKIT_PROVIDER": PROVIDER, "COURSEKIT_VERIFY_LIMIT": "10000000 per minute"}
"""The instance's settings beside ``bench.databases``': a provider that issues certificates,
and no limit on verification lookups (every request comes from 127.0.0.1)."""
PASSWORD = "benchmark passphrase 2026"
# Werkzeug's scrypt at a sixteenth of its default work factor: every learner signs in
# over HTTP before the runs, and sign-in cost is not what this part measures.
SHARED_HASH = generate_password_hash(PASSWORD, method="scrypt:2048:8:1")
ANSWERS = {"single": "0", "multiple": "0", "true_false": "true"}
"""A form value of ``answer`` that answers a question of each of these types (``0``: the
first option shown)."""


@dataclass(frozen=True)
class OpenAttempt:
    """A taker's open post-test attempt and the question the autosave answers."""

    email: str
    attempt_id: int
    number: int
    """1-based position of a question the autosave answers, with ``answer``."""
    answer: str


@dataclass(frozen=True)
class Records:
    """What the runs need to address: who signs in, and which attempt and code to use."""

    readers: list[str]
    attempts: list[OpenAttempt]
    certificate_code: str
    certificate_number: str
    module_title: str
    lesson_path: str
    lesson_title: str


def _learner(email: str, number: int) -> User:
    user = User(
        email=email,
        password_hash=SHARED_HASH,
        first_name="Bench",
        last_name=f"Learner {number}",
        nccaom_id=f"{100000 + number}",
        roles=[UserRole(role=Role.LEARNER)],
    )
    db.session.add(user)
    return user


def _enrolled(user: User) -> Enrolment:
    attestation = current_attestation()
    return enrol(
        user,
        current_versions()[MODULE],
        attestation_accepted=True,
        attestation_text=attestation.text,
        attestation_version=attestation.version,
    )


def _reviewed_worksheet(enrolment: Enrolment, reviewer: User) -> None:
    """The post-test opens once the worksheet is reviewed; the rows an instructor's
    review leaves (the answers themselves do not matter here)."""
    submission = WorksheetSubmission(enrolment_id=enrolment.id, answers={})
    db.session.add(submission)
    db.session.flush()
    db.session.add(WorksheetReview(submission_id=submission.id, reviewer_id=reviewer.id))


def _answerable(email: str, attempt: Attempt) -> OpenAttempt | None:
    """The attempt with its first question of a type in ``ANSWERS``; None if it drew none."""
    package = package_for(attempt.enrolment.module_version)
    for index, frozen in enumerate(attempt.questions):
        kind = resolve(package, frozen)["type"]
        if kind in ANSWERS:
            return OpenAttempt(email, attempt.id, index + 1, ANSWERS[kind])
    return None


def _certificate(learner: User) -> tuple[str, str]:
    """A completion of the module with a passed post-test, and its issued certificate
    (the real operation: snapshot, number, PDF); returns its code and number."""
    enrolment = _enrolled(learner)
    now = utcnow()
    attempt = Attempt(
        enrolment_id=enrolment.id,
        quiz=POST_TEST,
        number=1,
        questions=[],
        started_at=now - timedelta(minutes=30),
        closed_at=now - timedelta(minutes=10),
        close_reason="submitted",
    )
    db.session.add(attempt)
    db.session.flush()
    db.session.add(
        AttemptGrade(
            attempt_id=attempt.id,
            revision=1,
            key_version_id=enrolment.module_version_id,
            reason="submitted",
            earned=9,
            possible=10,
            percent=90,
            passed=True,
            results=[],
        )
    )
    completion = Completion(
        user_id=learner.id, module_version_id=enrolment.module_version_id, completed_at=now
    )
    db.session.add(completion)
    db.session.flush()
    certificate = issue_certificate(completion, actor=None, now=now)
    return certificate.code, certificate.number


def write_records(app: Flask, readers: int, takers: int) -> Records:
    """``readers`` enrolled learners (lesson, dashboard, catalogue), ``takers`` enrolled
    learners with a reviewed worksheet and an open post-test attempt each (listed when
    it drew a question the autosave can answer: nearly every draw), and one
    learner with an issued certificate; committed."""
    with app.app_context():
        reviewer = _learner("reviewer@bench.example", 0)
        reviewer.roles.append(UserRole(role=Role.INSTRUCTOR))
        reader_emails = []
        for number in range(readers):
            reader_emails.append(f"reader{number}@bench.example")
            _enrolled(_learner(reader_emails[-1], number))
        db.session.flush()
        attempts = []
        for number in range(takers):
            email = f"taker{number}@bench.example"
            enrolment = _enrolled(_learner(email, readers + number))
            db.session.flush()
            _reviewed_worksheet(enrolment, reviewer)
            attempt = start_post_test(enrolment)
            db.session.flush()
            if answerable := _answerable(email, attempt):
                attempts.append(answerable)
        code, number = _certificate(_learner("certified@bench.example", readers + takers))
        db.session.commit()
        package = package_for(current_versions()[MODULE])
        lesson = package.lessons[0]
        return Records(
            reader_emails,
            attempts,
            code,
            number,
            package.title,
            f"/modules/{MODULE}/lessons/{lesson.slug}",
            lesson.title,
        )


def submitted_count(app: Flask, attempt_ids: list[int]) -> int:
    """How many of these attempts are closed as submitted (with their grade)."""
    with app.app_context():
        closed = db.session.scalars(
            select(Attempt.id).where(
                Attempt.id.in_(attempt_ids), Attempt.close_reason == "submitted"
            )
        ).all()
        graded = db.session.scalars(
            select(AttemptGrade.attempt_id).where(AttemptGrade.attempt_id.in_(closed))
        ).all()
        return len(set(graded))
