"""Every page a learner, instructor or administrator opens keeps to its SQL budget, on
SQLite and on PostgreSQL, with the sample records and again with a crowd around them.

The pages, who opens them and their budgets are in ``page_catalogue``; the learner's most
frequent writes (enrol, heartbeat, start, autosave, submit) in ``learner_writes``. Each is
requested as its role and must answer its status (200 for a page), so no budget passes by
failing; the count must equal the budget exactly, so a budget stays tight: a page that
now costs less fails too, with the number to write down instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient

from tests.certificate_records import certificate_settings
from tests.crowd_records import add_crowd
from tests.helpers import login
from tests.learner_writes import API_WRITES, WRITES, fresh_learner
from tests.page_catalogue import ANONYMOUS, DOWNLOADS, EMAILS, PAGES, Visit, get_endpoints, unlisted
from tests.querycount import count_queries, get_counted
from tests.sample_records import Samples, seed
from tests.test_seminars import ROOT


@pytest.fixture
def app(make_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """The bundled modules, a provider that issues certificates, and an instance folder of
    the test's own (the Open Badges signing key is made there)."""
    monkeypatch.setenv("COURSEKIT_INSTANCE_PATH", str(tmp_path / "instance"))
    return make_app(
        COURSEKIT_MODULES_PATH=str(ROOT / "modules"),
        COURSEKIT_PUBLISH_ON_START=True,
        **certificate_settings(),
    )


def test_every_get_endpoint_is_listed(app: Flask) -> None:
    problem = unlisted(get_endpoints(app))
    assert not problem, problem


def every_visit() -> Iterator[tuple[str, str, Visit]]:
    for catalogue in (PAGES, DOWNLOADS):
        for endpoint, variants in catalogue.items():
            for variant, visit in variants.items():
                yield endpoint, variant, visit


def test_every_budget_that_is_not_one_number_says_why() -> None:
    budgets = [
        (f"{endpoint} {variant}", visit.budget) for endpoint, variant, visit in every_visit()
    ]
    budgets += [(name, write.budget) for name, write in WRITES.items()]
    unexplained = [
        name.strip()
        for name, budget in budgets
        if (budget.on_postgresql or budget.with_crowd) and not budget.why
    ]
    assert not unexplained, unexplained


def signed_in(app: Flask) -> dict[str, FlaskClient]:
    """A client per role, signed in through the login form (not counted)."""
    clients = {ANONYMOUS: app.test_client()}
    for role, email in EMAILS.items():
        clients[role] = app.test_client()
        login(clients[role], email)
    return clients


def described(backend: str, crowd: bool) -> str:
    return f"with {'the crowd' if crowd else 'the sample records'} on {backend}"


def page_misses(app: Flask, samples: Samples, clients: dict, crowd: bool) -> list[str]:
    """Every page whose status or query count is not what the catalogue says."""
    backend = app.extensions["coursekit"].db.engine.dialect.name
    data = described(backend, crowd)
    found = []
    for endpoint, variant, visit in every_visit():
        with app.test_request_context():
            path = url_for(endpoint, **visit.arguments(samples))
        client = clients[visit.role]
        client.get(path)  # per-process caches (packages, templates) are warm in production
        response, statements = get_counted(app, client, path)
        name = f"{endpoint} {variant}".strip()
        found.append(wrong_status(name, visit.role, path, visit.status, response.status_code))
        found.append(off_budget(name, visit.budget.expected(backend, crowd), statements, data))
    return [miss for miss in found if miss]


def write_misses(app: Flask, crowd: bool) -> list[str]:
    """Every learner write whose status or query count is not what ``WRITES`` (by the
    pages) or ``API_WRITES`` (by the API, with a token) says."""
    backend = app.extensions["coursekit"].db.engine.dialect.name
    data = described(backend, crowd)
    found = []
    for label, writes in (("writer", WRITES), ("api-writer", API_WRITES)):
        learner = fresh_learner(app, crowd, label)
        for name, write in writes.items():
            post = write.prepare(app, learner)
            with count_queries(app) as statements:
                response = learner.client.open(post.path, method=post.method, **post.arguments)
            found.append(
                wrong_status(name, "learner", post.path, write.status, response.status_code)
            )
            found.append(off_budget(name, write.budget.expected(backend, crowd), statements, data))
    return [miss for miss in found if miss]


def wrong_status(name: str, role: str, path: str, wanted: int, status: int) -> str:
    """Why the request does not count (empty when it answered as it should)."""
    if status == wanted:
        return ""
    return f"{name}: as {role}, {path} answered {status}, not {wanted}"


def off_budget(name: str, budget: int, statements: list[str], data: str) -> str:
    """What is wrong with the count (empty when it is the budget); ``data`` says which
    records on which database."""
    if len(statements) == budget:
        return ""
    if len(statements) < budget:
        return f"{name}: {len(statements)} queries {data}, under its budget {budget}: lower it"
    sent = "".join(f"\n    {' '.join(statement.split())[:160]}" for statement in statements)
    return f"{name}: {len(statements)} queries {data}, over its budget {budget}:{sent}"


def test_every_page_keeps_to_its_query_budget_as_the_data_grows(app: Flask, tmp_path: Path):
    samples = seed(app, tmp_path / "records")
    clients = signed_in(app)
    failures = page_misses(app, samples, clients, crowd=False)
    failures += write_misses(app, crowd=False)
    add_crowd(app, samples, tmp_path / "crowd")
    failures += page_misses(app, samples, clients, crowd=True)
    failures += write_misses(app, crowd=True)
    assert not failures, f"{len(failures)} budget(s) missed:\n" + "\n".join(failures)
