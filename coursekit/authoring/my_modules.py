"""Reading "My modules": the modules an instructor teaches, with their versions and figures.

An instructor sees the modules assigned to them; an administrator sees every module. The
figures come from a fixed number of queries, whatever the number of modules or learners.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute

from coursekit import db
from coursekit.accounts.models import User
from coursekit.assessment.worksheets.queries import (
    QUEUE_LIMIT,
    instructor_module_ids,
    may_review,
    review_queue,
)
from coursekit.catalog.models import Enrolment
from coursekit.packages.models import ModuleVersion
from coursekit.packages.operations import VersionError
from coursekit.packages.queries import all_versions, current_versions
from coursekit.packages.values import version_key
from coursekit.progress.models import Completion


@dataclass(frozen=True)
class VersionFigures:
    """One version of a module, with how many learners enrolled in it and completed it."""

    version: ModuleVersion
    enrolled: int
    completed: int


@dataclass(frozen=True)
class TaughtModule:
    """A module as its instructor's overview shows it: newest version first."""

    module_id: str
    title: str
    versions: list[VersionFigures]
    waiting_worksheets: int


def taught_modules(account: User) -> tuple[list[TaughtModule], bool]:
    """The modules ``account`` teaches, by title, and whether the worksheet count reached
    the review queue's limit (so "50" means "50 or more")."""
    scope = instructor_module_ids(account)
    versions = [v for v in all_versions() if scope is None or v.module_id in scope]
    ids = [version.id for version in versions]
    enrolled = _counts(Enrolment.module_version_id, ids)
    completed = _counts(Completion.module_version_id, ids)
    queue = review_queue(account)
    waiting = Counter(item.module_id for item in queue)
    current = current_versions(versions)
    by_module: dict[str, list[ModuleVersion]] = {}
    for version in versions:
        by_module.setdefault(version.module_id, []).append(version)
    modules = [
        TaughtModule(
            module_id,
            (current.get(module_id) or own[0]).title,
            [
                VersionFigures(v, enrolled[v.id], completed[v.id])
                for v in sorted(own, key=lambda v: version_key(v.version), reverse=True)
            ],
            waiting[module_id],
        )
        for module_id, own in by_module.items()
    ]
    modules.sort(key=lambda module: module.title.casefold())
    return modules, len(queue) >= QUEUE_LIMIT


def assigned_but_unpublished(account: User, taught: list[TaughtModule]) -> list[str]:
    """Module ids assigned to ``account`` that have no published version yet."""
    scope = instructor_module_ids(account) or set()
    return sorted(scope - {module.module_id for module in taught})


def _counts(column: InstrumentedAttribute[int], version_ids: list[int]) -> Counter[int]:
    """Rows per module version in the table of ``column`` (one query)."""
    if not version_ids:
        return Counter()
    rows = db.session.execute(
        select(column, func.count()).where(column.in_(version_ids)).group_by(column)
    )
    return Counter({version_id: count for version_id, count in rows})


def require_taught_version(account: User, module_id: str, version: str) -> None:
    """Refuse (``VersionError``) unless ``account`` teaches ``module_id`` (or is an
    administrator) and ``version`` of it was discovered: an unknown version is 404
    before the 403, as on the other instructor pages."""
    if version not in {v.version for v in all_versions() if v.module_id == module_id}:
        raise VersionError(f"Version {version} of {module_id!r} was never published.", 404)
    if not may_review(account, module_id):
        raise VersionError(f"You are not assigned to module {module_id!r}.", 403)
