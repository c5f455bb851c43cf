"""SQLite backups with the online backup API (``sqlite3.Connection.backup``).

The copy is made in one step inside one read transaction, so it is the database as one
commit left it, while the server goes on writing (WAL lets writers continue past a
reader). A restore copies the backup into the live database with the same API: SQLite
writes it as one transaction under its own locks, so a server that is still running sees
either the old database or the restored one. Renaming a file over the live database
instead would pair it with the old database's ``-wal`` file and corrupt both.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import URL

from coursekit import migrate
from coursekit.backups.files import (
    BackupError,
    BackupReport,
    RestoreReport,
    before_restore_name,
    head_revision,
    publish,
    recorded_revision,
    refuse_to_overwrite,
    restorable_revision,
    temporary_beside,
)

HEADER = b"SQLite format 3\x00"
LOCK_TIMEOUT_S = 30.0
"""How long a backup or restore waits for the server's write lock before giving up."""


def database_path(url: URL) -> Path:
    """The file of the SQLite database at ``url``."""
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory database has nothing to back up.")
    return Path(url.database)


def backup(source: Path, target: Path, *, force: bool) -> BackupReport:
    """Copy the live database ``source`` to ``target`` and verify the copy."""
    refuse_to_overwrite(target, force)
    if target.resolve() == source.resolve():
        raise BackupError("The backup cannot replace the database it copies.")
    with temporary_beside(target) as written:
        with closing(_open(source)) as live, closing(sqlite3.connect(written)) as copy:
            live.backup(copy)
            # One self-contained file: no -wal beside it to lose on the way to storage.
            copy.execute("PRAGMA journal_mode = DELETE")
        revision = recorded_revision(_verify(written, str(target)), str(target))
        publish(written, target, force=force)
    return BackupReport(path=target, revision=revision, size=target.stat().st_size)


def restore(source: Path, live_path: Path) -> RestoreReport:
    """Replace the database at ``live_path`` with the backup ``source``.

    Nothing changes until the backup has been checked and, when older, upgraded in a
    scratch copy; the replaced database is kept beside the live one.
    """
    if not live_path.parent.is_dir():
        raise BackupError(f"{live_path.parent}: no such folder for the database.")
    with temporary_beside(live_path) as scratch:
        shutil.copyfile(source, scratch)  # the operator's file is never opened for writing
        revision = restorable_revision(_verify(scratch, str(source)), str(source))
        head = head_revision()
        if revision != head:
            migrate.upgrade_url(f"sqlite:///{scratch}")
        kept = _keep(live_path) if live_path.is_file() else _create(live_path)
        with closing(sqlite3.connect(scratch)) as restored, closing(_open(live_path)) as live:
            restored.backup(live)
    return RestoreReport(revision=revision, upgraded_to=head, before_restore=kept)


def _keep(live_path: Path) -> Path | None:
    """Copy the live database beside it before it is replaced; None when it has no
    coursekit tables (a new server's empty database), so there is nothing to keep."""
    with closing(_open(live_path)) as live:
        if not _has_table(live, migrate.VERSION_TABLE):
            return None
        kept = before_restore_name(live_path.parent, live_path.name)
        with temporary_beside(kept) as previous:
            with closing(sqlite3.connect(previous)) as copy:
                live.backup(copy)
                copy.execute("PRAGMA journal_mode = DELETE")
            publish(previous, kept, force=False)
    return kept


def _create(live_path: Path) -> None:
    """Make the database file a restore onto a new server fills: owner-only, like the
    database coursekit creates itself (``db.default_sqlite_url``)."""
    os.close(os.open(live_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    with closing(_open(live_path)) as live:
        live.execute("PRAGMA journal_mode = WAL")


def _has_table(connection: sqlite3.Connection, name: str) -> bool:
    query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
    return connection.execute(query, (name,)).fetchone() is not None


def _open(path: Path) -> sqlite3.Connection:
    """A connection to an existing database file (``mode=rw`` never creates one)."""
    if not path.is_file():
        raise BackupError(f"{path}: no such database file.")
    return sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=LOCK_TIMEOUT_S)


def _verify(path: Path, name: str) -> str | None:
    """The revision the coursekit database in ``path`` records; refuses a file that is
    not an undamaged SQLite database with coursekit's version table."""
    with open(path, "rb") as handle:
        if handle.read(len(HEADER)) != HEADER:
            raise BackupError(f"{name} is not a SQLite database, so not a CourseKit backup.")
    try:
        with closing(sqlite3.connect(path)) as connection:
            problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise BackupError(f"{name} is damaged: {'; '.join(problems[:5])}")
            if not _has_table(connection, migrate.VERSION_TABLE):
                raise BackupError(f"{name} is not a CourseKit backup: it has no coursekit tables.")
            revisions = [
                row[0]
                for row in connection.execute(
                    f"SELECT version_num FROM {migrate.VERSION_TABLE}"  # noqa: S608 a constant  # nosec B608
                )
            ]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{name} cannot be read as a SQLite database: {error}") from error
    return revisions[0] if len(revisions) == 1 else None
