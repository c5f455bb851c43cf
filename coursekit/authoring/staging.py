"""The staging area: everything an uploaded zip must pass before a byte of it is kept.

An upload is checked in memory, the way ``coursekit validate`` checks a zip (the same
limits, the same loader, the same report), and then against what is published: a version
number that exists with other content is refused, as ``coursekit modules reload`` refuses
it. Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

from coursekit import db
from coursekit.packages.archive import load_zip
from coursekit.packages.discovery import LoadReport
from coursekit.packages.loader import LoadedPackage
from coursekit.packages.models import ModuleVersion
from coursekit.packages.operations import changed_without_bump
from coursekit.packages.problems import PackageInvalid
from coursekit.packages.queries import library
from coursekit.packages.reporting import ValidationReport, validation_report


@dataclass(frozen=True)
class Staged:
    """The outcome of checking one upload: the report, and the package when it is valid
    and its version may be published; ``published`` is the version already holding
    exactly this content, if one does (the report then says the package is valid)."""

    report: ValidationReport
    loaded: LoadedPackage | None
    published: ModuleVersion | None = None
    version_taken: bool = False
    """The version number is published with other content."""


def check_upload(data: bytes, filename: str) -> Staged:
    """Check an uploaded zip whole: its entries and limits, the kinds of its files, the
    package in it, and its version against the published ones (one query)."""
    report = LoadReport()
    try:
        loaded = load_zip(data, filename, library().limits)
    except PackageInvalid as exc:
        report.add_problems(filename, exc.problems)
        return Staged(validation_report(report), None)
    package = loaded.package
    same = db.session.scalars(
        select(ModuleVersion).where(
            or_(
                ModuleVersion.content_hash == package.content_hash,
                (ModuleVersion.module_id == package.id)
                & (ModuleVersion.version == package.version),
            )
        )
    ).all()
    for row in same:
        if row.content_hash == package.content_hash:
            report.loaded.append(loaded)
            return Staged(validation_report(report), None, published=row)
        report.add_problems(filename, [changed_without_bump(loaded, row)])
        return Staged(validation_report(report), None, version_taken=True)
    report.loaded.append(loaded)
    return Staged(validation_report(report), loaded)
