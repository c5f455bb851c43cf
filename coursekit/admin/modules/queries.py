"""Reading what the module page shows: every discovered package and published version,
grouped by module id, with enrolment counts and assigned instructors.

The page shows what is on disk now: the library's last scan, parsed again only when a
file under the modules path changed since (DESIGN §4: packages are parsed once per
process, never per request). The database work is a fixed number of queries whatever the
number of modules or learners.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import lazyload

from coursekit import db
from coursekit.accounts.models import AccountStatus, ModuleAssignment, Role, User, UserRole
from coursekit.catalog.models import Enrolment
from coursekit.packages.queries import Discovery, FoundPackage, InvalidPackage, discover
from coursekit.packages.values import version_key


@dataclass
class VersionLine:
    """One version of a module: published or retired (a database row, ``version_id``,
    with its enrolment count), or only on disk (``new``, or ``changed`` against the
    published one)."""

    version: str
    title: str
    status: str
    content_hash: str
    version_id: int | None = None
    published_at: datetime | None = None
    retired_at: datetime | None = None
    enrolments: int = 0
    label: str = ""
    warnings: tuple[str, ...] = ()


@dataclass
class ModuleLine:
    """A module id, its versions newest first, and the instructors assigned to it."""

    module_id: str
    versions: list[VersionLine] = field(default_factory=list)
    instructors: list[User] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.versions[0].title if self.versions else self.module_id

    @property
    def published(self) -> bool:
        """Whether any version is in the database (instructors can be assigned)."""
        return any(line.version_id is not None for line in self.versions)


@dataclass(frozen=True)
class ModulesPage:
    """One page of modules, how many match, and every package that does not load."""

    modules: list[ModuleLine]
    total: int
    invalid: list[InvalidPackage]


def modules_page(text: str = "", *, limit: int = 25, offset: int = 0) -> ModulesPage:
    """The modules whose id or a version's title contains ``text``, by id."""
    discovery = discover()
    lines = _lines(discovery)
    needle = text.strip().lower()
    if needle:
        lines = [
            line
            for line in lines
            if needle in line.module_id.lower()
            or any(needle in version.title.lower() for version in line.versions)
        ]
    shown = lines[offset : offset + limit]
    _add_enrolments(shown)
    _add_instructors(shown)
    return ModulesPage(shown, len(lines), discovery.invalid)


def _lines(discovery: Discovery) -> list[ModuleLine]:
    on_disk: dict[tuple[str, str, str], FoundPackage] = {
        (found.module_id, found.version, found.content_hash): found for found in discovery.found
    }
    modules: dict[str, ModuleLine] = {}
    for row in discovery.versions:
        found = on_disk.get((row.module_id, row.version, row.content_hash))
        modules.setdefault(row.module_id, ModuleLine(row.module_id)).versions.append(
            VersionLine(
                row.version,
                row.title,
                row.status,
                row.content_hash,
                version_id=row.id,
                published_at=row.published_at,
                retired_at=row.retired_at,
                label=found.label if found else "",
                warnings=found.warnings if found else (),
            )
        )
    for found in discovery.found:
        if found.status in ("new", "changed"):
            modules.setdefault(found.module_id, ModuleLine(found.module_id)).versions.append(
                VersionLine(
                    found.version,
                    found.title,
                    found.status,
                    found.content_hash,
                    label=found.label,
                    warnings=found.warnings,
                )
            )
    for line in modules.values():
        # Newest first; a changed copy sits just above the version it differs from.
        line.versions.sort(
            key=lambda item: (version_key(item.version), item.status == "changed"), reverse=True
        )
    return [modules[module_id] for module_id in sorted(modules)]


def _add_enrolments(lines: list[ModuleLine]) -> None:
    published = {
        version.version_id: version
        for line in lines
        for version in line.versions
        if version.version_id is not None
    }
    if not published:
        return
    counts = db.session.execute(
        select(Enrolment.module_version_id, func.count(Enrolment.id))
        .where(Enrolment.module_version_id.in_(published))
        .group_by(Enrolment.module_version_id)
    )
    for version_id, count in counts:
        published[version_id].enrolments = count


def _add_instructors(lines: list[ModuleLine]) -> None:
    # The page never reads these accounts' roles: lazyload keeps the query count fixed.
    if not lines:
        return
    by_id = {line.module_id: line for line in lines}
    rows = db.session.execute(
        select(ModuleAssignment.module_id, User)
        .join(User, User.id == ModuleAssignment.user_id)
        .where(ModuleAssignment.module_id.in_(by_id))
        .options(lazyload(User.roles))
        .order_by(User.last_name, User.first_name, User.id)
    )
    for module_id, user in rows:
        by_id[module_id].instructors.append(user)


def active_instructors() -> list[User]:
    """Every active account holding the instructor role, by name (for the assign form)."""
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.INSTRUCTOR, User.status == AccountStatus.ACTIVE)
            .options(lazyload(User.roles))
            .order_by(User.last_name, User.first_name, User.id)
        )
    )
