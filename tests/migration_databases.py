"""Databases at every revision, seeded, for tests/test_migration_upgrades.py.

Building a database one revision at a time is the slow part, so :class:`Snapshots` does it
once per backend and keeps a copy at each revision (before and after that revision's
seed); each test gets its own copy of one. SQLite copies with the backup API, PostgreSQL
with ``CREATE DATABASE … TEMPLATE``.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Column, MetaData, Table, create_engine, insert, inspect, text
from sqlalchemy.engine import make_url

from coursekit import create_app, migrate
from tests.helpers import app_config
from tests.migration_seeds import SEEDS, Row

PG_URL = os.environ.get("COURSEKIT_TEST_DATABASE_URL")
REVISIONS = [
    script.revision for script in reversed(list(migrate.script_directory().walk_revisions()))
]
"""Every revision shipped, oldest first."""


def write(app: Flask, rows: dict[str, list[Row]]) -> None:
    """Insert ``rows`` with Core into the tables as the database has them now."""
    with app.extensions["coursekit"].db.write_engine.begin() as connection:
        inspector = inspect(connection)
        for name, table_rows in rows.items():
            # The columns are enough to insert; a full reflection costs many queries more.
            columns = [Column(c["name"], c["type"]) for c in inspector.get_columns(name)]
            table = Table(name, MetaData(), *columns)
            connection.execute(insert(table), table_rows)


def comparable(value: object) -> object:
    """``value`` as every backend gives it back: SQLite returns naive UTC timestamps,
    psycopg may return binary data as a memoryview."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    if isinstance(value, memoryview):
        return bytes(value)
    return value


class Snapshots:
    """One backend's databases at every revision; tests work on copies of them."""

    def __init__(self, backend: str, folder: Path) -> None:
        self.backend, self.folder = backend, folder
        self.server = create_engine(PG_URL, isolation_level="AUTOCOMMIT") if PG_URL else None
        self.tag = secrets.token_hex(3)
        self.made: list[str] = []  # PostgreSQL databases to drop at the end
        self.apps: list[Flask] = []
        building = self._app("building")
        for revision in REVISIONS:
            migrate.upgrade(building, revision)
            self._save(building, f"{revision}_empty")
            if revision in SEEDS:
                write(building, SEEDS[revision])
            self._save(building, f"{revision}_seeded")

    def copy(self, revision: str, *, seeded: bool = True) -> Flask:
        """An app on a new copy of the database at ``revision``, holding the seeds of the
        revisions below it and, if ``seeded``, its own."""
        missing = [r for r in REVISIONS[: REVISIONS.index(revision) + 1] if r not in SEEDS]
        if missing:
            pytest.fail(
                f"Revision {missing[0]} has no seed: add its rows to SEEDS in "
                "tests/migration_seeds.py (docs/development.md, Migrations)."
            )
        template = f"{revision}_{'seeded' if seeded else 'empty'}"
        return self._app(f"test_{secrets.token_hex(3)}", template=template)

    def close(self) -> None:
        """Let go of every connection and drop the PostgreSQL databases."""
        for app in self.apps:
            app.extensions["coursekit"].db.engine.dispose()
        if self.server is None:
            return
        with self.server.connect() as connection:
            for name in self.made:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.server.dispose()

    def _name(self, label: str) -> str:
        return f"ck_upgrades_{self.tag}_{label}"

    def _app(self, label: str, *, template: str | None = None) -> Flask:
        name = self._name(label)
        if self.backend == "sqlite":
            if template:
                self._copy_file(self._name(template), name)
            url = f"sqlite:///{self.folder / name}.sqlite3"
        else:
            copy_of = f' TEMPLATE "{self._name(template)}"' if template else ""
            with self.server.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"{copy_of}'))
            self.made.append(name)
            url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        app = create_app(app_config(url, COURSEKIT_AUTO_MIGRATE=False))
        self.apps.append(app)
        return app

    def _save(self, building: Flask, label: str) -> None:
        if self.backend == "sqlite":
            self._copy_file(self._name("building"), self._name(label))
            return
        building.extensions["coursekit"].db.engine.dispose()  # a template has no sessions
        with self.server.connect() as connection:
            connection.execute(
                text(f'CREATE DATABASE "{self._name(label)}" TEMPLATE "{self._name("building")}"')
            )
        self.made.append(self._name(label))

    def _copy_file(self, source: str, target: str) -> None:
        with (
            closing(sqlite3.connect(self.folder / f"{source}.sqlite3")) as original,
            closing(sqlite3.connect(self.folder / f"{target}.sqlite3")) as copy,
        ):
            original.backup(copy)
