"""Writing files so that a crash or a full disk never leaves half of one behind.

A file appears under its name only once its whole content is on disk: it is written to
a private temporary name first, synced, and then hard-linked (a file made once, such as a
generated key) or renamed (a folder replaced whole) into place. A write that fails part
way (``ENOSPC``) removes the temporary and raises, so a retry starts clean.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path


def create_once(path: Path, content: bytes) -> bool:
    """Create ``path`` (mode 600) holding ``content`` unless it exists; True if this
    call created it.

    Several processes may start at once: each writes its candidate to a private
    temporary file and hard-links it into place, which succeeds for exactly one of them.
    The others discard theirs and read the winner's file, which is complete the moment
    it appears under its name.
    """
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = _temporary(path)
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(temporary, path)
    except FileExistsError:
        return False  # another process stored its file first: everyone uses that one
    finally:
        temporary.unlink(missing_ok=True)
    return True


def create_folder(target: Path, fill: Callable[[Path], None]) -> None:
    """Create the folder ``target`` filled by ``fill(folder)``, whole or not at all:
    ``fill`` writes into a temporary sibling, renamed to ``target`` when it is done.
    ``FileExistsError`` (or ``OSError`` with ``ENOTEMPTY``) if ``target`` appeared
    meanwhile; nothing is left behind either way."""
    temporary = _temporary(target)
    temporary.mkdir(parents=True)
    try:
        fill(temporary)
        os.rename(temporary, target)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
