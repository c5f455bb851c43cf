"""The simulated people of the load scenario: learners taking a seminar, and instructors
reviewing their worksheets, each in their own thread with their own browser session.

Each person is a :class:`Browser` (a ``requests`` session that follows no redirect, as
the timing must be per request) which writes one JSON line per request to its own log:
what kind of request it was, the status, the time it took, whether the status was the
expected one, and what the request did (the lesson, the question, the attempt). The
correctness check (``bench.load_check``) compares these logs with the database.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
JSON = {"Accept": "application/json"}
REDIRECT = (302, 303)


@dataclass(frozen=True)
class Course:
    """What every simulated learner knows about the module they take (read once from the
    package by the runner)."""

    module_id: str
    lessons: tuple[str, ...]
    worksheet: dict[str, str]
    """The worksheet form's fields, filled in."""
    evaluation: dict[str, str]
    """The evaluation form's fields, filled in."""


#: ``key(attempt_id, fail)``: the responses to the attempt's questions in order (None:
#: leave it unanswered), all right, or with a critical question left out when ``fail``.
AnswerKey = Callable[[int, bool], list[Any]]


class Browser:
    """One person's browser: cookies, think time, and a log line per request."""

    def __init__(self, base_url: str, log: Path, rnd: random.Random, think: tuple[float, float]):
        self.base_url, self.rnd, self.think_range = base_url, rnd, think
        self.session = requests.Session()
        self.log = log.open("a", encoding="utf-8")

    def think(self, scale: float = 1.0) -> None:
        time.sleep(self.rnd.uniform(*self.think_range) * scale)

    def request(
        self, kind: str, method: str, path: str, expected: tuple[int, ...], **record: Any
    ) -> requests.Response:
        """Send one request; ``record`` holds ``data``/``json``/``headers`` for it and
        anything else to log with it."""
        send = {name: record.pop(name) for name in ("data", "json", "headers") if name in record}
        started = time.perf_counter()
        try:
            response = self.session.request(
                method, self.base_url + path, allow_redirects=False, timeout=120, **send
            )
            status = response.status_code
        except requests.RequestException as error:
            response, status = None, 0
            record["error"] = repr(error)
        milliseconds = (time.perf_counter() - started) * 1000
        line = {"kind": kind, "status": status, "ms": round(milliseconds, 2)}
        line |= {"ok": status in expected, **record}
        if response is not None and response.headers.get("Content-Type") == "application/json":
            line["body"] = response.json()
        if response is not None and "Location" in response.headers:
            line["location"] = response.headers["Location"]
        self.log.write(json.dumps(line) + "\n")
        if response is None or status not in expected:
            self.log.flush()
            raise UnexpectedStatus(f"{kind} {method} {path}: {status}")
        return response

    def page(self, kind: str, path: str, expected: tuple[int, ...] = (200,), **record: Any) -> str:
        return self.request(kind, "GET", path, expected, **record).text

    def post_form(
        self, kind: str, path: str, page: str, fields: dict[str, Any], **record: Any
    ) -> requests.Response:
        """Post ``fields`` with the CSRF token of ``page`` (HTML it was sent from)."""
        expected = record.pop("expected", REDIRECT)
        data = {"csrf_token": token(page), **fields}
        return self.request(kind, "POST", path, expected, data=data, **record)

    def sign_in(self, email: str, password: str) -> None:
        form = self.page("login form", "/login")
        self.think()
        self.post_form("sign in", "/login", form, {"email": email, "password": password})

    def close(self) -> None:
        self.log.close()
        self.session.close()


class UnexpectedStatus(Exception):
    """A request answered with a status the journey cannot go on from (it is logged)."""


def token(page: str) -> str:
    match = CSRF.search(page)
    if match is None:
        raise UnexpectedStatus("no CSRF token on the page")
    return match.group(1)


def attempt_of(location: str) -> int:
    """The attempt id in a question page's address (where starting one redirects)."""
    return int(re.search(r"/attempts/(\d+)/", location)[1])


