"""Publishing the packages found on disk as module versions."""

from __future__ import annotations

import logging

from sqlalchemy import select

from coursekit import db
from coursekit.packages.archive import pack
from coursekit.packages.discovery import LoadReport
from coursekit.packages.loader import LoadedPackage
from coursekit.packages.models import ModuleVersion
from coursekit.packages.problems import Problem
from coursekit.packages.queries import library

log = logging.getLogger(__name__)


def scan_and_publish() -> LoadReport:
    """Load every package on the modules path and publish the valid new versions."""
    known_ids = set(db.session.scalars(select(ModuleVersion.module_id).distinct()))
    report = library().scan(known_ids)
    publish_new_versions(report)
    return report


def publish_new_versions(report: LoadReport) -> list[ModuleVersion]:
    """Record every valid package whose version is not yet published; flush, not commit.

    A package whose version is already published with other content is refused: its
    problem is added to ``report`` and says to bump the version. Returns the new rows.
    """
    published = {
        (row.module_id, row.version): row for row in db.session.scalars(select(ModuleVersion))
    }
    added: list[ModuleVersion] = []
    for loaded in list(report.loaded):
        package = loaded.package
        row = published.get((package.id, package.version))
        if row is None:
            row = ModuleVersion(
                module_id=package.id,
                version=package.version,
                content_hash=package.content_hash,
                title=package.title,
                archive=pack(package),
            )
            db.session.add(row)
            added.append(row)
            log.info("published %s %s (%s)", package.id, package.version, package.content_hash)
        elif row.content_hash != package.content_hash:
            report.add_problems(loaded.label, [changed_without_bump(loaded, row)])
            report.loaded.remove(loaded)
    db.session.flush()
    return added


def changed_without_bump(loaded: LoadedPackage, row: ModuleVersion) -> Problem:
    """The problem with ``loaded`` when ``row`` published its version with other content."""
    major, minor, patch = row.version.partition("-")[0].split(".")
    return loaded.problem(
        ("version",),
        f"version {row.version} of {row.module_id!r} was published on "
        f"{row.published_at:%Y-%m-%d} with other content (hash {row.content_hash[:12]}); "
        f"published versions never change: bump the version, e.g. to "
        f"{major}.{minor}.{int(patch) + 1}",
    )
