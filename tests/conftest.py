"""Test fixtures: a real database per backend and an app per test.

Every test that uses ``app`` runs once on SQLite and once on PostgreSQL. PostgreSQL comes
from ``COURSEKIT_TEST_DATABASE_URL`` (a server URL whose database we may create others
beside); without it the PostgreSQL runs are reported as skipped, never passed.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, delete, text
from sqlalchemy.engine import make_url

from coursekit import create_app
from coursekit.models import Base
from tests.certificate_records import certificate_settings
from tests.helpers import app_config
from tests.lesson_clock import Clock
from tests.sample_records import Samples, seed
from tests.test_seminars import ROOT

PG_URL = os.environ.get("COURSEKIT_TEST_DATABASE_URL")


def _redis_database_per_worker() -> None:
    """Give each pytest-xdist worker a Redis database of its own (1, 2, …), so the
    rate-limit counters of tests running at once in two workers never meet. Test modules
    read the variable when they are imported, after this conftest."""
    url, worker = os.environ.get("COURSEKIT_TEST_REDIS_URL"), os.environ.get("PYTEST_XDIST_WORKER")
    if url and worker:
        index = int(worker.removeprefix("gw")) + 1
        os.environ["COURSEKIT_TEST_REDIS_URL"] = urlunsplit(
            urlsplit(url)._replace(path=f"/{index}")
        )


_redis_database_per_worker()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect (reported as deselected, never passed) the PostgreSQL runs of a test marked
    ``second_backend_only_for(names)`` whose ``name`` parameter is not among ``names``: for
    tests where the backend matters to a representative few cases only."""
    kept, dropped = [], []
    for item in items:
        marker = item.get_closest_marker("second_backend_only_for")
        params = getattr(item, "callspec", None)
        on_postgresql = params is not None and params.params.get("database_url") == "postgresql"
        if marker and on_postgresql and params.params.get("name") not in marker.args[0]:
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(autouse=True)
def _push_request_context() -> None:
    """Override pytest-flask's fixture that pushes one request context for the whole test.

    Under it, every client request would share that test's app context, and with it
    coursekit's per-context database session and Flask-Login's cached user; production
    gives each request its own. Tests open ``app.app_context()`` where they need one.
    """


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The lesson views' clock, which the test moves on (``clock.advance(minutes=5)``)."""
    clock = Clock()
    monkeypatch.setattr("coursekit.lessons.views.utcnow", clock)
    return clock


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client that, unlike pytest-flask's (``with app.test_client()``), does not
    keep each request's context pushed after the response, for the same reason."""
    return app.test_client()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated, empty database for this test session, on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'coursekit.sqlite3'}"
        _migrate(url)
        yield url
        return
    if not PG_URL:
        pytest.skip("PostgreSQL tests need COURSEKIT_TEST_DATABASE_URL")
    name = f"coursekit_test_{os.getpid()}_{secrets.token_hex(4)}"
    server = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    try:
        _migrate(url)
        yield url
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def _migrate(url: str) -> None:
    app = create_app(app_config(url))
    app.extensions["coursekit"].db.engine.dispose()


@pytest.fixture
def mail_outbox() -> list[EmailMessage]:
    """Messages the app sent during the test."""
    return []


@pytest.fixture
def make_app(database_url: str, mail_outbox: list[EmailMessage]) -> Iterator[Callable[..., Flask]]:
    """Build standalone apps on the clean test database with extra settings; rows are
    wiped after the test."""
    apps: list[Flask] = []

    def build(**settings: object) -> Flask:
        sender = lambda _app, message: mail_outbox.append(message)  # noqa: E731
        app = create_app(app_config(database_url, COURSEKIT_MAIL_SENDER=sender, **settings))
        apps.append(app)
        return app

    yield build
    for index, app in enumerate(apps):
        engine = app.extensions["coursekit"].db.engine
        if index == 0:
            with engine.begin() as connection:
                for table in reversed(Base.metadata.sorted_tables):
                    connection.execute(delete(table))
        engine.dispose()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    """The standalone app on a clean database, without module packages."""
    return make_app()


@pytest.fixture
def seeded(
    make_app: Callable[..., Flask], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Flask, Samples]:
    """The app with the bundled modules and the sample records (``tests/sample_records``:
    a learner's records in every state, an instructor, an administrator)."""
    monkeypatch.setenv("COURSEKIT_INSTANCE_PATH", str(tmp_path / "instance"))
    app = make_app(
        COURSEKIT_MODULES_PATH=str(ROOT / "modules"),
        COURSEKIT_PUBLISH_ON_START=True,
        **certificate_settings(),
    )
    return app, seed(app, tmp_path / "staged")
