"""``coursekit db backup`` and ``restore``: a restore puts back every row of every table,
a backup taken while a writer writes is consistent, and bad input changes nothing."""

from __future__ import annotations

import secrets
import sqlite3
import stat
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import MetaData, Table, create_engine, insert, inspect, select, text

from coursekit import create_app, migrate
from coursekit.audit.models import AuditEntry
from coursekit.backups.postgresql import table_rows
from coursekit.db import TABLE_PREFIX, utcnow
from coursekit.packages.models import ModuleVersion
from tests.backup_records import fill_every_table
from tests.certificate_records import certificate_settings
from tests.helpers import app_config, head_revision
from tests.test_seminars import ROOT

WRITER_BATCH = 5


@pytest.fixture
def app(make_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """The app on the test database, with an instance folder of the test's own (a
    PostgreSQL restore keeps the replaced tables there)."""
    monkeypatch.setenv("COURSEKIT_INSTANCE_PATH", str(tmp_path / "instance"))
    return make_app()


@pytest.fixture
def app_with_modules(make_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """The bundled modules and a provider, so the sample records can be written; an
    instance folder of the test's own (a PostgreSQL restore keeps its copy there)."""
    monkeypatch.setenv("COURSEKIT_INSTANCE_PATH", str(tmp_path / "instance"))
    return make_app(
        COURSEKIT_MODULES_PATH=str(ROOT / "modules"),
        COURSEKIT_PUBLISH_ON_START=True,
        **certificate_settings(),
    )


def run(app: Flask, *args: str):
    return app.test_cli_runner().invoke(args=["coursekit", "db", *args])


def snapshot(app: Flask) -> dict[str, list[tuple]]:
    """Every row of every coursekit table (the version table included), in a stable order."""
    engine = app.extensions["coursekit"].db.engine
    with engine.connect() as connection:
        names = [n for n in inspect(connection).get_table_names() if n.startswith(TABLE_PREFIX)]
        tables = {}
        for name in sorted(names):
            table = Table(name, MetaData(), autoload_with=connection)
            rows = connection.execute(select(table)).all()
            tables[name] = sorted((tuple(row) for row in rows), key=repr)
    return tables


def is_sqlite(app: Flask) -> bool:
    return app.extensions["coursekit"].db.engine.dialect.name == "sqlite"


def test_restore_puts_back_every_row_of_every_table(app_with_modules, tmp_path):
    app = app_with_modules
    fill_every_table(app, tmp_path / "records")
    before = snapshot(app)
    empty = [name for name, rows in before.items() if not rows]
    assert not empty, f"fill_every_table left {empty} empty"
    backup = tmp_path / "coursekit.backup"
    result = run(app, "backup", str(backup))
    assert result.exit_code == 0, result.output
    assert f"revision {head_revision()}, verified" in result.output

    # The live database moves on and then loses things.
    with app.extensions["coursekit"].db.write_engine.begin() as connection:
        connection.execute(text("DELETE FROM coursekit_certificate_file"))
        connection.execute(text("UPDATE coursekit_user SET first_name = 'Changed'"))
        connection.execute(
            insert(AuditEntry.__table__).values(
                at=utcnow(), action="user.name", subject="user:1", reason="", details={}
            )
        )
    assert snapshot(app) != before

    result = run(app, "restore", str(backup))
    assert result.exit_code == 0, result.output
    after = snapshot(app)
    for name in before:
        assert after[name] == before[name], f"{name} differs after the restore"
    assert after.keys() == before.keys()
    with app.extensions["coursekit"].db.write_engine.begin() as connection:  # ids go on
        new_id = connection.execute(
            insert(AuditEntry.__table__).values(
                at=utcnow(), action="user.name", subject="user:1", reason="", details={}
            )
        ).inserted_primary_key[0]
    assert new_id > max(row[0] for row in before["coursekit_audit_entry"])
    kept = Path(result.output.split("Kept the replaced database as ")[1].split("\n")[0][:-1])
    assert kept.is_file() and ".before-restore-" in kept.name
    if is_sqlite(app):
        with closing(sqlite3.connect(kept)) as copy:
            users = copy.execute("SELECT DISTINCT first_name FROM coursekit_user").fetchall()
        assert users == [("Changed",)], "the kept copy is the database the restore replaced"
        with app.extensions["coursekit"].db.engine.connect() as connection:
            mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        assert mode == "wal", "the live database stays in WAL mode"


def test_a_backup_taken_while_a_writer_writes_is_consistent(app, tmp_path):
    engine = app.extensions["coursekit"].db.write_engine
    with engine.begin() as connection:  # a few megabytes, so a copy takes a while
        connection.execute(
            insert(ModuleVersion.__table__).values(
                module_id="big",
                version="1",
                content_hash="e" * 64,
                title="Big",
                status="published",
                published_at=utcnow(),
                archive=bytes(range(256)) * 20_000,
            )
        )
    written, stop = [0], threading.Event()

    def writer() -> None:
        while not stop.is_set():
            with engine.begin() as connection:  # one batch per transaction
                connection.execute(
                    insert(AuditEntry.__table__),
                    [
                        {
                            "at": utcnow(),
                            "action": "test.batch",
                            "subject": f"batch:{written[0]}",
                            "reason": "",
                            "details": {},
                        }
                        for _ in range(WRITER_BATCH)
                    ],
                )
            written[0] += 1

    thread = threading.Thread(target=writer)
    thread.start()
    overlapped = 0
    try:
        for n in range(20):
            before = written[0]
            target = tmp_path / f"during-{n}.backup"
            assert run(app, "backup", str(target)).exit_code == 0
            overlapped += written[0] > before
            sizes = Counter(subject for subject in batches(app, target))
            assert set(sizes.values()) <= {WRITER_BATCH}, sizes
            if overlapped >= 3:
                break
    finally:
        stop.set()
        thread.join()
    assert overlapped >= 3, "the writer never wrote while a backup ran"


def batches(app: Flask, backup: Path) -> list[str]:
    """The subjects of the writer's audit entries in ``backup``, one per entry."""
    if not is_sqlite(app):
        rows = table_rows(backup, "coursekit_audit_entry")
        return [row["subject"] for row in rows if row["action"] == "test.batch"]
    with closing(sqlite3.connect(backup)) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        query = "SELECT subject FROM coursekit_audit_entry WHERE action = 'test.batch'"
        return [subject for (subject,) in copy.execute(query)]


def test_a_backup_never_overwrites_unless_forced(app, tmp_path):
    target = tmp_path / "taken.backup"
    target.write_bytes(b"yesterday's backup")
    result = run(app, "backup", str(target))
    assert result.exit_code == 1
    assert "exists; choose another name or pass --force" in result.output
    assert target.read_bytes() == b"yesterday's backup"
    assert run(app, "backup", str(target), "--force").exit_code == 0
    assert target.read_bytes() != b"yesterday's backup"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600, "learners' records: owner only"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


def refused(app: Flask, path: Path, message: str) -> None:
    before = snapshot(app)
    result = run(app, "restore", str(path))
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert snapshot(app) == before


def test_restore_refuses_what_is_not_a_coursekit_backup(app, tmp_path):
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a database\n" * 100)
    refused(app, text_file, "not a")
    refused(app, tmp_path / "missing.backup", "no such file")
    if not is_sqlite(app):
        return
    other = tmp_path / "other.sqlite3"
    with closing(sqlite3.connect(other)) as connection:
        connection.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY)")
    refused(app, other, "is not a CourseKit backup: it has no coursekit tables")
    good = tmp_path / "good.sqlite3"
    assert run(app, "backup", str(good)).exit_code == 0
    damaged = tmp_path / "damaged.sqlite3"
    data = bytearray(good.read_bytes())
    data[len(data) // 2 :] = bytes(len(data) - len(data) // 2)
    damaged.write_bytes(bytes(data))
    refused(app, damaged, "damaged.sqlite3")


def test_restore_refuses_a_backup_from_a_newer_version(app, tmp_path):
    future = tmp_path / "future.backup"
    set_revision = text("UPDATE coursekit_alembic_version SET version_num = :revision")
    engine = app.extensions["coursekit"].db.write_engine
    with engine.begin() as connection:
        connection.execute(set_revision, {"revision": "9999"})
    result = run(app, "backup", str(future))  # taken whatever the revision
    assert result.exit_code == 0, result.output
    with engine.begin() as connection:
        connection.execute(set_revision, {"revision": head_revision()})
    refused(app, future, "is at schema revision 9999, which this CourseKit version does not know")


@pytest.fixture
def other_app(app: Flask, tmp_path: Path) -> Iterator[Flask]:
    """An app on a second, empty database of the same backend (on SQLite, a file that
    does not exist yet), as on a new server."""
    url = app.extensions["coursekit"].db.engine.url
    if is_sqlite(app):
        other, server = f"sqlite:///{tmp_path / 'other.sqlite3'}", None
    else:
        name = f"coursekit_other_{secrets.token_hex(4)}"
        server = create_engine(url, isolation_level="AUTOCOMMIT")
        with server.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        other = url.set(database=name).render_as_string(hide_password=False)
    older = create_app(app_config(other, COURSEKIT_AUTO_MIGRATE=False))
    yield older
    older.extensions["coursekit"].db.engine.dispose()
    if server is not None:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def test_restoring_an_older_backup_upgrades_it(app, other_app, tmp_path):
    migrate.upgrade(other_app, "0010")
    old = tmp_path / "old.backup"
    assert (
        other_app.test_cli_runner().invoke(args=["coursekit", "db", "backup", str(old)]).exit_code
        == 0
    )
    result = run(app, "restore", str(old))
    assert result.exit_code == 0, result.output
    assert f"(revision 0010, upgraded to {head_revision()})" in result.output
    with app.extensions["coursekit"].db.engine.connect() as connection:
        assert migrate.current_revision(connection) == head_revision()
    migrate.check(app)


def test_restore_onto_a_new_server(app, other_app, tmp_path):
    backup = tmp_path / "taken.backup"
    assert run(app, "backup", str(backup)).exit_code == 0
    result = run(other_app, "restore", str(backup))
    assert result.exit_code == 0, result.output
    assert "Kept" not in result.output, "an empty database has nothing to keep"
    assert snapshot(other_app) == snapshot(app)
