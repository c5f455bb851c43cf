"""What the throughput part loads: each CourseKit page as wrk will request it (spread over
many signed-in learners), and the check each must pass before it is measured."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from bench.throughput_data import Records
from bench.throughput_http import FORM, Planned, PrecheckFailed, Reply, Session, fetch, form_body
from coursekit.assessment.attempts.forms import CONFIRMED


@dataclass(frozen=True)
class Target:
    """A page to measure: the requests wrk sends in turn, the status each must get, and
    what a correct answer contains (checked on the first request before measuring)."""

    name: str
    requests: list[Planned]
    expect_status: int
    check: Callable[[Reply], str | None]
    """None when the reply is right, else what is wrong with it."""
    cycle: bool = True
    """False when each request may be sent once (a submission closes its attempt)."""


def _page_containing(*texts: str) -> Callable[[Reply], str | None]:
    def check(reply: Reply) -> str | None:
        missing = [text for text in texts if text not in reply.text]
        return f"it lacks {missing}" if missing else None

    return check


def _saved(reply: Reply) -> str | None:
    saved_at = json.loads(reply.body).get("saved_at")
    return None if saved_at else f"it answered {reply.text[:200]!r}"


def _to_summary(attempt_id: int) -> Callable[[Reply], str | None]:
    def check(reply: Reply) -> str | None:
        location = reply.headers.get("location", "")
        return None if location.endswith(f"/attempts/{attempt_id}") else f"it went to {location!r}"

    return check


def coursekit_targets(records: Records, sessions: dict[str, Session]) -> list[Target]:
    """The six pages, each spread over the learners who would open it."""
    readers = [{"Cookie": sessions[email].cookie} for email in records.readers]
    saves, submits = [], []
    for attempt in records.attempts:
        session = sessions[attempt.email]
        headers = {"Cookie": session.cookie, **FORM}
        # As attempt.js sends it: the form's token in the body and the X-CSRFToken header.
        saves.append(
            Planned(
                f"/attempts/{attempt.attempt_id}/{attempt.number}",
                {**headers, "Accept": "application/json", "X-CSRFToken": session.csrf_token},
                "POST",
                form_body({"csrf_token": session.csrf_token, "answer": attempt.answer}),
            )
        )
        submits.append(
            Planned(
                f"/attempts/{attempt.attempt_id}/submit",
                headers,
                "POST",
                form_body({"csrf_token": session.csrf_token, "confirm": CONFIRMED}),
            )
        )
    verify = f"/verify/{records.certificate_code}"
    return [
        Target(
            "lesson page",
            [Planned(records.lesson_path, headers) for headers in readers],
            200,
            _page_containing(records.lesson_title, "I have finished this lesson"),
        ),
        Target(
            "dashboard (My learning)",
            [Planned("/dashboard", headers) for headers in readers],
            200,
            _page_containing("My learning", records.module_title),
        ),
        Target(
            "catalogue",
            [Planned("/modules", headers) for headers in readers],
            200,
            _page_containing(records.module_title),
        ),
        # Not the first attempt: the submission's check closes it before the saves run,
        # and a save to a closed attempt is rightly refused (409).
        Target("autosave an answer (POST)", saves[1:], 200, _saved),
        Target(
            "submit a post-test attempt (POST)",
            submits,
            303,
            _to_summary(records.attempts[0].attempt_id),
            cycle=False,
        ),
        Target(
            "certificate verification page",
            [Planned(verify, {})],
            200,
            _page_containing(records.certificate_number, "and is valid"),
        ),
    ]


def precheck(url: str, target: Target) -> Reply:
    """Send the target's first request and check the answer: a page that answers an
    error, a redirect to sign-in or the wrong content is never measured."""
    first = target.requests[0]
    reply = fetch(url, first.path, method=first.method, headers=first.headers, body=first.body)
    if reply.status != target.expect_status:
        raise PrecheckFailed(
            f"{target.name}: {first.method} {first.path} answered {reply.status} "
            f"(expected {target.expect_status}), location {reply.headers.get('location')!r}"
        )
    problem = target.check(reply)
    if problem:
        raise PrecheckFailed(f"{target.name}: {first.method} {first.path}: {problem}")
    return reply
