"""Packing a module into a self-contained zip, and unpacking one safely."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path, PurePosixPath

from coursekit.files import create_folder
from coursekit.packages.certificate_template import CERTIFICATE_TEMPLATE
from coursekit.packages.loader import LoadedPackage, load_package
from coursekit.packages.media import CONTENT_TYPES, MediaProblem, check_media
from coursekit.packages.problems import PackageInvalid, Problem
from coursekit.packages.sources import DEFAULT_LIMITS, Limits, ZipFiles, file_path
from coursekit.packages.values import ModulePackage

TEXT_SUFFIXES = (".yaml", ".md", ".gift")
"""The text files a package is written in: manifest, question files, lessons."""

_ZIP_DATE = (2020, 1, 1, 0, 0, 0)
"""Every entry gets the same timestamp, so packing the same content gives the same bytes."""


def pack(package: ModulePackage) -> bytes:
    """The package as a zip: every file it uses, shared banks and media included."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(package.files):
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, package.files[name])
    return buffer.getvalue()


def load_zip(data: bytes, label: str, limits: Limits = DEFAULT_LIMITS) -> LoadedPackage:
    """Check a zip whole (its entries, then that each file is a kind a package may hold)
    and load the package in it; ``PackageInvalid`` if any of it fails."""
    files = ZipFiles(data, label, limits)
    problems = [problem for name in files.names() if (problem := _kind_problem(files, name))]
    if problems:
        raise PackageInvalid(problems)
    return load_package(files)


def _kind_problem(files: ZipFiles, name: str) -> Problem | None:
    """Why ``name`` is not a file a package may carry, judged by its content as well as
    its name: text must be UTF-8 (no NUL bytes), media must be what their suffix says."""
    data = files.read(name)
    path = file_path(files.label, name)
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in TEXT_SUFFIXES or name == CERTIFICATE_TEMPLATE:
        try:
            if "\x00" not in data.decode("utf-8"):
                return None
        except UnicodeDecodeError:
            pass
        return Problem(path, 0, 0, "the file is not UTF-8 text")
    if suffix in CONTENT_TYPES:
        try:
            check_media(name, data)
        except MediaProblem as exc:
            return Problem(path, 0, 0, str(exc))
        return None
    known = ", ".join(sorted({*TEXT_SUFFIXES, *CONTENT_TYPES}))
    return Problem(
        path, 0, 0, f"not a kind of file a package may hold ({known}, {CERTIFICATE_TEMPLATE})"
    )


def unpack(data: bytes, label: str, destination: Path, limits: Limits = DEFAULT_LIMITS) -> Path:
    """Validate the zip's package, then write its files to ``destination/<module id>``.

    Nothing is written unless the package is valid and the target folder does not exist,
    and the folder appears whole or not at all (a full disk part way leaves nothing that
    would then be loaded as a broken package, or refuse the retry as existing).
    """
    loaded = load_zip(data, label, limits)
    target = destination / loaded.package.id
    if target.exists():
        raise PackageInvalid([Problem(str(target), 0, 0, "already exists; not overwritten")])

    def fill(folder: Path) -> None:
        for name, content in sorted(loaded.package.files.items()):
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)

    destination.mkdir(parents=True, exist_ok=True)
    try:
        create_folder(target, fill)
    except OSError as exc:
        message = f"could not be written ({exc.strerror or exc}); nothing was kept"
        raise PackageInvalid([Problem(str(target), 0, 0, message)]) from exc
    return target
