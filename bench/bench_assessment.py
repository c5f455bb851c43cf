"""Benchmark: reading question banks, grading attempts, and the post-test pages, in process.

Run: python bench/bench_assessment.py [--requests 500]
Prints three things. (1) Reading a 200-question bank, YAML and GIFT, with every question
type a post-test usually has (single, multiple, true_false, short_text, numeric,
matching): milliseconds per file and questions per second. (2) ``grade_attempt`` over a
40-question attempt: attempts graded per second. (3) The post-test pages through Flask's
test client on a temporary SQLite file, for one published module whose 20-question
post-test is a 10-question quiz file plus 10 questions drawn from a 200-question GIFT
bank: the median and 95th-percentile time per request and the SQL statements one request
sends. Medians of wall time on this machine, for comparison between commits. Also a part
of ``python -m bench`` (``run``), with fewer requests.
"""

from __future__ import annotations

import argparse
import math
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import delete, event

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.assessment_data import (
    KINDS,
    displayed_answer,
    form_fields,
    gift_bank,
    yaml_bank,
    yaml_question,
)
from bench.figures import Figure
from bench.focused import request_figures, run_script
from coursekit import create_app, db
from coursekit.accounts import operations
from coursekit.assessment.attempts.models import Attempt, AttemptAnswer, AttemptGrade
from coursekit.assessment.attempts.operations import save_answer
from coursekit.assessment.banks import read_questions
from coursekit.assessment.grading import grade_attempt
from coursekit.assessment.quizzes import resolve
from coursekit.assessment.registry import registry
from coursekit.packages.queries import package_for
from tests.package_factory import write_package

PASSWORD = "benchmark passphrase 2026"
MODULE = "calf"
OVERVIEW = f"/modules/{MODULE}/post-test"
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
# Transaction control is not a query a page chooses to make (as tests/querycount.py).
_NOT_QUERIES = ("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA", "SAVEPOINT", "RELEASE")


# -- timing helpers ---------------------------------------------------------------------


def per_call(action: Callable[[], object], loops: int, repeat: int) -> float:
    """Median seconds per call of ``action`` over ``repeat`` runs of ``loops`` calls."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(loops):
            action()
        runs.append((time.perf_counter() - start) / loops)
    return statistics.median(runs)


def p95(values: list[float]) -> float:
    """The 95th percentile by nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


class Recorder:
    """Times requests by label and counts the SQL statements each one sends."""

    def __init__(self, app) -> None:
        self.times: dict[str, list[float]] = {}
        self.queries: dict[str, list[int]] = {}
        self._statements: list[str] = []
        self.warming = False
        """Send without recording: the first request of a page compiles its templates."""
        event.listen(app.extensions["coursekit"].db.engine, "before_cursor_execute", self._count)

    def _count(self, _conn, _cursor, statement, *_args) -> None:
        if not statement.lstrip().upper().startswith(_NOT_QUERIES):
            self._statements.append(statement)

    def __call__(self, label: str, status: int, send: Callable[..., Any], url: str, **kw: Any):
        """``send(url, **kw)`` (a test client's ``get`` or ``post``), timed under ``label``
        unless ``self.warming``; the response must have ``status``."""
        self._statements.clear()
        start = time.perf_counter()
        response = send(url, **kw)
        elapsed = time.perf_counter() - start
        assert response.status_code == status, (label, response.status_code, response.text)
        if not self.warming:
            self.times.setdefault(label, []).append(elapsed * 1000)
            self.queries.setdefault(label, []).append(len(self._statements))
        return response

    def row(self, label: str) -> str:
        times, counts = self.times[label], self.queries[label]
        median = statistics.median(times)
        low, high = min(counts), max(counts)
        queries = str(low) if low == high else f"{low}-{high}"
        return (
            f"| {label} | {len(times)} | {median:.2f} | {p95(times):.2f} "
            f"| {1000 / median:.0f} | {queries} |"
        )

    def figures(self, label: str, reference: str | None = None) -> list[Figure]:
        """Median, p95 and the most statements of ``label``; its median compared with
        ``reference``'s when given."""
        times = self.times[label]
        compared = (reference, statistics.median(self.times[reference])) if reference else None
        median, most = statistics.median(times), max(self.queries[label])
        return request_figures("assessment", label, median, p95(times), most, compared)


# -- signing in and attempts -----------------------------------------------------------


def signed_in(app, email: str):
    client = app.test_client()
    token = _CSRF.search(client.get("/login").text).group(1)
    client.post("/login", data={"csrf_token": token, "email": email, "password": PASSWORD})
    token = _CSRF.search(client.get(f"/modules/{MODULE}").text).group(1)
    response = client.post(f"/modules/{MODULE}/enrol", data={"csrf_token": token, "accept": "y"})
    assert response.status_code == 302, response.status_code
    return client, token


def attempt_id(response) -> int:
    return int(re.search(r"/attempts/(\d+)/", response.location).group(1))


# -- the three parts --------------------------------------------------------------------


