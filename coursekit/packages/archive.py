"""Packing a module into a self-contained zip, and unpacking one safely."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from coursekit.packages.loader import LoadedPackage, load_package
from coursekit.packages.problems import PackageInvalid, Problem
from coursekit.packages.sources import DEFAULT_LIMITS, Limits, ZipFiles
from coursekit.packages.values import ModulePackage

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
    """Check a zip whole and load the package in it; ``PackageInvalid`` if either fails."""
    return load_package(ZipFiles(data, label, limits))


def unpack(data: bytes, label: str, destination: Path, limits: Limits = DEFAULT_LIMITS) -> Path:
    """Validate the zip's package, then write its files to ``destination/<module id>``.

    Nothing is written unless the package is valid and the target folder does not exist.
    """
    loaded = load_zip(data, label, limits)
    target = destination / loaded.package.id
    if target.exists():
        raise PackageInvalid([Problem(str(target), 0, 0, "already exists; not overwritten")])
    for name, content in sorted(loaded.package.files.items()):
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return target
