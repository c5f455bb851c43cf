"""Every revision, with data in it, upgrades to the newest without losing a row; each
downgrade either keeps every row or refuses and changes nothing.

The revisions come from the Alembic script directory, so a new migration is picked up
without touching this file; its rows live in tests/migration_seeds.py (see there).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Column, Connection, MetaData, Table, inspect, select

from coursekit import migrate
from coursekit.migrations.downgrades import DowngradeRefused
from tests.migration_databases import PG_URL, REVISIONS, Snapshots, comparable
from tests.migration_seeds import DOWNGRADES_KEEP_ROWS, SEEDS, TRANSFORMS, Row

HEAD = REVISIONS[-1]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def snapshots(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[Snapshots]:
    """The seeded databases at every revision, on each backend."""
    if request.param == "postgresql" and not PG_URL:
        pytest.skip("PostgreSQL tests need COURSEKIT_TEST_DATABASE_URL")
    built = Snapshots(request.param, tmp_path_factory.mktemp("upgrades"))
    yield built
    built.close()


def previous(revision: str) -> str:
    """The revision below ``revision`` ("base" below the first)."""
    index = REVISIONS.index(revision)
    return REVISIONS[index - 1] if index else "base"


def seeded_upto(revision: str, *, including: bool = True) -> list[str]:
    """The revisions whose seeds a database built up to ``revision`` holds."""
    return REVISIONS[: REVISIONS.index(revision) + (1 if including else 0)]


def expected(seeded: list[str], at: str) -> dict[str, list[Row]]:
    """The rows of the ``seeded`` revisions' seeds as the migrations up to ``at`` left
    them."""
    reached = [] if at == "base" else REVISIONS[: REVISIONS.index(at) + 1]
    rows: dict[str, list[Row]] = {}
    for revision in seeded:
        later = [TRANSFORMS[r] for r in reached if r in TRANSFORMS and r > revision]
        for table, table_rows in SEEDS[revision].items():
            for row in table_rows:
                for transform in later:
                    row = transform(table, row)
                rows.setdefault(table, []).append(row)
    return rows


def assert_kept(connection: Connection, seeded: list[str], at: str) -> None:
    """The database is at ``at`` and holds every row of the ``seeded`` revisions with its
    values (in the columns the schema at ``at`` has)."""
    assert migrate.current_revision(connection) == (None if at == "base" else at)
    inspector = inspect(connection)
    for name, rows in expected(seeded, at).items():
        # Columns and primary key only: a full reflection (foreign keys, the tables they
        # point at, indexes, constraints) cost most of this file's time.
        columns = [Column(c["name"], c["type"]) for c in inspector.get_columns(name)]
        table = Table(name, MetaData(), *columns)
        key = inspector.get_pk_constraint(name)["constrained_columns"]
        stored = {
            tuple(row[k] for k in key): row for row in connection.execute(select(table)).mappings()
        }
        for row in rows:
            found = stored.get(tuple(row[k] for k in key))
            assert found is not None, f"{name} lost {row}"
            kept = {column: comparable(found[column]) for column in row if column in found}
            wanted = {column: comparable(row[column]) for column in row if column in found}
            assert kept == wanted, f"{name} changed {wanted} to {kept}"


def test_every_revision_has_a_seed():
    assert sorted(SEEDS) == REVISIONS, "tests/migration_seeds.py: one seed per revision"


@pytest.mark.parametrize("revision", REVISIONS)
def test_data_at_a_revision_survives_the_upgrade_to_head(snapshots, revision):
    with snapshots.trial(revision) as trial:
        trial.upgrade()
        assert_kept(trial.connection, seeded_upto(revision), HEAD)


@pytest.mark.parametrize("revision", REVISIONS)
def test_downgrade_one_revision_and_up_again(snapshots, revision):
    """With the revision's own tables empty every downgrade goes through, and the rows of
    the revisions below survive the trip down and up."""
    seeded = seeded_upto(revision, including=False)
    with snapshots.trial(previous(revision)) as trial:
        trial.upgrade(revision)  # the revision, without its own rows
        trial.downgrade(previous(revision))
        assert_kept(trial.connection, seeded, previous(revision))
        trial.upgrade(revision)
        assert_kept(trial.connection, seeded, revision)


@pytest.mark.parametrize("revision", REVISIONS)
def test_downgrade_with_records_keeps_them_or_refuses(snapshots, revision):
    seeded = seeded_upto(revision)
    with snapshots.trial(revision) as trial:
        if revision in DOWNGRADES_KEEP_ROWS:
            trial.downgrade(previous(revision))
            assert_kept(trial.connection, seeded, previous(revision))
            trial.upgrade(revision)
        else:
            with pytest.raises(DowngradeRefused, match=f"below revision {revision} refused"):
                trial.downgrade(previous(revision))
        assert_kept(trial.connection, seeded, revision)


def test_a_refused_downgrade_is_a_clear_error_on_the_command_line(snapshots):
    app = snapshots.app_copy(HEAD)
    result = app.test_cli_runner().invoke(args=["coursekit", "db", "downgrade", "base"])
    assert result.exit_code == 1
    assert "refused: it would drop records" in result.output
    assert "Traceback" not in result.output
    with app.extensions["coursekit"].db.engine.connect() as connection:
        assert_kept(connection, REVISIONS, HEAD)
