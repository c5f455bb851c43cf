"""Reading published module versions, and the package content behind them."""

from __future__ import annotations

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
