"""Databases at every revision, seeded, for tests/test_migration_upgrades.py.

Building a database one revision at a time is the slow part, so :class:`Snapshots` does it
once per backend and keeps a copy at each revision, holding the seeds up to it; a test
works on a :class:`Trial` of one. On SQLite a trial is a copy of the snapshot's file
(the backup API), each step committed as production does. On PostgreSQL, where creating a
database costs a third of a second and dropping one a checkpoint (a second or more on a
busy server), a trial is one transaction on the snapshot itself, each step in a savepoint
(PostgreSQL's DDL is transactional, so a step that fails leaves nothing behind, as a
rolled-back commit would), rolled back at the end: the snapshot stays as it was for the
next test. Only :meth:`Snapshots.app_copy` (a test through the command line, which commits)
makes a database of its own.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Column, Connection, MetaData, Table, create_engine, insert, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool

from coursekit import create_app, migrate
from coursekit.db import make_engine
from tests.helpers import app_config
from tests.migration_seeds import SEEDS, Row

PG_URL = os.environ.get("COURSEKIT_TEST_DATABASE_URL")
REVISIONS = [
    script.revision for script in reversed(list(migrate.script_directory().walk_revisions()))
]
"""Every revision shipped, oldest first."""


def write(connection: Connection, rows: dict[str, list[Row]]) -> None:
    """Insert ``rows`` with Core into the tables as the database has them now."""
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


class Trial:
    """One test's database at a revision: ``upgrade``/``downgrade`` step it like
    ``coursekit db upgrade``/``downgrade`` (a step that raises changes nothing), and
    ``connection`` reads what the steps left."""

    def __init__(self, connection: Connection, step: Callable[[], AbstractContextManager]):
        self.connection, self._step = connection, step

    def upgrade(self, revision: str = "head") -> None:
        with self._step():
            migrate.upgrade_on(self.connection, revision)

    def downgrade(self, revision: str) -> None:
        with self._step():
            migrate.downgrade_on(self.connection, revision)


class Snapshots:
    """One backend's databases at every revision, seeded; tests work on trials of them."""

    def __init__(self, backend: str, folder: Path) -> None:
        self.backend, self.folder = backend, folder
        self.server = (
            create_engine(PG_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
            if PG_URL
            else None
        )
        self.tag = secrets.token_hex(3)
        self.made: list[str] = []  # PostgreSQL databases to drop at the end
        self.apps: list[Flask] = []
        building = self._engine(self._create("building"))
        self._create("base", template="building")
        try:
            for revision in REVISIONS:
                with migrate.migration_connection(building) as connection:
                    migrate.upgrade_on(connection, revision)
                    if revision in SEEDS:
                        write(connection, SEEDS[revision])
                building.dispose()  # a template has no sessions
                self._create(revision, template="building")
        finally:
            building.dispose()

    @contextmanager
    def trial(self, revision: str) -> Iterator[Trial]:
        """A database at ``revision`` ("base": empty) holding the seeds up to it, for
        one test; what the test does to it is gone afterwards."""
        self._require_seeds(revision)
        if self.backend == "sqlite":
            # A copy of its own, migrated as `coursekit db` migrates (foreign keys checked
            # at the end); each step in a savepoint, so a refused one changes nothing.
            engine = self._engine(self._create(f"trial_{secrets.token_hex(3)}", template=revision))
            try:
                with migrate.migration_connection(engine) as connection:
                    yield Trial(connection, connection.begin_nested)
            finally:
                engine.dispose()
            return
        engine = self._engine(self._name(revision))
        try:
            with engine.connect() as connection, connection.begin() as outer:
                yield Trial(connection, connection.begin_nested)
                outer.rollback()
        finally:
            engine.dispose()

    def app_copy(self, revision: str) -> Flask:
        """An app on a database of its own, copied from the snapshot at ``revision``."""
        self._require_seeds(revision)
        name = self._create(f"copy_{secrets.token_hex(3)}", template=revision)
        app = create_app(app_config(self._url(name), COURSEKIT_AUTO_MIGRATE=False))
        self.apps.append(app)
        return app

    def close(self) -> None:
        """Let go of every connection and drop the PostgreSQL databases."""
        for app in self.apps:
            app.extensions["coursekit"].db.engine.dispose()
        if self.server is None:
            return
        # Each DROP DATABASE waits for a checkpoint; sent together, they share one or two.
        with ThreadPoolExecutor(max_workers=len(self.made) or 1) as pool:
            list(pool.map(self._drop, self.made))
        self.server.dispose()

    def _drop(self, name: str) -> None:
        with self.server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def _require_seeds(self, revision: str) -> None:
        upto = REVISIONS[: REVISIONS.index(revision) + 1] if revision != "base" else []
        missing = [r for r in upto if r not in SEEDS]
        if missing:
            pytest.fail(
                f"Revision {missing[0]} has no seed: add its rows to SEEDS in "
                "tests/migration_seeds.py (docs/development.md, Migrations)."
            )

    def _name(self, label: str) -> str:
        return f"ck_upgrades_{self.tag}_{label}"

    def _url(self, name: str) -> str:
        if self.backend == "sqlite":
            return f"sqlite:///{self.folder / name}.sqlite3"
        return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)

    def _engine(self, name: str) -> Engine:
        if self.backend == "sqlite":
            return make_engine(self._url(name))  # coursekit's pragmas, as the app has them
        # No pooled connection outlives its use: a snapshot is a template afterwards.
        return create_engine(self._url(name), poolclass=NullPool)

    def _create(self, label: str, *, template: str | None = None) -> str:
        """Make the database ``label`` (empty, or a copy of ``template``); its name."""
        name = self._name(label)
        if self.backend == "sqlite":
            if template:
                source = self._name(template)
                with (
                    closing(sqlite3.connect(self.folder / f"{source}.sqlite3")) as original,
                    closing(sqlite3.connect(self.folder / f"{name}.sqlite3")) as copy,
                ):
                    original.backup(copy)
            return name
        copy_of = f' TEMPLATE "{self._name(template)}"' if template else ""
        with self.server.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"{copy_of}'))
        self.made.append(name)
        return name
