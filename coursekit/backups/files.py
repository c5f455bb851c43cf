"""What SQLite and PostgreSQL backups share: reports, errors, and writing files so that a
half-written backup never carries the name of a finished one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from coursekit import migrate


class BackupError(Exception):
    """A backup or restore refused or failed; nothing was changed. The message says why."""


@dataclass(frozen=True)
class BackupReport:
    """A verified backup: where it is, the schema revision it holds, its size in bytes."""

    path: Path
    revision: str
    size: int


@dataclass(frozen=True)
class RestoreReport:
    """A finished restore: the backup's revision, the revision the database is at now,
    and where the replaced database was kept (None: it had no coursekit tables)."""

    revision: str
    upgraded_to: str
    before_restore: Path | None


def recorded_revision(revision: str | None, what: str) -> str:
    """The schema revision a backup records; without one it is not a coursekit backup."""
    if revision is None:
        raise BackupError(f"{what} is not a CourseKit backup: it records no schema revision.")
    return revision


def restorable_revision(revision: str | None, what: str) -> str:
    """``revision`` if this version of coursekit can migrate from it; otherwise refuse
    (a backup is taken whatever the revision, a restore needs code that knows it)."""
    revision = recorded_revision(revision, what)
    if revision not in migrate.known_revisions():
        raise BackupError(
            f"{what} is at schema revision {revision}, which this CourseKit version does not "
            f"know (its newest is {head_revision()}): it was taken by a newer CourseKit. "
            "Install that version to restore it."
        )
    return revision


def head_revision() -> str:
    """The newest revision of this version's migrations."""
    return migrate.script_directory().get_current_head()


def refuse_to_overwrite(target: Path, force: bool) -> None:
    """Stop before any work if ``target`` exists (and may be the only good backup)."""
    if target.exists() and not force:
        raise BackupError(f"{target} exists; choose another name or pass --force to replace it.")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent}: no such folder.")


@contextlib.contextmanager
def temporary_beside(target: Path) -> Iterator[Path]:
    """A new, empty, owner-only file in ``target``'s folder (so the final rename stays on
    one file system), removed afterwards unless it was published."""
    try:
        handle, name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".partial", dir=target.parent
        )
    except OSError as error:
        raise BackupError(f"Cannot write in {target.parent}: {error.strerror}.") from error
    os.close(handle)
    path = Path(name)
    try:
        yield path
    finally:
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
            leftover.unlink(missing_ok=True)


def publish(written: Path, target: Path, *, force: bool) -> None:
    """Give the finished file ``written`` the name ``target``, atomically.

    Its contents reach the disk first, then the rename; without ``force`` the link fails
    if ``target`` appeared meanwhile instead of replacing it.
    """
    with open(written, "rb") as handle:
        os.fsync(handle.fileno())
    if force:
        os.replace(written, target)
    else:
        try:
            os.link(written, target)
        except FileExistsError:
            raise BackupError(f"{target} exists; pass --force to replace it.") from None
        written.unlink()
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def before_restore_name(folder: Path, stem: str) -> Path:
    """Where a restore keeps what it replaces: a new name each time, so a second restore
    never overwrites the copy the first one kept."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return folder / f"{stem}.before-restore-{stamp}"
