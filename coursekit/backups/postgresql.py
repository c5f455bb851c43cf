"""PostgreSQL backups with ``pg_dump --format=custom`` and restores with ``pg_restore``.

Only coursekit's tables are dumped (``coursekit_*``), so a database shared with a host app
keeps the host's tables out of coursekit's backups and restores. The password travels in
``PGPASSWORD``, not on the command line where ``ps`` would show it. A restore drops
coursekit's tables and loads the backup's in one transaction (``psql --single-transaction``):
if any statement fails, the database is as it was.
"""

from __future__ import annotations

import os
import shutil
import subprocess  # pg_dump, pg_restore and psql: argument lists, no shell  # nosec B404
from pathlib import Path

from sqlalchemy import Engine, inspect
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
from coursekit.db import TABLE_PREFIX

TABLES = f"{TABLE_PREFIX}*"


def backup(url: URL, target: Path, *, force: bool) -> BackupReport:
    """Dump coursekit's tables to ``target`` and verify the archive."""
    refuse_to_overwrite(target, force)
    with temporary_beside(target) as written:
        _dump(url, written)
        revision = recorded_revision(_archive_revision(written, str(target)), str(target))
        publish(written, target, force=force)
    return BackupReport(path=target, revision=revision, size=target.stat().st_size)


def restore(engine: Engine, source: Path, instance: Path) -> RestoreReport:
    """Replace coursekit's tables in ``engine``'s database with those in ``source``.

    The caller upgrades the database afterwards when the backup is older than the code.
    """
    revision = restorable_revision(_archive_revision(source, str(source)), str(source))
    instance.mkdir(parents=True, exist_ok=True)
    with engine.connect() as connection:
        current = [
            name for name in inspect(connection).get_table_names() if name.startswith(TABLE_PREFIX)
        ]
    kept = None
    if current:
        kept = before_restore_name(instance, "coursekit.dump")
        with temporary_beside(kept) as previous:
            _dump(engine.url, previous)
            publish(previous, kept, force=False)
    drop = f"DROP TABLE IF EXISTS {', '.join(current)}" if current else "SELECT 1"
    conninfo, environment = _libpq(engine.url)
    # The whole script is written before psql starts: streamed, a pg_restore that died
    # half-way would end psql's input early, and psql would commit half a database.
    with temporary_beside(instance / "coursekit-restore.sql") as script:
        _run("pg_restore", "--no-owner", f"--file={script}", str(source))
        _run(
            "psql",
            "--no-psqlrc",
            "--quiet",
            "--single-transaction",
            "--set=ON_ERROR_STOP=1",
            f"--command={drop}",
            f"--file={script}",
            f"--dbname={conninfo}",
            environment=environment,
        )
    return RestoreReport(revision=revision, upgraded_to=head_revision(), before_restore=kept)


def _run(tool: str, *arguments: str, environment: dict[str, str] | None = None) -> None:
    result = subprocess.run(  # noqa: S603 - tool from PATH, arguments as a list, no shell
        [_tool(tool), *arguments],  # a tool from PATH, an argument list, no shell  # nosec B603
        capture_output=True,
        env=environment,
        check=False,
    )
    if result.returncode:
        details = result.stderr.decode(errors="replace").strip()
        raise BackupError(f"{tool} failed; nothing was changed.\n{details}")


def _dump(url: URL, path: Path) -> None:
    conninfo, environment = _libpq(url)
    _run(
        "pg_dump",
        "--format=custom",
        f"--file={path}",
        f"--table={TABLES}",
        f"--dbname={conninfo}",
        environment=environment,
    )


def _archive_revision(path: Path, name: str) -> str | None:
    """The revision in the archive's version table."""
    rows = table_rows(path, migrate.VERSION_TABLE, name)
    return rows[0]["version_num"] if len(rows) == 1 else None


def table_rows(path: Path, table: str, name: str | None = None) -> list[dict[str, str]]:
    """The rows of ``table`` in the archive at ``path``, each value as COPY's text (also
    how a test reads a backup without restoring it). Refuses a file that is not a
    pg_dump archive."""
    result = subprocess.run(  # noqa: S603 - tool from PATH, arguments as a list, no shell
        # a tool from PATH, an argument list, no shell  # nosec B603
        [_tool("pg_restore"), "--data-only", f"--table={table}", "--file=-", str(path)],
        capture_output=True,
        check=False,
    )
    if result.returncode:
        raise BackupError(
            f"{name or path} is not a pg_dump archive (custom format), so not a CourseKit "
            "backup:\n" + result.stderr.decode(errors="replace").strip()
        )
    lines = result.stdout.decode().splitlines()
    starts = [n for n, line in enumerate(lines) if line.startswith("COPY ")]
    if not starts:
        return []
    # COPY public.coursekit_x (id, name, …) FROM stdin;  then one line per row, then \.
    header = lines[starts[0]]
    columns = header[header.index("(") + 1 : header.index(")")].split(", ")
    data = lines[starts[0] + 1 :]
    data = data[: data.index("\\.")]
    return [dict(zip(columns, line.split("\t"), strict=True)) for line in data]


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection URL without the password, and an environment that carries it."""
    environment = dict(os.environ)
    if url.password is not None:
        environment["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), environment


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} is not installed. Install the PostgreSQL client tools of your server's "
            "major version (Debian: postgresql-client), or back up by hand as "
            "docs/backups.md describes."
        )
    return found
