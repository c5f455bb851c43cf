"""Safe read-only access to a package's files, in a folder or in a zip.

A package names its files with relative POSIX paths (``lessons/01-anatomy.md``). Every
name is checked before it is opened: no absolute paths, no ``..``, no backslashes, no
symbolic links anywhere on the way, and nothing bigger than the configured limits. Zips are
checked whole before anything is read from them.
"""

from __future__ import annotations

import io
import stat
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Protocol

from coursekit.packages.problems import PackageInvalid, Problem


@dataclass(frozen=True)
class Limits:
    """How much one package may hold; from ``COURSEKIT_PACKAGE_MAX_FILES`` and ``_BYTES``."""

    max_files: int = 500
    max_bytes: int = 50 * 1024 * 1024
    max_ratio: int = 100
    """Most a zip entry may expand (unpacked bytes per compressed byte) once it is larger
    than ``RATIO_FLOOR``: text and SVG pack 3 to 20 times; a zip bomb packs 1000 to 1."""


RATIO_FLOOR = 1024 * 1024
"""Entries up to this size unpacked are never refused for their ratio (a blank page of
YAML packs very well, and is harmless)."""


DEFAULT_LIMITS = Limits()

# What reading a damaged, encrypted or exotic zip entry can raise.
_UNREADABLE = (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, EOFError, OSError)


def file_path(label: str, name: str) -> str:
    """How problems name file ``name`` of the source labelled ``label``."""
    return name if label in ("", ".") else f"{label}/{name}"


class UnsafeName(ValueError):
    """A file name that would escape the package or is not a plain relative path."""


MAX_NAME_PART = 255
"""Bytes (UTF-8) in one part of a name: what Linux, macOS and Windows file systems hold."""
MAX_NAME = 1024
"""Characters in a whole name."""
_UNSAFE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}
"""Controls and invisible format characters (a right-to-left override makes
``gpj.svg`` read as ``svg.jpg``)."""


def check_name(name: str) -> str:
    """Return ``name`` if it is a plain relative POSIX path inside the package: no ``..``,
    no backslash, no drive (``:``), no control or invisible characters, each part short
    enough for any file system."""
    path = PurePosixPath(name)
    if (
        not name
        or "\\" in name
        or ":" in name
        or path.is_absolute()
        or ".." in path.parts
        or name != path.as_posix()
    ):
        raise UnsafeName(f"{name!r} is not a plain relative path inside the package")
    if any(unicodedata.category(character) in _UNSAFE_CATEGORIES for character in name):
        raise UnsafeName(f"{name!r} contains control or invisible characters")
    if len(name) > MAX_NAME or any(len(part.encode()) > MAX_NAME_PART for part in path.parts):
        raise UnsafeName(
            f"{name[:60]!r}… is too long (at most {MAX_NAME_PART} bytes a part, "
            f"{MAX_NAME} characters in all)"
        )
    return name


def name_clashes(names: list[str]) -> list[tuple[str, str]]:
    """Pairs of names that are, or would be once written to a disk that ignores case or
    Unicode normalisation (macOS, Windows), one file, or a file and a folder: the same
    entry twice, ``Calf.svg`` and ``calf.svg``, ``café`` composed and decomposed,
    ``a.png`` and ``a.png/b.png``."""
    files: dict[str, str] = {}
    folders: dict[str, str] = {}
    clashes: list[tuple[str, str]] = []
    for name in sorted(names):
        folded = unicodedata.normalize("NFC", name).casefold()
        parts = folded.split("/")
        above = ["/".join(parts[:end]) for end in range(1, len(parts))]
        other = files.get(folded) or folders.get(folded)
        other = other or next((files[folder] for folder in above if folder in files), None)
        if other is not None:
            clashes.append((other, name))
            continue
        files[folded] = name
        for folder in above:
            folders.setdefault(folder, name)
    return clashes


def _clash(first: str, second: str) -> str:
    """Why ``second`` may not sit beside ``first`` (``name_clashes``)."""
    if first == second:
        return "is in the zip twice"
    if (
        unicodedata.normalize("NFC", first).casefold()
        == unicodedata.normalize("NFC", second).casefold()
    ):
        return f"would be one file with {first!r} on a disk that ignores case or accents"
    return f"clashes with {first!r}: a name cannot be both a file and a folder"


class PackageFiles(Protocol):
    """Where a package's files come from."""

    label: str
    """How problems name this source, e.g. ``modules/calf-heel-pain`` or ``calf.zip``."""

    def read(self, name: str) -> bytes:
        """The file's bytes; ``FileNotFoundError`` if absent, ``UnsafeName`` if unsafe."""
        ...

    def names(self) -> list[str]:
        """Every regular file in the source, sorted."""
        ...


