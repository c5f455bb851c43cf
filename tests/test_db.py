"""The data layer: naming, UTC time, transactions per request, constraints, SQLite set-up."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask import Flask
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError, OperationalError, StatementError

from coursekit import create_app, db
from coursekit.access import access
from coursekit.accounts.models import StateLicence, User
from coursekit.models import Base
from tests.helpers import app_config, make_user


def test_every_table_and_constraint_follows_the_conventions():
    prefixes = ("pk_", "uq_", "ck_", "fk_", "ix_")
    for table in Base.metadata.sorted_tables:
        assert table.name.startswith("coursekit_"), table.name
        for constraint in table.constraints:
            assert str(constraint.name).startswith(prefixes), (table.name, constraint.name)
        for index in table.indexes:
            assert str(index.name).startswith(("ix_coursekit_", "uq_coursekit_")), index.name


def test_timestamps_come_back_timezone_aware_and_naive_ones_are_refused(app):
    user_id = make_user(app, "ann@example.org")
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expire_all()
        user = db.session.get(User, user_id)
        assert user.created_at.utcoffset().total_seconds() == 0
        user.last_login_at = datetime(2026, 1, 1, 12, 0)  # naive
        with pytest.raises(StatementError, match="naive datetime"):
            db.session.flush()


def _add_view(app: Flask, path: str, view) -> None:
    """A view inside the coursekit blueprint (its hooks run for ``coursekit.*`` endpoints)."""
    app.add_url_rule(path, endpoint=f"coursekit.{view.__name__}", view_func=access("public")(view))


def test_a_request_commits_once_on_success_and_rolls_back_on_failure(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def store(email: str) -> None:
        db.session.add(User(email=email, password_hash="x", first_name="A", last_name="B"))
        db.session.flush()

    def ok_write() -> str:
        store("ok@example.org")
        return "stored"

    def refused_write() -> tuple[str, int]:
        store("refused@example.org")
        return "no", 422

    def crashing_write() -> str:
        store("crash@example.org")
        raise RuntimeError("boom")

    for view in (ok_write, refused_write, crashing_write):
        _add_view(app, f"/{view.__name__}", view)
    assert client.get("/ok_write").status_code == 200
    assert client.get("/refused_write").status_code == 422
    crashed = client.get("/crashing_write")
    assert crashed.status_code == 500
    assert "boom" not in crashed.text and "Traceback" not in crashed.text
    assert "Something went wrong" in crashed.text
    with app.app_context():
        emails = db.session.scalars(select(User.email)).all()
    assert emails == ["ok@example.org"]


def test_foreign_keys_and_the_one_current_licence_per_state_rule_hold(app):
    user_id = make_user(app, "ann@example.org")
    with app.app_context():
        db.session.add(StateLicence(user_id=999_999, state="CA", number="1"))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
        db.session.add(StateLicence(user_id=user_id, state="CA", number="1"))
        db.session.flush()
        db.session.add(StateLicence(user_id=user_id, state="CA", number="2"))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
        db.session.add(StateLicence(user_id=user_id, state="ca", number="3"))
        with pytest.raises(IntegrityError):  # check constraint: upper-case state codes
            db.session.flush()


def test_emails_are_stored_lower_case_by_constraint(app):
    with app.app_context():
        db.session.add(
            User(email="Upper@Example.org", password_hash="x", first_name="A", last_name="B")
        )
        with pytest.raises(IntegrityError):
            db.session.flush()


@pytest.fixture
def sqlite_app(tmp_path) -> Flask:
    app = create_app(
        app_config(f"sqlite:///{tmp_path / 'ck.sqlite3'}", COURSEKIT_SQLITE_BUSY_TIMEOUT_MS=200)
    )
    yield app
    app.extensions["coursekit"].db.engine.dispose()


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(sqlite_app):
    with sqlite_app.extensions["coursekit"].db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 200


def test_sqlite_write_sessions_take_the_lock_at_begin_and_readers_still_read(sqlite_app):
    database = sqlite_app.extensions["coursekit"].db
    first = database.new_session(write=True)
    second = database.new_session(write=True)
    reader = database.new_session(write=False)
    try:
        first.execute(text("SELECT 1"))  # BEGIN IMMEDIATE: first holds the write lock
        with pytest.raises(OperationalError, match="locked"):
            second.execute(text("SELECT 1"))  # waits the busy timeout, then gives up
        assert reader.execute(select(User)).all() == []  # WAL: reading is never blocked
    finally:
        for session in (first, second, reader):
            session.close()


def test_a_fresh_instance_is_created_and_migrated_on_first_start(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSEKIT_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("COURSEKIT_DATABASE_URL", raising=False)
    app = create_app({"TESTING": True})
    engine = app.extensions["coursekit"].db.engine
    try:
        assert (tmp_path / "instance" / "coursekit.sqlite3").exists()
        names = set(inspect(engine).get_table_names())
        assert {"coursekit_user", "coursekit_user_role", "coursekit_alembic_version"} <= names
    finally:
        engine.dispose()
