"""The writes a learner sends most, in the order a learner sends them, with their query
budgets: enrolling, the lesson page's heartbeat, starting the post-test, the autosave of
an answer and the final submission.

Each is sent by a learner who signs up for the measurement (one per pass of
``test_page_budgets``) in module 1; what a write needs first (the CSRF token from its
page, a reviewed worksheet before the post-test) is prepared outside the count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from coursekit import db
from coursekit.accounts.queries import user_by_email
from coursekit.assessment.attempts.models import Attempt
from coursekit.assessment.quizzes import resolve
from coursekit.packages.queries import package_for
from tests.assessment_records import enrolment_id
from tests.helpers import csrf_token, login, make_user
from tests.page_catalogue import ROW_LOCK, Queries, as_queries
from tests.report_records import worksheet
from tests.sample_records import INSTRUCTOR
from tests.test_seminar_journey import right_response
from tests.test_seminars import FOUNDATIONS, package

MODULE = f"/modules/{FOUNDATIONS}"
LESSON = f"{MODULE}/lessons/{package(FOUNDATIONS).lessons[0].slug}"
JSON = {"Accept": "application/json"}


@dataclass
class Learner:
    """The learner sending the writes, signed in on ``client``."""

    client: FlaskClient
    user_id: int


def fresh_learner(app: Flask, crowd: bool) -> Learner:
    """A new learner account, signed in (one per pass, so each pass enrols afresh)."""
    email = f"writer-{'crowd' if crowd else 'sample'}@example.org"
    user_id = make_user(app, email)
    client = app.test_client()
    login(client, email)
    return Learner(client, user_id)


class Post(NamedTuple):
    """A POST to send: its path and the test client's keyword arguments."""

    path: str
    arguments: dict[str, Any]


class Write(NamedTuple):
    """One write: its budget, the status it answers, and how to prepare it."""

    queries: int | Queries
    status: int
    prepare: Callable[[Flask, Learner], Post]

    @property
    def budget(self) -> Queries:
        return as_queries(self.queries)


def enrol(_app: Flask, learner: Learner) -> Post:
    token = csrf_token(learner.client, MODULE)
    return Post(f"{MODULE}/enrol", {"data": {"csrf_token": token, "accept": "y"}})


def heartbeat(_app: Flask, learner: Learner) -> Post:
    token = csrf_token(learner.client, LESSON)
    return Post(f"{LESSON}/heartbeat", {"data": {"csrf_token": token}, "headers": JSON})


def start(app: Flask, learner: Learner) -> Post:
    """The worksheet reviewed (the post-test waits for it), then the start button."""
    with app.app_context():
        reviewer = user_by_email(INSTRUCTOR).id
    worksheet(app, enrolment_id(app, learner.user_id, FOUNDATIONS), 40, reviewed_by=reviewer)
    token = csrf_token(learner.client, f"{MODULE}/post-test")
    return Post(f"{MODULE}/post-test/start", {"data": {"csrf_token": token}})


def _open_attempt(app: Flask, learner: Learner) -> tuple[int, Any]:
    """The learner's open attempt's id and its first question's right answer."""
    with app.app_context():
        attempt = db.session.scalars(
            select(Attempt).where(
                Attempt.enrolment_id == enrolment_id(app, learner.user_id, FOUNDATIONS),
                Attempt.closed_at.is_(None),
            )
        ).one()
        frozen = attempt.questions[0]
        question = resolve(package_for(attempt.enrolment.module_version), frozen)
        return attempt.id, right_response(question, frozen["arrangement"])


def autosave(app: Flask, learner: Learner) -> Post:
    attempt_id, response = _open_attempt(app, learner)
    page = f"/attempts/{attempt_id}/1"
    headers = {"X-CSRFToken": csrf_token(learner.client, page), **JSON}
    return Post(page, {"json": {"response": response}, "headers": headers})


def submit(app: Flask, learner: Learner) -> Post:
    attempt_id, _response = _open_attempt(app, learner)
    headers = {"X-CSRFToken": csrf_token(learner.client, f"/attempts/{attempt_id}/1"), **JSON}
    return Post(f"/attempts/{attempt_id}/submit", {"json": {"confirm": True}, "headers": headers})


# Enrolling and submitting each queue a webhook event for the sample records' endpoint,
# in the same transaction: the endpoints that receive it, the event, its deliveries (3).
WRITES: dict[str, Write] = {
    "coursekit.catalog.enrol": Write(8, 302, enrol),
    "coursekit.lessons.heartbeat": Write(Queries(3, on_postgresql=1, why=ROW_LOCK), 200, heartbeat),
    "coursekit.attempts.start": Write(7, 303, start),
    "coursekit.attempts.save": Write(4, 200, autosave),
    "coursekit.attempts.submit": Write(14, 200, submit),
}
