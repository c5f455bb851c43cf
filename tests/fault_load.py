"""Learners submitting post-tests to a real gunicorn while something breaks under them,
for the fault tests (a worker killed, PostgreSQL restarted).

The instance is the benchmarks' (``bench.databases``: migrated, the bundled seminars
published; ``bench.throughput_data``: learners with a reviewed worksheet and an open
post-test attempt each). Each :class:`Learner` signs in, saves the right answer to every
question and submits, in its own thread with its own ``requests`` session, and sends a
request again when the connection is cut (a killed worker) or the app answers 503 (the
database away), as a browser's user would. Any other unexpected status fails it: a 500
is a fault the app did not handle.

:func:`check_attempts` then holds the database to what the learners were told.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import requests
from flask import Flask
from sqlalchemy import func, select

from bench.load_scenario import answer_key
from bench.throughput_data import PASSWORD, OpenAttempt
from coursekit import db
from coursekit.assessment.attempts.models import Attempt, AttemptAnswer, AttemptGrade
from coursekit.assessment.attempts.queries import latest_answers

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
TRIES = 200
"""Sends of one request before the learner gives up (about 40 s of retrying)."""


@dataclass
class Learner:
    """One learner's browser: sign in, answer every question, submit."""

    base_url: str
    attempt: OpenAttempt
    responses: list[Any]
    sends: Counter[int] = field(default_factory=Counter)
    """How often each question's answer was sent (retries included)."""
    cut: int = 0
    """Requests whose connection was cut before an answer (a killed worker)."""
    unavailable: int = 0
    """503 answers (the database away)."""
    grade: dict[str, Any] | None = None
    failure: str | None = None
    waiting: bool = False
    """Whether a request of this learner's is on its way (for aiming a fault at it)."""

    def __post_init__(self) -> None:
        self.session = requests.Session()

    def send(self, method: str, path: str, expected: int, **options: Any) -> requests.Response:
        """Send until an answer other than a cut connection or a 503 comes back."""
        for _ in range(TRIES):
            self.waiting = True
            try:
                response = self.session.request(
                    method, self.base_url + path, timeout=60, allow_redirects=False, **options
                )
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
                # Cut before the answer, or half-way through its body.
                self.cut += 1
                time.sleep(0.05)
                continue
            finally:
                self.waiting = False
            if response.status_code == 503:
                assert response.headers["Retry-After"], "a 503 without Retry-After"
                self.unavailable += 1
                time.sleep(0.2)
                continue
            assert response.status_code == expected, (
                f"{method} {path}: {response.status_code} {response.text[:300]}"
            )
            return response
        raise AssertionError(f"{method} {path}: no answer after {TRIES} tries")

    def run(self) -> None:
        try:
            page = self.send("GET", "/login", 200).text
            token = CSRF.search(page).group(1)
            login = {"csrf_token": token, "email": self.attempt.email, "password": PASSWORD}
            self.send("POST", "/login", 302, data=login)
            attempt_id = self.attempt.attempt_id
            token = CSRF.search(self.send("GET", f"/attempts/{attempt_id}", 200).text).group(1)
            headers = {"Accept": "application/json", "X-CSRFToken": token}
            for number, response in enumerate(self.responses, start=1):
                path = f"/attempts/{attempt_id}/{number}"
                before = self.cut + self.unavailable
                self.send("POST", path, 200, json={"response": response}, headers=headers)
                self.sends[number - 1] += 1 + self.cut + self.unavailable - before
            submit = f"/attempts/{attempt_id}/submit"
            self.grade = self.send("POST", submit, 200, json={"confirm": True}, headers=headers)
            self.grade = self.grade.json()
        except Exception as error:  # reported by the test, with the learner's name
            self.failure = f"{self.attempt.email}: {error!r}"


def learners(app: Flask, base_url: str, attempts: list[OpenAttempt]) -> list[Learner]:
    """A learner for each open attempt, knowing the right answers to its questions."""
    key = answer_key(app)
    return [Learner(base_url, attempt, key(attempt.attempt_id, False)) for attempt in attempts]


def run_all(people: list[Learner]) -> None:
    threads = [threading.Thread(target=person.run) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    failures = [person.failure for person in people if person.failure]
    assert not failures, failures


def check_attempts(app: Flask, people: list[Learner]) -> None:
    """Every attempt submitted exactly once, graded once with the grade its learner was
    told, with every answer as sent (the latest of each question, sent at most as often
    as the learner sent it): nothing lost, duplicated or half-written."""
    with app.app_context():
        for person in people:
            attempt = db.session.get_one(Attempt, person.attempt.attempt_id)
            assert attempt.close_reason == "submitted" and attempt.closed_at is not None
            grades = db.session.scalars(
                select(AttemptGrade).where(AttemptGrade.attempt_id == attempt.id)
            ).all()
            assert [grade.revision for grade in grades] == [1]
            assert {"percent": grades[0].percent, "passed": grades[0].passed} == person.grade
            assert grades[0].passed and grades[0].percent == 100
            # Stored parsed ("0" sent, 0 kept): the grade of 100 shows each is right.
            answers = latest_answers(attempt)
            assert sorted(answers) == list(range(len(person.responses)))
            assert None not in answers.values()
            stored = dict(
                db.session.execute(
                    select(AttemptAnswer.position, func.count())
                    .where(AttemptAnswer.attempt_id == attempt.id)
                    .group_by(AttemptAnswer.position)
                ).all()
            )
            for position in range(len(person.responses)):
                assert 1 <= stored.get(position, 0) <= person.sends[position], (
                    f"attempt {attempt.id} question {position + 1}: {stored.get(position)} "
                    f"answers stored, {person.sends[position]} sent"
                )
