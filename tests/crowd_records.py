"""A crowd around the sample records: the larger data the page budgets are measured
against a second time, so a page whose query count grows with the data fails.

Written straight to the database (no pages, no password hashing) except the
certificates, which go through the real operations, so each page has more of what it
lists: learners, enrolments, lesson events, worksheets, attempts, evaluations,
completions (some waiting for their certificate), certificates (some revoked),
licences, staged uploads and audit entries.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import Role, StateLicence, User, UserRole
from coursekit.audit.operations import record
from coursekit.certificates.operations import revoke_certificate
from coursekit.webhooks.models import WebhookTry
from tests.assessment_records import enrolment_id
from tests.certificate_records import completed, issue
from tests.report_records import (
    attempt,
    completion,
    enrol,
    evaluation,
    lesson_events,
    worksheet,
)
from tests.sample_records import CALF, INSTRUCTOR, LEARNER, SHIN, Samples, add_tokens, staged_upload
from tests.test_seminars import FOUNDATIONS, SEMINARS, package
from tests.verification_records import modify

# Enough that a query per row would show on every list, few enough to write in seconds.
LEARNERS = 12
AUDIT_ENTRIES = 60
WEBHOOK_TRIES = 20
LONG_AGO = datetime(2020, 1, 6, 9, 0, tzinfo=UTC)


def add_crowd(app, samples: Samples, folder: Path) -> None:
    """Add ``LEARNERS`` learners with records in every state, more records for the
    sample learner, another staged upload and ``AUDIT_ENTRIES`` audit entries."""
    for _ in range(3):
        add_tokens(app)
    with app.app_context():
        reviewer = db.session.scalar(select(User.id).where(User.email == INSTRUCTOR))
    lesson = package(FOUNDATIONS).lessons[0].slug
    for n in range(LEARNERS):
        email = f"crowd{n}@example.org"
        enrolment = enrol(app, email, FOUNDATIONS, last_name=f"Crowd{n:02}")
        lesson_events(app, enrolment, (1, lesson, "opened", 0), (30, lesson, "completed", 0))
        worksheet(app, enrolment, 40, reviewed_by=reviewer if n % 2 else None, comment="Good.")
        attempt(app, enrolment, 1, 120, (60.0,))
        attempt(app, enrolment, 2, 180, (80.0, 85.0))
        if n % 2 == 0:  # completed, its certificate waiting in the approval queue
            completion(app, enrolment, 190)
        for module_id in (CALF, SHIN):
            certificate = issue(app, completed(app, email, module_id))
            if n % 3 == 0:
                modify(app, certificate.id, revoke_certificate, reason="Issued in error.")
        with app.app_context():
            user = db.session.scalar(select(User).where(User.email == email))
            user.roles.append(UserRole(role=Role.LEARNER))
            db.session.add(StateLicence(user_id=user.id, state="CA", number=f"AC{n:05}"))
            db.session.commit()
            user_id = user.id
        evaluation(app, enrolment_id(app, user_id, SHIN), 200)
    _sample_learner_grows(app, samples)
    _webhook_tries(app, samples)
    staged_upload(app, folder, CALF)
    # Older than the sample records' entries, so the log's first page still shows every
    # kind of subject (it looks up each kind's links once) above a full page of these.
    with app.app_context():
        for n in range(AUDIT_ENTRIES):
            subject = f"user:{samples.learner_id}"
            record("user.name", subject, actor=None, at=LONG_AGO, reason=f"#{n}")
        db.session.commit()


def _webhook_tries(app, samples: Samples) -> None:
    """The sample delivery was tried many more times (the crowd's own events already
    queued deliveries for the sample endpoint, more than its page lists)."""
    with app.app_context():
        db.session.add_all(
            WebhookTry(
                delivery_id=samples.webhook_delivery,
                at=datetime(2026, 11, 1, 8, n, tzinfo=UTC),
                status=500,
                response="Internal Server Error",
                error="HTTP 500",
            )
            for n in range(WEBHOOK_TRIES)
        )
        db.session.commit()


def _sample_learner_grows(app, samples: Samples) -> None:
    """The sample learner enrols in the module she had not started and holds licences
    in more states."""
    (fourth,) = set(SEMINARS) - {FOUNDATIONS, CALF, SHIN}
    enrolment = enrol(app, LEARNER, fourth)
    first = package(fourth).lessons[0].slug
    lesson_events(app, enrolment, (1, first, "opened", 0), (20, first, "completed", 0))
    with app.app_context():
        for state in ("NY", "TX", "FL", "WA", "OR"):
            db.session.add(StateLicence(user_id=samples.learner_id, state=state, number="L1"))
        db.session.commit()
