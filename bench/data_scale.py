"""Part "scale": the pages that must stay fast as learners accumulate, at 1,000, 10,000
and 100,000 learners (``--quick``: 1,000 and 10,000), on SQLite and on PostgreSQL.

Each database is grown step by step (bench/scale_data.py); at each size the pages are
requested in process through Flask's test client (no server, no network), and their
median and 95th-percentile times and SQL statements printed. At the largest size the
statements each page sends are EXPLAINed (bench/scale_explain.py). The figures are each
page's median at the largest size against the smallest: a lookup or a paged list should
stay near 100 %; whole-module aggregates and the user search grow with the data.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from bench.databases import database, postgresql_version, prepare
from bench.figures import Figure
from bench.scale_data import ADMIN_EMAIL, PASSWORD, DataSet
from bench.scale_explain import Plan, captured, explain, summary
from coursekit import db
from coursekit.accounts.models import User
from coursekit.catalog.models import Enrolment
from coursekit.packages.models import ModuleVersion
from coursekit.progress.models import Completion
from tests.helpers import login
from tests.querycount import count_queries

LOOKUP, PAGED, AGGREGATE = "one record", "paged list", "whole module or table"


@dataclass(frozen=True)
class Page:
    """A page to measure: who asks for it, what it costs by nature, and its address
    (a function, so each request may ask for another certificate)."""

    name: str
    kind: str
    client: FlaskClient
    url: Callable[[], str]


@dataclass(frozen=True)
class Timing:
    median_ms: float
    p95_ms: float
    statements: int


def _learner(app: Flask) -> tuple[str, int]:
    """The email of a learner enrolled in two modules or more with a completion, and the
    enrolment of theirs with the most records (the first with a completion)."""
    with app.app_context():
        user_id = db.session.scalar(
            select(Enrolment.user_id)
            .join(Completion, Completion.user_id == Enrolment.user_id)
            .group_by(Enrolment.user_id)
            .having(func.count(func.distinct(Enrolment.id)) >= 2)
            .order_by(Enrolment.user_id)
            .limit(1)
        )
        enrolment_id = db.session.scalar(
            select(Enrolment.id)
            .join(
                Completion,
                (Completion.user_id == Enrolment.user_id)
                & (Completion.module_version_id == Enrolment.module_version_id),
            )
            .where(Enrolment.user_id == user_id)
        )
    return f"learner{user_id}@example.org", enrolment_id


def _pages(app: Flask, data: DataSet, learner: str, enrolment_id: int) -> list[Page]:
    you, admin, anyone = app.test_client(), app.test_client(), app.test_client()
    assert login(you, learner, PASSWORD).status_code == 302
    assert login(admin, ADMIN_EMAIL, PASSWORD).status_code == 302
    with app.app_context():
        version = db.session.get(
            ModuleVersion, db.session.get(Enrolment, enrolment_id).module_version_id
        )
        learners = f"/teach/modules/{version.module_id}/report/{version.version}/learners"
        enrolled = db.session.scalar(
            select(func.count()).where(Enrolment.module_version_id == version.id)
        )
        report = f"/teach/modules/{version.module_id}/report"
        # The list pages from a learner (keyset paging): the middle page starts after
        # the learner halfway through the version by name.
        middle = db.session.scalar(
            select(Enrolment.user_id)
            .join(User, User.id == Enrolment.user_id)
            .where(Enrolment.module_version_id == version.id)
            .order_by(User.last_name, User.first_name, User.id)
            .offset(enrolled // 2)
            .limit(1)
        )
    last_name = f"Last{int(learner.removeprefix('learner').split('@')[0]):06d}"
    record = f"/teach/enrolments/{enrolment_id}"
    busy, waiting = "state=in-progress", "state=worksheet-waiting"
    search = f"/admin/users?q={last_name}"
    code = lambda: random.choice(data.codes)  # noqa: E731 - a new certificate each request
    return [
        Page("dashboard (My learning)", LOOKUP, you, lambda: "/dashboard"),
        Page("transcript", LOOKUP, you, lambda: "/transcript"),
        Page("verification page", LOOKUP, anyone, lambda: f"/verify/{code()}"),
        Page("verification JSON", LOOKUP, anyone, lambda: f"/verify/{code()}.json"),
        Page("learner record (instructor)", LOOKUP, admin, lambda: record),
        Page("learners list, page 1", PAGED, admin, lambda: learners),
        Page("learners list, middle page", PAGED, admin, lambda: f"{learners}?after={middle}"),
        Page("learners list, in progress", AGGREGATE, admin, lambda: f"{learners}?{busy}"),
        Page("learners list, worksheet waiting", AGGREGATE, admin, lambda: f"{learners}?{waiting}"),
        Page("user list, page 1 (admin)", PAGED, admin, lambda: "/admin/users"),
        Page("module report (instructor)", AGGREGATE, admin, lambda: report),
        Page("user search by name (admin)", AGGREGATE, admin, lambda: search),
    ]  # fmt: skip


def _timed(app: Flask, page: Page, runs: int, seconds: float) -> Timing:
    """Median and p95 of up to ``runs`` requests (at least 5, stopping after ``seconds``)
    after a warm-up, and the statements the warm-up sent."""
    with count_queries(app) as statements:
        response = page.client.get(page.url())
    assert response.status_code == 200, (page.name, response.status_code)
    times: list[float] = []
    deadline = time.monotonic() + seconds
    while len(times) < runs and (len(times) < 5 or time.monotonic() < deadline):
        url = page.url()
        started = time.perf_counter()
        page.client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    return Timing(statistics.median(times), p95, len(statements))


def _explained(app: Flask, pages: list[Page]) -> list[Plan]:
    plans: list[Plan] = []
    for page in pages:
        url = page.url()
        seen = captured(app, lambda page=page, url=url: page.client.get(url))
        unique = list(
            {statement: (statement, parameters) for statement, parameters in seen}.values()
        )
        plans.extend(explain(app, page.name, unique))
    return plans


def _on(backend: str, sizes: tuple[int, ...], options: argparse.Namespace) -> list[Figure]:
    label = "SQLite" if backend == "sqlite" else "PostgreSQL"
    runs, seconds = (10, 0.7) if options.quick else (25, 2.0)
    print(f"\n### {label}", flush=True)
    timings: dict[int, dict[str, Timing]] = {}
    with tempfile.TemporaryDirectory() as folder, database(backend, Path(folder)) as url:
        app = prepare(url, Path(folder), COURSEKIT_VERIFY_LIMIT="1000000 per minute")
        data = DataSet(app)
        learner = enrolment_id = None
        for size in sizes:
            data.grow_to(size)
            if learner is None:
                learner, enrolment_id = _learner(app)
            pages = _pages(app, data, learner, enrolment_id)
            if size == sizes[0]:
                # A throwaway pass: the first size must not pay for the process's
                # first requests (imports, templates, statement caches).
                for page in pages:
                    _timed(app, page, 5, 0)
            timings[size] = {page.name: _timed(app, page, runs, seconds) for page in pages}
        plans = _explained(app, pages)
        data.engine.dispose()
    _print_timings(pages, timings)
    lookups = {page.name for page in pages if page.kind != AGGREGATE}
    indexed, total, offenders = summary(plans, lookups)
    _print_plans(plans, indexed, total, offenders)
    small, large = sizes[0], sizes[-1]
    figures = [
        Figure(
            "scale",
            f"{label}: {page.name}, median at {large:,} learners",
            timings[large][page.name].median_ms,
            "ms",
            f"{small:,} learners",
            timings[small][page.name].median_ms,
        )
        for page in pages
    ]
    figures.append(
        Figure("scale", f"{label}: statements reading no big table whole", indexed,
               "statements", "all EXPLAINed", total)
    )  # fmt: skip
    return figures


def _print_timings(pages: list[Page], timings: dict[int, dict[str, Timing]]) -> None:
    sizes = list(timings)
    print(
        "\n| page | kind | "
        + " | ".join(f"{size:,}: median / p95 ms, statements" for size in sizes)
        + " |"
    )
    print("|---|---|" + "---:|" * len(sizes))
    for page in pages:
        cells = [
            f"{t.median_ms:.1f} / {t.p95_ms:.1f}, {t.statements}"
            for t in (timings[size][page.name] for size in sizes)
        ]
        print(f"| {page.name} | {page.kind} | " + " | ".join(cells) + " |")


def _print_plans(plans: list[Plan], indexed: int, total: int, offenders: list[str]) -> None:
    print(f"\nEXPLAIN: {indexed} of {total} statements read no big table whole.")
    for plan in plans:
        if plan.full_scans:
            print(f"- {plan.page}: {', '.join(plan.full_scans)} read whole")
    print("Offenders (full scans on one-record or paged pages):" if offenders else "No offenders.")
    for offender in offenders:
        print(f"  - {offender}")


def run(options: argparse.Namespace) -> list[Figure]:
    """Grow each database to every size and measure the pages at each; see the module."""
    sizes = (1_000, 10_000) if options.quick else (1_000, 10_000, 100_000)
    backends = ["sqlite"]
    if postgresql_version() is not None:
        backends.append("postgresql")
    else:
        print("PostgreSQL is not reachable: measuring SQLite only.")
    figures: list[Figure] = []
    for backend in backends:
        figures.extend(_on(backend, sizes, options))
    return figures
