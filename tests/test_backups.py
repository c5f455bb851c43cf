"""``coursekit db backup`` and ``restore``: a restore puts back every row of every table,
a backup taken while a writer writes is consistent, and bad input changes nothing."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import MetaData, Table, insert, inspect, select, text

from coursekit import migrate
from coursekit.audit.models import AuditEntry
from coursekit.db import TABLE_PREFIX, utcnow
from tests.backup_records import fill_every_table
from tests.certificate_records import certificate_settings
from tests.helpers import head_revision
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
    if not is_sqlite(app):
        pytest.skip("pg_dump reads one snapshot (PostgreSQL's own guarantee); SQLite is ours")
    engine = app.extensions["coursekit"].db.write_engine
    with engine.begin() as connection:  # a few megabytes, so a copy takes a while
        connection.execute(
            text("INSERT INTO coursekit_module_version (module_id, version, content_hash, title, "
                 "status, published_at, archive) VALUES ('big', '1', :h, 'Big', 'published', "
                 "'2026-01-01 00:00:00', :archive)"),
            {"h": "e" * 64, "archive": bytes(range(256)) * 20_000},
        )
    written, stop = [0], threading.Event()

    def writer() -> None:
        while not stop.is_set():
            with engine.begin() as connection:  # one batch per transaction
                connection.execute(
                    insert(AuditEntry.__table__),
                    [
                        {"at": utcnow(), "action": "test.batch", "subject": f"batch:{written[0]}",
                         "reason": "", "details": {}}
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
            target = tmp_path / f"during-{n}.sqlite3"
            assert run(app, "backup", str(target)).exit_code == 0
            overlapped += written[0] > before
            with closing(sqlite3.connect(target)) as copy:
                assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
                sizes = copy.execute(
                    "SELECT subject, count(*) FROM coursekit_audit_entry "
                    "WHERE action = 'test.batch' GROUP BY subject"
                ).fetchall()
            assert all(size == WRITER_BATCH for _, size in sizes), sizes
            if overlapped >= 3:
                break
    finally:
        stop.set()
        thread.join()
    assert overlapped >= 3, "the writer never wrote while a backup ran"


def test_a_backup_never_overwrites_unless_forced(app, tmp_path):
    target = tmp_path / "taken.backup"
    target.write_bytes(b"yesterday's backup")
    result = run(app, "backup", str(target))
    assert result.exit_code == 1
    assert "exists; choose another name or pass --force" in result.output
    assert target.read_bytes() == b"yesterday's backup"
    assert run(app, "backup", str(target), "--force").exit_code == 0
    assert target.read_bytes() != b"yesterday's backup"
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
    if not is_sqlite(app):
        pytest.skip("the revision check is shared; SQLite lets the test write a future backup")
    future = tmp_path / "future.sqlite3"
    assert run(app, "backup", str(future)).exit_code == 0
    with closing(sqlite3.connect(future)) as connection:
        connection.execute(f"UPDATE {migrate.VERSION_TABLE} SET version_num = '9999'")
        connection.commit()
    refused(app, future, "is at schema revision 9999, which this CourseKit version does not know")


def test_restoring_an_older_backup_upgrades_it(app, tmp_path):
    if not is_sqlite(app):
        pytest.skip("covered on PostgreSQL by the same code path after pg_restore")
    old = tmp_path / "old.sqlite3"
    migrate.upgrade_url(f"sqlite:///{old}", "0010")
    with closing(sqlite3.connect(old)) as connection:
        connection.execute("PRAGMA journal_mode = DELETE")
    result = run(app, "restore", str(old))
    assert result.exit_code == 0, result.output
    assert f"(revision 0010, upgraded to {head_revision()})" in result.output
    with app.extensions["coursekit"].db.engine.connect() as connection:
        assert migrate.current_revision(connection) == head_revision()
    migrate.check(app)
