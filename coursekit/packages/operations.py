"""Publishing the packages found on disk as module versions, and retiring versions.

Every version published or retired gets an audit entry (``actor`` None when the platform
did it on its own, e.g. at start-up). Operations only flush: the caller commits.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from coursekit import db
from coursekit.accounts.models import User
from coursekit.audit.operations import record
from coursekit.db import utcnow
from coursekit.packages.archive import pack
from coursekit.packages.discovery import LoadReport
from coursekit.packages.loader import LoadedPackage
from coursekit.packages.models import ModuleVersion, VersionStatus
from coursekit.packages.problems import Problem
from coursekit.packages.queries import library

log = logging.getLogger(__name__)


class VersionError(Exception):
    """A change to a module version that the rules refuse, with the HTTP status that
    says why (404 no such version, 409 already in that state)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass
class Reload:
    """What one reload did: the versions it published, and the scan behind it (whose
    ``problems`` are the packages that failed)."""

    report: LoadReport
    published: list[ModuleVersion] = field(default_factory=list)


def scan_and_publish(
    *, actor: User | None = None, reason: str = "", now: datetime | None = None
) -> Reload:
    """Load every package on the modules path and publish the valid new versions."""
    known_ids = set(db.session.scalars(select(ModuleVersion.module_id).distinct()))
    report = library().scan(known_ids)
    published = publish_new_versions(report, actor=actor, reason=reason, now=now or utcnow())
    return Reload(report, published)


def reload_published(*, actor: User | None, reason: str, now: datetime) -> Reload:
    """``scan_and_publish`` for a person (the module page, the API): refused with 409
    (``VersionError``), nothing published, when another reload published the same
    versions at the same moment.

    A savepoint, not a rollback of the whole session: that would expire every loaded
    object, the signed-in account included."""
    try:
        with db.session.begin_nested():
            return scan_and_publish(actor=actor, reason=reason, now=now)
    except IntegrityError:
        raise VersionError(
            "Another reload was publishing at the same moment: try again.", 409
        ) from None


def publish_new_versions(
    report: LoadReport, *, actor: User | None, reason: str, now: datetime
) -> list[ModuleVersion]:
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
                published_at=now,
                archive=pack(package),
            )
            db.session.add(row)
            added.append(row)
            log.info("published %s %s (%s)", package.id, package.version, package.content_hash)
        elif row.content_hash != package.content_hash:
            report.add_problems(loaded.label, [changed_without_bump(loaded, row)])
            report.loaded.remove(loaded)
    db.session.flush()
    for row in added:
        record(
            "module.published",
            f"module:{row.module_id}",
            actor=actor,
            at=now,
            reason=reason,
            version=row.version,
            content_hash=row.content_hash,
            title=row.title,
        )
    return added


def retire_version(
    module_id: str, version: str, *, actor: User | None, reason: str, now: datetime
) -> ModuleVersion:
    """Close ``version`` of ``module_id`` to new enrolments; learners already enrolled
    finish it. Refused with 404 when it was never published, 409 when already retired."""
    row = db.session.scalar(
        select(ModuleVersion)
        .where(ModuleVersion.module_id == module_id, ModuleVersion.version == version)
        .with_for_update()
    )
    if row is None:
        raise VersionError(f"Version {version} of {module_id!r} was never published.", 404)
    if row.status == VersionStatus.RETIRED:
        when = f" on {row.retired_at:%Y-%m-%d}" if row.retired_at else ""
        raise VersionError(f"Version {version} of {module_id!r} was already retired{when}.", 409)
    row.status, row.retired_at = VersionStatus.RETIRED, now
    db.session.flush()
    record(
        "module.retired",
        f"module:{module_id}",
        actor=actor,
        at=now,
        reason=reason,
        version=version,
        before={"status": VersionStatus.PUBLISHED.value},
        after={"status": VersionStatus.RETIRED.value},
    )
    return row


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