def take_course(browser: Browser, email: str, password: str, course: Course, key: AnswerKey, *,
                fail_first: bool) -> None:  # fmt: skip
    """A learner's whole journey: sign in, enrol, read, worksheet, post-test (a second
    attempt after failing the first when ``fail_first``), evaluation, dashboard."""
    module = f"/modules/{course.module_id}"
    browser.sign_in(email, password)
    browser.think()
    browser.page("dashboard", "/dashboard")
    browser.think()
    page = browser.page("module page", module)
    browser.think()
    browser.post_form("enrol", f"{module}/enrol", page, {"accept": "y"})
    for slug in course.lessons:
        read_lesson(browser, f"{module}/lessons/{slug}", slug)
    page = browser.page("worksheet page", f"{module}/worksheet")
    browser.think(3)  # writing the answers
    browser.post_form("submit worksheet", f"{module}/worksheet", page, course.worksheet)
    passed = False
    for fail in (fail_first, False)[: 2 if fail_first else 1]:
        page = wait_for_post_test(browser, f"{module}/post-test")
        passed = take_post_test(browser, module, page, key, fail=fail)
    if not passed:
        return
    browser.think()
    page = browser.page("evaluation page", f"{module}/evaluation")
    browser.think(2)
    browser.post_form("submit evaluation", f"{module}/evaluation", page, course.evaluation)
    browser.think()
    browser.page("dashboard", "/dashboard")


def read_lesson(browser: Browser, path: str, slug: str) -> None:
    """Open the lesson, report reading as its script does (a restart, then a report
    after each pause), and mark it complete."""
    page = browser.page("lesson page", path, lesson=slug)
    beat = {"csrf_token": token(page)}
    headers = {**JSON, "X-CSRFToken": beat["csrf_token"]}
    for restart in (True, False):
        if not restart:
            browser.think()
        data = {**beat, "restart": "1"} if restart else beat
        browser.request("heartbeat", "POST", f"{path}/heartbeat", (200,), data=data,
                        headers=headers, lesson=slug, restart=restart)  # fmt: skip
    browser.think()
    browser.post_form("complete lesson", f"{path}/complete", page, {}, lesson=slug)


def wait_for_post_test(browser: Browser, path: str) -> str:
    """Open the post-test page until it offers a start (the worksheet is reviewed); a
    learner waiting for the review looks again every few seconds."""
    while True:
        page = browser.page("post-test page", path)
        if f'action="{path}/start"' in page:
            return page
        browser.think(4)


def take_post_test(browser: Browser, module: str, page: str, key: AnswerKey, *, fail: bool) -> bool:
    """Start an attempt, answer every question (autosave, as the page's script does) and
    submit from the check page; whether it passed."""
    browser.think()
    started = browser.post_form("start post-test", f"{module}/post-test/start", page, {},
                                expected=(303,))  # fmt: skip
    attempt = attempt_of(started.headers["Location"])
    for position, response in enumerate(key(attempt, fail)):
        path = f"/attempts/{attempt}/{position + 1}"
        page = browser.page("question page", path, attempt=attempt)
        browser.think()
        if response is not None:
            headers = {**JSON, "X-CSRFToken": token(page)}
            browser.request("save answer", "POST", path, (200,), json={"response": response},
                            headers=headers, attempt=attempt, position=position)  # fmt: skip
    browser.think()
    check = browser.page("check answers page", f"/attempts/{attempt}", attempt=attempt)
    form = re.search(r'<form method="post" action="[^"]*/submit">(.*?)</form>', check, re.S)
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form[1]))
    graded = browser.request("submit post-test", "POST", f"/attempts/{attempt}/submit", (200,),
                             data=fields, headers=JSON, attempt=attempt).json()  # fmt: skip
    browser.think()
    browser.page("result page", f"/attempts/{attempt}", attempt=attempt)
    return bool(graded["passed"])


def review_worksheets(browser: Browser, email: str, password: str, done: threading.Event) -> None:
    """An instructor's afternoon: open the review queue, open one waiting worksheet (at
    random, so instructors sometimes meet on one), review it; until the learners are
    done."""
    browser.sign_in(email, password)
    while not done.is_set():
        queue = browser.page("review queue", "/teach/worksheets")
        waiting = sorted(set(re.findall(r'href="/teach/worksheets/(\d+)"', queue)))
        if not waiting:
            browser.think(4)
            continue
        submission = int(browser.rnd.choice(waiting))
        path = f"/teach/worksheets/{submission}"
        browser.think(0.5)
        page = browser.page("worksheet to review", path, submission=submission)
        browser.think(0.5)
        browser.post_form("review worksheet", f"{path}/review", page,
                          {"comment": "Clear reasoning."}, submission=submission)  # fmt: skip
        browser.think(0.5)
