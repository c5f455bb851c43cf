"""The load scenario: hundreds of learners take a seminar at once, on SQLite and PostgreSQL.

Each database gets a fresh instance served by gunicorn (2 sync workers); learners (one
thread each, ``bench.load_learner``) sign in, enrol, read with heartbeats, submit the
worksheet, take the post-test with autosave and submit it, evaluate, and so receive
their certificate, with think time between requests; instructors review the worksheets
meanwhile. Afterwards ``bench.load_check`` compares every learner's log with the
database. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select

from bench.databases import database, postgresql_version, prepare, server_env
from bench.figures import Figure
from bench.load_check import Outcome, check, read_logs
from bench.load_learner import (
    AnswerKey,
    Browser,
    Course,
    UnexpectedStatus,
    review_worksheets,
    take_course,
)
from bench.servers import Gunicorn
from coursekit import db
from coursekit.accounts.models import Role, User, UserRole
from coursekit.accounts.passwords import hash_password
from coursekit.assessment.attempts.models import Attempt
from coursekit.assessment.evaluations.queries import form_for
from coursekit.assessment.quizzes import quiz_file, resolve
from coursekit.assessment.worksheets.operations import assign_module, takes_answer
from coursekit.db import utcnow
from coursekit.packages.models import ModuleVersion
from coursekit.packages.queries import package_for
from tests.answers import right_response

MODULE = "trigger-point-foundations"
SEED = 2026
THINK_SECONDS = (0.5, 2.0)
ARRIVAL_SECONDS = 10
"""Learners arrive over this many seconds, as a rush does, not in one instant."""
FAILING_SHARE = 0.1
"""Learners who leave a critical question out of their first attempt, fail it, and pass
a second one."""
LEARNERS_PER_INSTRUCTOR = 20
SERVER_ERROR = re.compile(r"^[\w.]+(Error|Exception)\b")
"""The last line of a traceback in the server log: ``sqlite3.OperationalError: ...``."""
PASSWORD = "load scenario password 2026"
SETTINGS: dict[str, object] = {
    # Demonstration scale: the module's 120 minutes of seat time become 4 seconds, which a
    # learner's reading with heartbeats reaches (bench/README.md says why the request mix
    # is the same).
    "COURSEKIT_SEAT_TIME_SCALE": 0.0005,
    "COURSEKIT_PROVIDER": {
        "name": "Load Scenario Acupuncture Seminars",
        "address": "1 Bench Street, Portland, OR 97201",
        "contact": "ce@load.example",
        "nccaom_provider_number": "602",
        "signatory_name": "Dr. Bench Mark",
        "issuing": "automatic",
    },
}


def run(options: argparse.Namespace) -> list[Figure]:
    """The scenario on SQLite, then on PostgreSQL (skipped when it cannot be reached)."""
    learners = 40 if options.quick else 200
    figures: list[Figure] = []
    for backend in ("sqlite", "postgresql"):
        if backend == "postgresql" and postgresql_version() is None:
            print("PostgreSQL cannot be reached: its load scenario is skipped", flush=True)
            continue
        figures.extend(run_on(backend, learners))
    return figures


def run_on(backend: str, learners: int) -> list[Figure]:
    """One instance on ``backend``: accounts, the load, the check, the figures."""
    with tempfile.TemporaryDirectory(prefix="coursekit-load-") as temporary:
        folder = Path(temporary)
        with database(backend, folder) as url:
            app = prepare(url, folder, **SETTINGS)
            course = read_course(app)
            instructors = max(1, learners // LEARNERS_PER_INSTRUCTOR)
            create_accounts(app, learners, instructors)
            logs = folder / "logs"
            logs.mkdir()
            env = server_env(url, folder, **SETTINGS)
            # Kept after the run, for a look at any error it reports.
            server_log = Path(tempfile.gettempdir()) / f"coursekit-load-{backend}-gunicorn.log"
            server_log.unlink(missing_ok=True)
            with Gunicorn(env, log=server_log) as server:
                started, client_cpu = time.monotonic(), time.process_time()
                stuck = simulate(server.url, logs, course, answer_key(app), learners, instructors)
                seconds, client_cpu = time.monotonic() - started, time.process_time() - client_cpu
                rss_kib = server.worker_rss_kib()
                server_cpu = sum(cpu_seconds(pid) for pid in server.worker_pids())
            outcome = check(app, read_logs(logs), course.module_id)
            app.extensions["coursekit"].db.engine.dispose()
    print(
        f"CPU: server workers {server_cpu:.0f} s ({server_cpu / outcome.requests * 1000:.1f} ms "
        f"a request), client {client_cpu:.0f} s; server log {server_log}",
        flush=True,
    )
    errors = server_log_errors(server_log)
    return report(backend, learners, seconds, outcome, stuck, rss_kib, len(errors))


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    # utime and stime are fields 14 and 15 of the file, 12 and 13 after the name.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_log_errors(log: Path) -> list[str]:
    """The server log's errors, printed: each exception's last line (what it was), and
    gunicorn's own complaints (a worker timed out and was killed)."""
    found = [
        line
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines()
        if SERVER_ERROR.match(line) or "[CRITICAL]" in line
    ]
    for line in found[:10]:
        print(f"  server log: {line[:300]}", flush=True)
    return found


def read_course(app: Flask) -> Course:
    """The module's lessons and a filled-in worksheet and evaluation, from its package."""

    with app.app_context():
        version = db.session.scalars(select(ModuleVersion).filter_by(module_id=MODULE)).one()
        package = package_for(version)
        worksheet = {}
        for question in quiz_file(package, package.worksheet).questions:
            if takes_answer(question):
                words = question.get("min_words") or 20
                worksheet[f"q-{question['id']}"] = " ".join(["reasoning"] * words)
        evaluation = {}
        for item in form_for(package).items:
            if item.kind == "scale":
                evaluation[item.id] = "4"
            elif item.kind == "choice":
                evaluation[item.id] = item.options[0]
            else:
                evaluation[item.id] = "Practical and careful about safety."
        lessons = tuple(lesson.slug for lesson in package.lessons)
    return Course(MODULE, lessons, worksheet, evaluation)


