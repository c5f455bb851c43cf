"""Backups and restores of coursekit's tables: ``coursekit db backup`` / ``restore``.

SQLite is copied with its online backup API, so a running server keeps serving; PostgreSQL
with ``pg_dump``/``pg_restore``. Either way the backup is verified before it is kept (an
unreadable backup is worse than none, because nobody notices until the day it is needed),
written atomically, and a restore puts back every ``coursekit_*`` table in one step, keeps
what it replaced, and upgrades an older backup to this version's schema. docs/backups.md
is the operator's side of this.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from coursekit import migrate
from coursekit.backups import postgresql, sqlite
from coursekit.backups.files import BackupError, BackupReport, RestoreReport

__all__ = ["BackupError", "BackupReport", "RestoreReport", "backup", "restore"]


def backup(app: Flask, target: Path, *, force: bool = False) -> BackupReport:
    """Back up ``app``'s database to ``target``; refuses to overwrite it unless ``force``."""
    engine = app.extensions["coursekit"].db.engine
    if engine.dialect.name == "sqlite":
        return sqlite.backup(sqlite.database_path(engine.url), target, force=force)
    if engine.dialect.name == "postgresql":
        return postgresql.backup(engine.url, target, force=force)
    raise BackupError(f"Backups of {engine.dialect.name} databases are not supported.")


def restore(app: Flask, source: Path) -> RestoreReport:
    """Replace ``app``'s coursekit tables with the backup at ``source``, then upgrade them
    to this version's newest revision."""
    engine = app.extensions["coursekit"].db.engine
    if not source.is_file():
        raise BackupError(f"{source}: no such file.")
    if engine.dialect.name == "sqlite":
        return sqlite.restore(source, sqlite.database_path(engine.url))
    if engine.dialect.name == "postgresql":
        report = postgresql.restore(engine, source, Path(app.instance_path))
        if report.revision != report.upgraded_to:
            migrate.upgrade(app)
        return report
    raise BackupError(f"Restores into {engine.dialect.name} databases are not supported.")