def reading(count: int) -> tuple[dict[str, list[dict[str, Any]]], list[Figure]]:
    """Each bank's questions, and the figures of reading it."""
    print(f"## Reading a {count}-question bank (read_questions: parse, check, load)\n")
    print("| file | ms per file | questions/s |")
    print("|---|---:|---:|")
    loaded, figures = {}, []
    for name, data in (
        ("bank.yaml", yaml_bank(count, "y")),
        ("bank.gift", gift_bank(count, "g")),
    ):
        questions = read_questions(name, data)
        kinds = Counter(question["type"] for question in questions)
        assert len(questions) == count and set(kinds) == set(KINDS), (name, kinds)
        seconds = per_call(lambda name=name, data=data: read_questions(name, data), 1, 15)
        size = f"{len(data) / 1024:.0f} KiB"
        print(f"| {name} ({size}) | {seconds * 1000:.1f} | {count / seconds:.0f} |")
        loaded[name] = questions
        measure = f"read_questions, {count}-question {name}"
        figures.append(Figure("assessment", measure, seconds * 1000, "ms"))
    return loaded, figures


def grading(questions: list[dict[str, Any]]) -> Figure:
    """Grade 40 questions with a mix of right, wrong and missing answers; returns the
    attempts graded per second."""
    answered = []
    for number, question in enumerate(questions[:40]):
        kind = question["type"]
        right: Any = {
            "single": 0,
            "multiple": [0, 1],
            "true_false": question.get("answer"),
            "short_text": "Tibial  Nerve",
            "numeric": 18.5,
            "matching": [0, 1, 2],
        }[kind]
        wrong: Any = {
            "single": 2,
            "multiple": [0, 2],
            "true_false": not question.get("answer"),
            "short_text": "sural nerve",
            "numeric": 25.0,
            "matching": [0, 2, 3],
        }[kind]
        response = None if number % 7 == 6 else (wrong if number % 5 == 4 else right)
        answered.append((question, response))
    answered[0][0]["critical"] = True
    result = grade_attempt(answered, 75)
    seconds = per_call(lambda: grade_attempt(answered, 75), 200, 15)
    print(f"\n## Grading (grade_attempt, {len(answered)} questions, pure)\n")
    print(
        f"{seconds * 1e6:.0f} µs per attempt ({seconds * 1e6 / len(answered):.1f} µs per "
        f"question): {1 / seconds:.0f} attempts graded per second "
        f"(this attempt: {result.percent} %, passed {result.passed})"
    )
    measure = f"grade_attempt, {len(answered)} questions (one process)"
    return Figure("assessment", measure, 1 / seconds, "attempts/s")


OVERVIEW_PAGE = "post-test overview"
START = "start an attempt (POST)"
QUESTION = "question page (GET)"
SAVE_FORM = "save answer (form POST)"
SAVE_JSON = "save answer (JSON autosave)"
SUMMARY = "summary page (20 answered)"
SUBMIT = "submit (POST, grades 20)"
RESULT = "result page with review"


def cycle(app, record: Recorder, client, token: str) -> None:
    """Overview, start, answer all 20 (in the database, not timed), submit, result; then
    delete the attempt's rows (not timed), so that every start is the learner's first.
    Requests run outside any app context of ours, as in production (tests/conftest.py)."""
    record(OVERVIEW_PAGE, 200, client.get, OVERVIEW)
    data = {"csrf_token": token}
    started = record(START, 303, client.post, f"{OVERVIEW}/start", data=data)
    current = attempt_id(started)
    with app.app_context():
        row = db.session.get(Attempt, current)
        package = package_for(row.enrolment.module_version)
        for position, frozen in enumerate(row.questions):
            question = resolve(package, frozen)
            presented = registry()[question["type"]].present(question, frozen["arrangement"])
            save_answer(row, position, displayed_answer(presented))
        db.session.commit()
    record(SUBMIT, 303, client.post, f"/attempts/{current}/submit", data=data)
    record(RESULT, 200, client.get, f"/attempts/{current}")
    with app.app_context():
        for model, column in (
            (AttemptAnswer, AttemptAnswer.attempt_id),
            (AttemptGrade, AttemptGrade.attempt_id),
            (Attempt, Attempt.id),
        ):
            db.session.execute(delete(model).where(column == current))
        db.session.commit()


def pages(requests: int) -> list[Figure]:
    """The post-test pages' figures: ``requests`` of each."""
    with tempfile.TemporaryDirectory() as folder:
        return _pages(Path(folder), requests)


