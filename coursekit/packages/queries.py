"""Reading published module versions, and the package content behind them."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from coursekit import db
from coursekit.packages.archive import load_zip
from coursekit.packages.library import Library
from coursekit.packages.models import ModuleVersion, VersionStatus
from coursekit.packages.values import ModulePackage, version_key


def library() -> Library:
    """The current app's package cache."""
    return current_app.extensions["coursekit"].library


def all_versions() -> list[ModuleVersion]:
    """Every published or retired version (without archives), in one query."""
    return list(db.session.scalars(select(ModuleVersion).order_by(ModuleVersion.id)))


def current_versions(versions: list[ModuleVersion] | None = None) -> dict[str, ModuleVersion]:
    """The newest published (not retired) version of each module, by module id."""
    newest: dict[str, ModuleVersion] = {}
    for version in all_versions() if versions is None else versions:
        if version.status != VersionStatus.PUBLISHED:
            continue
        best = newest.get(version.module_id)
        if best is None or version_key(version.version) > version_key(best.version):
            newest[version.module_id] = version
    return newest


def package_for(version: ModuleVersion) -> ModulePackage:
    """The parsed content of a published version: from this process's cache, or loaded
    once from the version's stored archive."""
    cache = library()
    package = cache.get(version.content_hash)
    if package is None:
        archive = db.session.scalar(
            select(ModuleVersion.archive).where(ModuleVersion.id == version.id)
        )
        loaded = load_zip(archive, f"{version.module_id} {version.version}", cache.limits)
        package = cache.remember(loaded.package)
    return package


@dataclass(frozen=True)
class FoundPackage:
    """A valid package found on disk (or from an entry point), and how it stands against
    the published versions: ``new`` (not published yet), ``changed`` (that version number
    is published with other content), or the status of the version it is."""

    module_id: str
    version: str
    title: str
    content_hash: str
    status: str
    label: str
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class InvalidPackage:
    """A package that does not load, with every problem as ``path:line:column: message``."""

    label: str
    problems: tuple[str, ...]


@dataclass(frozen=True)
class Discovery:
    """Every published or retired version, and what a fresh scan of the disk found."""

    versions: list[ModuleVersion]
    found: list[FoundPackage]
    invalid: list[InvalidPackage]


def discover() -> Discovery:
    """Compare each package on disk (and from entry points) with the published versions;
    publishes nothing. The library parses again only when files changed since its last
    scan (``Library.current``): a visit to the module page does not parse every package."""
    versions = all_versions()
    report = library().current({version.module_id for version in versions})
    published = {(version.module_id, version.version): version for version in versions}
    found = []
    for loaded in report.loaded:
        package = loaded.package
        row = published.get((package.id, package.version))
        if row is None:
            status = "new"
        elif row.content_hash != package.content_hash:
            status = "changed"
        else:
            status = row.status
        warnings = tuple(str(warning) for warning in sorted(loaded.warnings))
        found.append(
            FoundPackage(
                package.id,
                package.version,
                package.title,
                package.content_hash,
                status,
                loaded.label,
                warnings,
            )
        )
    invalid = [
        InvalidPackage(label, tuple(str(problem) for problem in sorted(problems)))
        for label, problems in sorted(report.problems.items())
    ]
    return Discovery(versions, found, invalid)
