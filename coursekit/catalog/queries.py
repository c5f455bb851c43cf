"""Reading the catalogue: current versions, a learner's enrolments and prerequisites.

Every function here costs a fixed number of queries, whatever the number of modules or
learners; package content comes from the per-process cache.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import User
from coursekit.catalog.models import Enrolment
from coursekit.packages.models import ModuleVersion
from coursekit.packages.queries import current_versions, package_for
from coursekit.packages.values import ModulePackage
from coursekit.progress.models import Completion


@dataclass(frozen=True)
class CatalogueEntry:
    """A module as the catalogue shows it: its current version, and the learner's
    enrolment in any version of it."""

    version: ModuleVersion
    package: ModulePackage
    enrolment: Enrolment | None = None
    requires: tuple[str, ...] = ()
    """Titles of the modules to complete first (catalogue cards only)."""


@dataclass(frozen=True)
class Filters:
    """What the learner asked the catalogue for; empty values mean "any"."""

    text: str = ""
    region: str = ""
    muscle: str = ""
    pain_pattern: str = ""
    board: str = ""
    """``NCCAOM``, a state code, or ``NCCAOM:AOM-AC`` for one NCCAOM category."""

    def matches(self, package: ModulePackage) -> bool:
        covers = package.covers
        text = self.text.casefold()
        return (
            (not text or text in f"{package.title} {package.summary}".casefold())
            and (not self.region or self.region in covers.regions)
            and (not self.muscle or self.muscle in covers.muscles)
            and (not self.pain_pattern or self.pain_pattern in covers.pain_patterns)
            and (not self.board or self.board in board_keys(package))
        )


@dataclass
class Facets:
    """The values the catalogue can be filtered by, from the modules on offer."""

    regions: set[str] = field(default_factory=set)
    muscles: set[str] = field(default_factory=set)
    pain_patterns: set[str] = field(default_factory=set)
    boards: set[str] = field(default_factory=set)


def board_keys(package: ModulePackage) -> set[str]:
    """The boards (and NCCAOM categories) a module gives credit for."""
    keys: set[str] = set()
    for credit in package.credits:
        keys.add(credit.board)
        keys.update(f"{credit.board}:{category}" for category, _points in credit.points)
    return keys


def enrolments_by_module(account: User | None) -> dict[str, Enrolment]:
    """The learner's newest enrolment per module id (one query)."""
    if account is None:
        return {}
    rows = db.session.scalars(
        select(Enrolment).where(Enrolment.user_id == account.id).order_by(Enrolment.id)
    )
    return {row.module_version.module_id: row for row in rows}


def catalogue(account: User | None, filters: Filters) -> tuple[list[CatalogueEntry], Facets]:
    """Modules on offer that match ``filters``, and the facets of all of them.

    A module is listed after the modules it requires (a learner reads the catalogue as a
    course of study: the foundations first), and by title among modules at the same step.
    """
    enrolments = enrolments_by_module(account)
    current = current_versions()
    packages = {module_id: package_for(version) for module_id, version in current.items()}
    facets = Facets()
    for package in packages.values():
        facets.regions.update(package.covers.regions)
        facets.muscles.update(package.covers.muscles)
        facets.pain_patterns.update(package.covers.pain_patterns)
        facets.boards.update(board_keys(package))
    steps = prerequisite_steps(packages)
    entries = [
        CatalogueEntry(
            current[module_id],
            package,
            enrolments.get(module_id),
            tuple(packages[p].title for p in package.prerequisites if p in packages),
        )
        for module_id, package in packages.items()
        if filters.matches(package)
    ]
    entries.sort(key=lambda entry: (steps[entry.package.id], entry.package.title.casefold()))
    return entries, facets


def prerequisite_steps(packages: dict[str, ModulePackage]) -> dict[str, int]:
    """For each module, the longest chain of prerequisites before it (0 for none), counting
    only modules in ``packages``. Prerequisite cycles are refused when packages load; one
    met here anyway (a stale published version) is cut, never followed round."""
    steps: dict[str, int] = {}

    def visit(module_id: str, path: tuple[str, ...]) -> int:
        if module_id not in steps:
            before = [
                visit(required, (*path, module_id))
                for required in packages[module_id].prerequisites
                if required in packages and required not in path and required != module_id
            ]
            steps[module_id] = 1 + max(before, default=-1)
        return steps[module_id]

    for module_id in packages:
        visit(module_id, ())
    return steps


def module_entry(
    account: User | None, module_id: str, current: dict[str, ModuleVersion] | None = None
) -> CatalogueEntry | None:
    """The module as this learner sees it: the version they enrolled in, or else the
    current one (``current`` if the caller has it, see ``current_versions``). None when
    there is none."""
    enrolment = enrolments_by_module(account).get(module_id)
    if enrolment is not None:
        version = enrolment.module_version
    else:
        version = (current_versions() if current is None else current).get(module_id)
        if version is None:
            return None
    return CatalogueEntry(version, package_for(version), enrolment)


def completed_modules(account: User | None, module_ids: Iterable[str]) -> set[str]:
    """Which of ``module_ids`` the learner has completed, in any version (one query)."""
    wanted = list(module_ids)
    if account is None or not wanted:
        return set()
    return set(
        db.session.scalars(
            select(ModuleVersion.module_id)
            .join(Completion, Completion.module_version_id == ModuleVersion.id)
            .where(Completion.user_id == account.id, ModuleVersion.module_id.in_(wanted))
        )
    )


def titles(module_ids: Iterable[str], current: dict[str, ModuleVersion]) -> dict[str, str]:
    """Titles of modules by id, from their current versions (for prerequisites)."""
    return {module_id: current[module_id].title for module_id in module_ids if module_id in current}
