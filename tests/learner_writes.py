"""The writes a learner sends most, in the order a learner sends them, with their query
budgets: enrolling, the lesson page's heartbeat, starting the post-test, the autosave of
an answer and the final submission; by the pages (``WRITES``) and by the API with a
token (``API_WRITES``).

Each list is sent by a learner who signs up for the measurement (one per list and pass
of ``test_page_budgets``) in module 1; what a write needs first (the CSRF token from its
page, a reviewed worksheet before the post-test) is prepared outside the count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from coursekit import db
from coursekit.accounts.queries import user_by_email
from coursekit.assessment.attempts.models import Attempt
from coursekit.assessment.quizzes import resolve
from coursekit.attestation.queries import current_attestation
from coursekit.packages.queries import package_for
from tests.api_helpers import bearer, make_token
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
    """The learner sending the writes, signed in on ``client``, and an API token's
    header."""

    client: FlaskClient
    user_id: int
    token: dict[str, str] = field(default_factory=dict)


def fresh_learner(app: Flask, crowd: bool, label: str = "writer") -> Learner:
    """A new learner account, signed in, with a read and write token (one per list and
    pass, so each enrols afresh)."""
    email = f"{label}-{'crowd' if crowd else 'sample'}@example.org"
    user_id = make_user(app, email)
    client = app.test_client()
    login(client, email)
    return Learner(client, user_id, bearer(make_token(app, user_id, "read", "write")))


class Post(NamedTuple):
    """A request to send: its path, the test client's keyword arguments, its method."""

    path: str
    arguments: dict[str, Any]
    method: str = "POST"


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


def _reviewed_worksheet(app: Flask, learner: Learner) -> None:
    """The learner's worksheet, reviewed: the post-test waits for it."""
    with app.app_context():
        reviewer = user_by_email(INSTRUCTOR).id
    worksheet(app, enrolment_id(app, learner.user_id, FOUNDATIONS), 40, reviewed_by=reviewer)


def start(app: Flask, learner: Learner) -> Post:
    """The worksheet reviewed, then the start button."""
    _reviewed_worksheet(app, learner)
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


API = "/api/v1"


def api_enrol(app: Flask, learner: Learner) -> Post:
    with app.app_context():
        shown = current_attestation().version
    body = {"accept_attestation": True, "attestation_version": shown}
    return Post(f"{API}{MODULE}/enrol", {"json": body, "headers": learner.token})


def api_heartbeat(_app: Flask, learner: Learner) -> Post:
    return Post(f"{API}{LESSON}/heartbeat", {"json": {}, "headers": learner.token})


def api_start(app: Flask, learner: Learner) -> Post:
    _reviewed_worksheet(app, learner)
    return Post(f"{API}{MODULE}/attempts", {"json": {}, "headers": learner.token})


def api_autosave(app: Flask, learner: Learner) -> Post:
    attempt_id, response = _open_attempt(app, learner)
    path = f"{API}/attempts/{attempt_id}/questions/1"
    return Post(path, {"json": {"response": response}, "headers": learner.token}, "PUT")


def api_submit(app: Flask, learner: Learner) -> Post:
    attempt_id, _response = _open_attempt(app, learner)
    path = f"{API}/attempts/{attempt_id}/submit"
    return Post(path, {"json": {"confirm": True}, "headers": learner.token})


# Enrolling and submitting each queue a webhook event for the sample records' endpoint,
# in the same transaction: the endpoints that receive it, the event, its deliveries (3).
WRITES: dict[str, Write] = {
    "coursekit.catalog.enrol": Write(8, 302, enrol),
    "coursekit.lessons.heartbeat": Write(Queries(3, on_postgresql=1, why=ROW_LOCK), 200, heartbeat),
    "coursekit.attempts.start": Write(7, 303, start),
    "coursekit.attempts.save": Write(4, 200, autosave),
    "coursekit.attempts.submit": Write(14, 200, submit),
}
# The API's twins cost the page's statements plus the token's look-up (with its user);
# the token's first use also records its last-used time (an UPDATE at most once a
# minute), here on enrolling. Starting needs no redirect's page and costs the same.
API_WRITES: dict[str, Write] = {
    "coursekit.api.enrol": Write(10, 201, api_enrol),
    "coursekit.api.heartbeat": Write(Queries(4, on_postgresql=1, why=ROW_LOCK), 200, api_heartbeat),
    "coursekit.api.start_attempt": Write(7, 201, api_start),
    "coursekit.api.save_answers": Write(5, 200, api_autosave),
    "coursekit.api.submit_attempt": Write(15, 200, api_submit),
}