def _pages(root: Path, requests: int) -> list[Figure]:
    folder = write_package(
        root,
        MODULE,
        assessment={
            "quiz": "quizzes/post-test.yaml",
            "draw": [{"bank": "posterior-leg", "count": 10}],
            "pass_mark": 75,
            "time_limit_minutes": 60,
            "review": "after-submit",
        },
    )
    quiz = [yaml_question(number, "pt-") for number in range(10)]
    (folder / "quizzes" / "post-test.yaml").write_text(
        yaml.safe_dump({"title": "Post-test", "questions": quiz})
    )
    (folder / "quizzes" / "posterior-leg.gift").write_bytes(gift_bank(200, "g"))
    app = create_app(
        {
            "COURSEKIT_DATABASE_URL": f"sqlite:///{root / 'bench.sqlite3'}",
            "COURSEKIT_SECRET_KEY": "bench",
            "COURSEKIT_MODULES_PATH": str(root / "modules"),
            "COURSEKIT_LOGIN_LIMIT_PER_IP": "100000 per minute",
            "COURSEKIT_LOGIN_LIMIT_PER_ACCOUNT": "100000 per minute",
        }
    )
    with app.app_context():
        for email in ("taker@example.org", "cycler@example.org"):
            operations.register_user(email=email, password=PASSWORD, first_name="L", last_name="L")
        db.session.commit()
    taker, token = signed_in(app, "taker@example.org")
    cycler, cycler_token = signed_in(app, "cycler@example.org")
    record = Recorder(app)
    json_headers = {"Accept": "application/json"}

    # One open attempt, each question answered once, as a learner going through it.
    response = taker.post(f"{OVERVIEW}/start", data={"csrf_token": token})
    attempt = attempt_id(response)
    shown = {}
    for number in range(1, 21):
        shown[number] = taker.get(f"/attempts/{attempt}/{number}", headers=json_headers).json
        shown[number] = shown[number]["question"]
        data = {"csrf_token": token, "action": "next", **form_fields(shown[number])}
        assert taker.post(f"/attempts/{attempt}/{number}", data=data).status_code == 303
    kinds = Counter(question["type"] for question in shown.values())
    assert sum(kinds.values()) == 20

    # Warm up: each question page, the summary and one whole cycle, not recorded.
    record.warming = True
    for number in range(1, 21):
        record("", 200, taker.get, f"/attempts/{attempt}/{number}")
    record("", 200, taker.get, f"/attempts/{attempt}")
    cycle(app, record, cycler, cycler_token)
    record.warming = False

    by_kind: dict[str, list[float]] = {}
    for n in range(requests):
        number = 1 + n % 20
        record(QUESTION, 200, taker.get, f"/attempts/{attempt}/{number}")
        by_kind.setdefault(shown[number]["type"], []).append(record.times[QUESTION][-1])
    for _ in range(requests):
        record(SUMMARY, 200, taker.get, f"/attempts/{attempt}")
    for n in range(requests):
        number = 1 + n % 20
        data = {"csrf_token": token, "action": "next", **form_fields(shown[number])}
        record(SAVE_FORM, 303, taker.post, f"/attempts/{attempt}/{number}", data=data)
    for n in range(requests):
        number = 1 + n % 20
        body = {"response": displayed_answer(shown[number])}
        url = f"/attempts/{attempt}/{number}"
        record(SAVE_JSON, 200, taker.post, url, json=body, headers={"X-CSRFToken": token})
    for _ in range(requests):
        cycle(app, record, cycler, cycler_token)

    print(
        f"\n## Post-test pages (20 questions: 10 from the quiz file, 10 drawn from a "
        f"200-question GIFT bank; {dict(kinds)})\n"
    )
    print("| request | n | median ms | p95 ms | req/s (1 process) | queries |")
    print("|---|---:|---:|---:|---:|---:|")
    for label in (OVERVIEW_PAGE, START, QUESTION, SAVE_FORM, SAVE_JSON, SUMMARY, SUBMIT, RESULT):
        print(record.row(label))
    print(
        "\nQuestion page median by type (ms): "
        + ", ".join(
            f"{kind} {statistics.median(times):.2f}" for kind, times in sorted(by_kind.items())
        )
    )
    app.extensions["coursekit"].db.engine.dispose()
    # The autosave and the form save the same answer: the JSON path should cost no more.
    compared = {SAVE_JSON: SAVE_FORM}
    figures = []
    for label in (OVERVIEW_PAGE, START, QUESTION, SAVE_FORM, SAVE_JSON, SUMMARY, SUBMIT, RESULT):
        figures += record.figures(label, compared.get(label))
    return figures


def parser() -> argparse.ArgumentParser:
    """The command line: requests per page."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=500, help="requests per page")
    return parser


def benchmark(args: argparse.Namespace) -> list[Figure]:
    """Measure reading, grading and the pages, print them, and return the figures."""
    started = time.perf_counter()
    loaded, figures = reading(200)
    figures.append(grading(loaded["bank.yaml"]))
    figures += pages(args.requests)
    print(f"\n(total run {time.perf_counter() - started:.0f} s)")
    return figures


def run(options: argparse.Namespace) -> list[Figure]:
    """The suite's part: 100 requests per page (30 with ``--quick``)."""
    return run_script(benchmark, parser(), ["--requests", "30" if options.quick else "100"])


def main() -> None:
    benchmark(parser().parse_args())


if __name__ == "__main__":
    main()