class FolderFiles:
    """Files under a folder on disk; symbolic links are refused, not followed."""

    def __init__(self, root: Path, label: str, limits: Limits = DEFAULT_LIMITS) -> None:
        self.root, self.label, self.limits = root, label, limits

    def read(self, name: str) -> bytes:
        path = self.root
        for part in PurePosixPath(check_name(name)).parts:
            path = path / part
            try:
                mode = path.lstat().st_mode
            except (FileNotFoundError, NotADirectoryError):
                raise FileNotFoundError(name) from None
            if stat.S_ISLNK(mode):
                raise UnsafeName(f"{name!r} is (or passes through) a symbolic link")
        if not stat.S_ISREG(mode):
            raise FileNotFoundError(name)
        if path.stat().st_size > self.limits.max_bytes:
            raise UnsafeName(f"{name!r} is larger than {self.limits.max_bytes} bytes")
        return path.read_bytes()

    def names(self) -> list[str]:
        found: list[str] = []
        for path in self.root.rglob("*"):
            if path.is_file() and not path.is_symlink():
                found.append(path.relative_to(self.root).as_posix())
        return sorted(found)


class ZipFiles:
    """Files in a zip archive, checked whole on opening.

    Refused with ``PackageInvalid``: a file that is not a zip, an entry with ``..``, an
    absolute path, an unsafe name (``check_name``) or a symbolic link, names that clash
    (``name_clashes``), more entries than ``limits.max_files``, more
    uncompressed bytes than ``limits.max_bytes``, or an entry that expands more than
    ``limits.max_ratio`` times (both counted while reading, not trusted from the zip's own
    header, and reading stops as soon as a limit is passed).
    """

    def __init__(self, data: bytes, label: str, limits: Limits = DEFAULT_LIMITS) -> None:
        self.label = label
        self._files: dict[str, bytes] = {}
        problems: list[Problem] = []
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, ValueError) as exc:
            raise PackageInvalid([Problem(label, 0, 0, f"not a zip file: {exc}")]) from exc
        with archive:
            entries = [entry for entry in archive.infolist() if not entry.is_dir()]
            if len(entries) > limits.max_files:
                raise PackageInvalid(
                    [Problem(label, 0, 0, f"more than {limits.max_files} files in the zip")]
                )
            budget = limits.max_bytes
            for first, second in name_clashes([entry.filename for entry in entries]):
                problems.append(Problem(file_path(label, second), 0, 0, _clash(first, second)))
            for entry in entries:
                problem = self._entry_problem(entry)
                if problem:
                    problems.append(Problem(file_path(label, entry.filename), 0, 0, problem))
                    continue
                ratio_cap = max(entry.compress_size * limits.max_ratio, RATIO_FLOOR)
                try:
                    with archive.open(entry) as handle:
                        content = handle.read(min(budget, ratio_cap) + 1)
                except _UNREADABLE as exc:
                    message = f"cannot be read from the zip ({exc})"
                    problems.append(Problem(file_path(label, entry.filename), 0, 0, message))
                    continue
                if len(content) > ratio_cap and ratio_cap < budget:
                    message = (
                        f"expands more than {limits.max_ratio} times its packed size; "
                        "refused as a possible zip bomb"
                    )
                    raise PackageInvalid([Problem(file_path(label, entry.filename), 0, 0, message)])
                budget -= len(content)
                if budget < 0:
                    raise PackageInvalid(
                        [Problem(label, 0, 0, f"more than {limits.max_bytes} bytes unpacked")]
                    )
                self._files[entry.filename] = content
        if problems:
            raise PackageInvalid(problems)

    @staticmethod
    def _entry_problem(entry: zipfile.ZipInfo) -> str | None:
        if entry.orig_filename != entry.filename:
            # zipfile cuts a name at a NUL (``x.svg\0.png`` reads as ``x.svg``); other
            # tools may not, so the name means different files to different readers.
            return f"the name {entry.orig_filename!r} holds a NUL or other odd character"
        if stat.S_ISLNK(entry.external_attr >> 16):
            return "symbolic links are not allowed in a package"
        try:
            check_name(entry.filename)
        except UnsafeName as exc:
            return str(exc)
        return None

    def read(self, name: str) -> bytes:
        try:
            return self._files[check_name(name)]
        except KeyError:
            raise FileNotFoundError(name) from None

    def names(self) -> list[str]:
        return sorted(self._files)
