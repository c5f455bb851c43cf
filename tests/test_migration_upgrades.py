"""Every revision, with data in it, upgrades to the newest without losing a row; each
downgrade either keeps every row or refuses and changes nothing.

The revisions come from the Alembic script directory, so a new migration is picked up
without touching this file; its rows live in tests/migration_seeds.py (see there).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import MetaData, Table, create_engine, insert, select, text
from sqlalchemy.engine import make_url

from coursekit import create_app, migrate
from coursekit.migrations.downgrades import DowngradeRefused
from tests.helpers import app_config
from tests.migration_seeds import DOWNGRADES_KEEP_ROWS, SEEDS, TRANSFORMS, Row

PG_URL = os.environ.get("COURSEKIT_TEST_DATABASE_URL")
REVISIONS = [script.revision for script in reversed(list(migrate.script_directory().walk_revisions()))]
HEAD = REVISIONS[-1]


def previous(revision: str) -> str:
    """The revision below ``revision`` ("base" below the first)."""
    index = REVISIONS.index(revision)
    return REVISIONS[index - 1] if index else "base"


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh(request: pytest.FixtureRequest, tmp_path) -> Iterator[Flask]:
    """An app on a new, empty database (no migration run)."""
    if request.param == "sqlite":
        url, drop = f"sqlite:///{tmp_path / 'upgrades.sqlite3'}", None
    else:
        if not PG_URL:
            pytest.skip("PostgreSQL tests need COURSEKIT_TEST_DATABASE_URL")
        name = f"coursekit_upgrades_{secrets.token_hex(4)}"
        server = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with server.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        drop = (server, name)
    app = create_app(app_config(url, COURSEKIT_AUTO_MIGRATE=False))
    yield app
    app.extensions["coursekit"].db.engine.dispose()
    if drop:
        server, name = drop
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def build(app: Flask, upto: str, *, seed_last: bool = True) -> None:
    """Migrate one revision at a time up to ``upto``, writing each revision's seed as the
    tables are at that revision (``upto``'s own seed only if ``seed_last``)."""
    for revision in REVISIONS[: REVISIONS.index(upto) + 1]:
        migrate.upgrade(app, revision)
        if revision == upto and not seed_last:
            return
        if revision not in SEEDS:
            pytest.fail(
                f"Revision {revision} has no seed: add its rows to SEEDS in "
                "tests/migration_seeds.py (docs/development.md, Migrations)."
            )
        write(app, SEEDS[revision])


def write(app: Flask, rows: dict[str, list[Row]]) -> None:
    """Insert ``rows`` with Core into the tables as the database has them now."""
    engine = app.extensions["coursekit"].db.write_engine
    with engine.begin() as connection:
        for name, table_rows in rows.items():
            table = Table(name, MetaData(), autoload_with=connection)
            connection.execute(insert(table), table_rows)


def expected(seeded: list[str], at: str) -> dict[str, list[Row]]:
    """The rows of the ``seeded`` revisions' seeds, as the migrations up to ``at`` left
    them."""
    reached = REVISIONS[: REVISIONS.index(at) + 1] if at != "base" else []
    rows: dict[str, list[Row]] = {}
    for revision in seeded:
        later = [TRANSFORMS[r] for r in reached if r in TRANSFORMS and r > revision]
        for table, table_rows in SEEDS[revision].items():
            for row in table_rows:
                for transform in later:
                    row = transform(table, row)
                rows.setdefault(table, []).append(row)
    return rows


def assert_kept(app: Flask, seeded: list[str], at: str) -> None:
    """Every row of the ``seeded`` revisions is in the database at ``at`` with its values
    (those of its columns the schema at ``at`` has)."""
    engine = app.extensions["coursekit"].db.engine
    with engine.connect() as connection:
        assert migrate.current_revision(connection) == (None if at == "base" else at)
        for name, rows in expected(seeded, at).items():
            table = Table(name, MetaData(), autoload_with=connection)
            key = [column.name for column in table.primary_key.columns]
            stored = {
                tuple(row[k] for k in key): row
                for row in connection.execute(select(table)).mappings()
            }
            for row in rows:
                found = stored.get(tuple(row[k] for k in key))
                assert found is not None, f"{name} lost {row}"
                kept = {column: comparable(found[column]) for column in row if column in found}
                wanted = {column: comparable(row[column]) for column in row if column in found}
                assert kept == wanted, f"{name} changed {wanted} to {kept}"


def comparable(value: object) -> object:
    """``value`` as every backend gives it back: SQLite returns naive UTC timestamps."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def seeds_upto(revision: str, *, including: bool = True) -> list[str]:
    index = REVISIONS.index(revision) + (1 if including else 0)
    return REVISIONS[:index]


def test_every_revision_has_a_seed():
    assert sorted(SEEDS) == sorted(REVISIONS), "tests/migration_seeds.py: one seed per revision"


@pytest.mark.parametrize("revision", REVISIONS)
def test_data_at_a_revision_survives_the_upgrade_to_head(fresh, revision):
    build(fresh, revision)
    migrate.upgrade(fresh)
    assert_kept(fresh, seeds_upto(revision), HEAD)
    migrate.check(fresh)


@pytest.mark.parametrize("revision", REVISIONS)
def test_downgrade_one_revision_and_up_again(fresh, revision):
    """With the revision's own tables empty every downgrade goes through, and the rows of
    the revisions below survive the trip down and up."""
    build(fresh, revision, seed_last=False)
    seeded = seeds_upto(revision, including=False)
    migrate.downgrade(fresh, previous(revision))
    assert_kept(fresh, seeded, previous(revision))
    migrate.upgrade(fresh, revision)
    assert_kept(fresh, seeded, revision)


@pytest.mark.parametrize("revision", REVISIONS)
def test_downgrade_with_records_keeps_them_or_refuses(fresh, revision):
    build(fresh, revision)
    seeded = seeds_upto(revision)
    if revision in DOWNGRADES_KEEP_ROWS:
        migrate.downgrade(fresh, previous(revision))
        assert_kept(fresh, seeded, previous(revision))
        migrate.upgrade(fresh, revision)
    else:
        with pytest.raises(DowngradeRefused, match=f"below revision {revision} refused"):
            migrate.downgrade(fresh, previous(revision))
    assert_kept(fresh, seeded, revision)


def test_a_refused_downgrade_is_a_clear_error_on_the_command_line(fresh):
    build(fresh, HEAD)
    result = fresh.test_cli_runner().invoke(args=["coursekit", "db", "downgrade", "base"])
    assert result.exit_code == 1
    assert "refused: it would drop records" in result.output
    assert "Traceback" not in result.output
    assert_kept(fresh, REVISIONS, HEAD)