def create_accounts(app: Flask, learners: int, instructors: int) -> None:
    """Learners and instructors (assigned to the module), written through the models with
    one password hash for all: hashing hundreds of scrypt passwords would take minutes,
    and signing in still verifies the hash on every login."""

    with app.app_context():
        shared_hash = hash_password(PASSWORD)  # by the app's own hash method
        for number, (email, roles) in enumerate(people(learners, instructors)):
            user = User(
                email=email,
                password_hash=shared_hash,
                first_name="Load",
                last_name=f"Learner {number:04d}",
                nccaom_id=str(100000 + number),
                roles=[UserRole(role=role) for role in {Role.LEARNER, *roles}],
            )
            db.session.add(user)
            if roles:
                db.session.flush()
                assign_module(user, MODULE, actor=None, now=utcnow())
        db.session.commit()


def people(learners: int, instructors: int) -> list[tuple[str, tuple[Role, ...]]]:
    """Every account's email and roles beyond learner."""
    return [(f"learner{n}@load.example", ()) for n in range(learners)] + [
        (f"instructor{n}@load.example", (Role.INSTRUCTOR,)) for n in range(instructors)
    ]


def answer_key(app: Flask) -> AnswerKey:
    """The right answers to an attempt's drawn questions, read from the database as the
    journeys in tests do (a learner who knows the material)."""

    def key(attempt_id: int, fail: bool) -> list[Any]:
        with app.app_context():
            attempt = db.session.get(Attempt, attempt_id)
            seminar = package_for(attempt.enrolment.module_version)
            questions = [(resolve(seminar, frozen), frozen) for frozen in attempt.questions]
        responses: list[Any] = [right_response(q, f["arrangement"]) for q, f in questions]
        if fail:
            first_critical = next(i for i, (q, _f) in enumerate(questions) if q.get("critical"))
            responses[first_critical] = None
        return responses

    return key


def simulate(
    url: str, logs: Path, course: Course, key: Any, learners: int, instructors: int
) -> int:
    """Run every learner and instructor in its own thread until the learners are done;
    returns how many learners stopped early (on an unexpected status, which is logged)."""
    rnd = random.Random(SEED)
    done = threading.Event()
    stuck: list[str] = []

    def learner(number: int, arrival: float, fail_first: bool) -> None:
        browser = Browser(url, logs / f"learner{number}.jsonl", random.Random(SEED + number),
                          THINK_SECONDS)  # fmt: skip
        time.sleep(arrival)
        try:
            take_course(browser, f"learner{number}@load.example", PASSWORD, course, key,
                        fail_first=fail_first)  # fmt: skip
        except UnexpectedStatus as error:
            stuck.append(f"learner{number}: {error}")
        finally:
            browser.close()

    def instructor(number: int) -> None:
        browser = Browser(url, logs / f"instructor{number}.jsonl", random.Random(-1 - number),
                          THINK_SECONDS)  # fmt: skip
        try:
            review_worksheets(browser, f"instructor{number}@load.example", PASSWORD, done)
        except UnexpectedStatus as error:
            stuck.append(f"instructor{number}: {error}")
        finally:
            browser.close()

    learner_threads = [
        threading.Thread(
            target=learner,
            args=(n, rnd.uniform(0, ARRIVAL_SECONDS), rnd.random() < FAILING_SHARE),
        )
        for n in range(learners)
    ]
    reviewer_threads = [threading.Thread(target=instructor, args=(n,)) for n in range(instructors)]
    for thread in learner_threads + reviewer_threads:
        thread.start()
    for thread in learner_threads:
        thread.join()
    done.set()
    for thread in reviewer_threads:
        thread.join()
    for line in stuck[:10]:
        print(f"  stopped early: {line}", flush=True)
    return len(stuck)


def report(backend: str, learners: int, seconds: float, outcome: Outcome, stuck: int,
           rss_kib: list[int], server_errors: int) -> list[Figure]:  # fmt: skip
    """Print the details and return the figures of one database's run."""
    print(f"\n### {backend}: {learners} learners, {seconds:.0f} s", flush=True)
    print(outcome.details(), flush=True)
    part = "load"
    figures = [
        Figure(part, f"{backend}: learners (finished)", learners - stuck, "learners"),
        Figure(part, f"{backend}: requests", outcome.requests, "requests"),
        Figure(part, f"{backend}: throughput", outcome.requests / seconds, "req/s"),
        Figure(part, f"{backend}: 5xx responses", outcome.server_errors, "responses"),
        Figure(part, f"{backend}: other unexpected statuses", outcome.unexpected, "responses"),
        Figure(part, f"{backend}: errors in the server log", server_errors, "errors"),
        Figure(part, f"{backend}: records lost", outcome.lost, "records"),
        Figure(part, f"{backend}: records duplicated", outcome.duplicated, "records"),
        Figure(part, f"{backend}: certificates issued", outcome.certificates, "certificates"),
    ]
    for name, value in zip(("p50", "p95", "p99"), outcome.percentiles(), strict=True):
        figures.append(Figure(part, f"{backend}: latency {name}, all requests", value, "ms"))
    for number, kib in enumerate(sorted(rss_kib), start=1):
        figures.append(
            Figure(part, f"{backend}: RSS after load, worker {number}", kib / 1024, "MiB")
        )
    return figures
