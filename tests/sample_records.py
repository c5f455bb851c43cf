"""Something of everything, for visiting every page: one learner's records in each state
a page can show, an instructor with an assignment and a staged upload, an administrator.

Mei Lindqvist, in the bundled modules:

- trigger-point-foundations: enrolled, the first lesson finished, the worksheet submitted
  and reviewed, post-test attempt 1 closed (failed: a critical question missed) and
  attempt 2 open;
- calf-heel-pain: completed with a valid certificate, not yet evaluated;
- shin-lateral-leg: completed and evaluated, its certificate revoked.

The administrator has kept one NCCAOM roster export of calf-heel-pain.

Forms a person fills (worksheet, review, attempts, evaluation) go through the app's test
client, so the records are what the pages store; the rest is written directly. The app
serves the bundled ``modules/`` with a provider configured (``certificate_settings``): the
browser tests' live server, or an in-process app (the page budgets).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import Role, User
from coursekit.accounts.tokens import make_reset_token
from coursekit.api.tokens.models import TokenKind
from coursekit.assessment.attempts.models import Attempt
from coursekit.assessment.worksheets.models import WorksheetSubmission
from coursekit.authoring.operations import stage_upload
from coursekit.certificates.operations import revoke_certificate
from coursekit.certificates.roster_exports import export_roster
from coursekit.certificates.rosters import RosterRequest, build_roster
from coursekit.db import utcnow
from coursekit.packages.archive import pack
from coursekit.packages.discovery import package_candidate
from coursekit.packages.loader import load_package
from coursekit.packages.models import ModuleVersion
from tests.api_helpers import make_token
from tests.attempt_pages import start
from tests.certificate_records import completed, issue
from tests.helpers import assign, login, make_user
from tests.package_factory import write_package
from tests.report_records import enrol, lesson_events
from tests.test_seminar_journey import evaluate, review_worksheet, submit_worksheet, take_post_test
from tests.test_seminars import FOUNDATIONS, package
from tests.verification_records import modify
from tests.webhook_records import failed_delivery, register_webhook

LEARNER = "mei@example.org"
INSTRUCTOR = "okafor@example.org"
ADMIN = "admin@example.org"
CALF = "calf-heel-pain"
SHIN = "shin-lateral-leg"
STAGED_VERSION = "1.1.0"


@dataclass(frozen=True)
class Samples:
    """The ids and codes the pages' addresses need."""

    learner_id: int
    enrolment_id: int
    submission_id: int
    closed_attempt: int
    open_attempt: int
    valid_number: str
    valid_code: str
    revoked_number: str
    revoked_code: str
    upload_id: int
    lesson: str
    staged_lesson: str
    reset_token: str
    media_hash: str
    media_name: str
    roster_export: int
    webhook_endpoint: int
    webhook_delivery: int


def add_tokens(app: Flask) -> None:
    """A personal token for the learner and an integration token of the administrator
    (the crowd adds more of each: the token pages list them)."""
    make_token(app, user_id_of(app, LEARNER), "read")
    make_token(app, user_id_of(app, ADMIN), "read", "admin", kind=TokenKind.INTEGRATION)


def user_id_of(app: Flask, email: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def seed(app: Flask, folder: Path) -> Samples:
    """Write the records above through ``app``; ``folder`` holds the staged package's
    files."""
    make_user(app, ADMIN, Role.ADMIN, first_name="Ada", last_name="Admin")
    # Registered first, so the records below queue their events as a provider's would.
    webhook_endpoint = register_webhook(app)
    learner_id = make_user(app, LEARNER, first_name="Mei", last_name="Lindqvist")
    make_user(app, INSTRUCTOR, Role.INSTRUCTOR, first_name="Ngozi", last_name="Okafor")
    for module_id in (FOUNDATIONS, CALF, SHIN):
        assign(app, INSTRUCTOR, module_id)
    learner, teacher = app.test_client(), app.test_client()
    login(learner, LEARNER)
    login(teacher, INSTRUCTOR)

    enrolment_id = enrol(app, LEARNER, FOUNDATIONS)
    lesson = package(FOUNDATIONS).lessons[0].slug
    lesson_events(app, enrolment_id, (1, lesson, "opened", 0), (30, lesson, "completed", 0))
    submit_worksheet(learner, FOUNDATIONS)
    review_worksheet(teacher)
    take_post_test(app, learner, FOUNDATIONS, skip_critical=True)
    open_attempt, _ = start(learner, FOUNDATIONS)

    valid = issue(app, completed(app, LEARNER, CALF))
    revoked = issue(app, completed(app, LEARNER, SHIN))
    evaluate(app, learner, SHIN)
    # As admin@example.org, the administrator made above.
    modify(app, revoked.id, revoke_certificate, reason="Issued in error: seat time unmet.")
    staged_lesson, upload_id = staged_upload(app, folder)
    with app.app_context():
        token = make_reset_token(db.session.get_one(User, learner_id))
        submission_id = db.session.scalar(
            select(WorksheetSubmission.id).where(WorksheetSubmission.enrolment_id == enrolment_id)
        )
        closed = db.session.scalar(
            select(Attempt.id).where(Attempt.enrolment_id == enrolment_id, Attempt.number == 1)
        )
        media_hash = db.session.scalar(
            select(ModuleVersion.content_hash).where(ModuleVersion.module_id == FOUNDATIONS)
        )
        roster = build_roster(RosterRequest("NCCAOM", CALF))
        admin = db.session.scalar(select(User).where(User.email == ADMIN))
        roster_export = export_roster(roster, actor=admin, now=utcnow(), via="admin").id
        db.session.commit()
    add_tokens(app)
    return Samples(
        learner_id=learner_id,
        enrolment_id=enrolment_id,
        submission_id=submission_id,
        closed_attempt=closed,
        open_attempt=open_attempt,
        valid_number=valid.number,
        valid_code=valid.code,
        revoked_number=revoked.number,
        revoked_code=revoked.code,
        upload_id=upload_id,
        lesson=lesson,
        staged_lesson=staged_lesson,
        reset_token=token,
        media_hash=media_hash,
        media_name=next(name for name in package(FOUNDATIONS).files if name.startswith("media/")),
        roster_export=roster_export,
        webhook_endpoint=webhook_endpoint,
        webhook_delivery=failed_delivery(app),
    )


def staged_upload(app: Flask, folder: Path, module_id: str = FOUNDATIONS) -> tuple[str, int]:
    """The instructor stages version 1.1.0 of ``module_id``, a small package as the test
    factory writes it (the published 1.0.0 already shows the preview pages with its
    large question banks); its first lesson's slug and the upload's id."""
    return stage_folder(app, write_package(folder, module_id, version=STAGED_VERSION))


def stage_folder(app: Flask, module_folder: Path) -> tuple[str, int]:
    """The instructor stages the package in ``module_folder``: its first lesson's slug and
    the upload's id."""
    candidate = package_candidate(module_folder)
    staged = load_package(candidate.files, candidate.shared).package
    with app.app_context():
        actor = db.session.scalar(select(User).where(User.email == INSTRUCTOR))
        upload = stage_upload(pack(staged), f"{staged.id}.zip", actor=actor, now=utcnow())
        db.session.commit()
        return staged.lessons[0].slug, upload.id
