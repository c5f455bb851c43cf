"""``coursekit validate``, ``modules list|reload|retire``, ``pack`` and ``unpack``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup, ScriptInfo, pass_script_info

from coursekit import db
from coursekit.db import utcnow
from coursekit.packages import archive, operations, queries
from coursekit.packages.discovery import (
    Candidate,
    LoadReport,
    display_path,
    folder_candidates,
    load_candidates,
    package_candidate,
)
from coursekit.packages.loader import MANIFEST, check_bank, load_package
from coursekit.packages.problems import PackageInvalid
from coursekit.packages.reporting import validation_report
from coursekit.packages.sources import FolderFiles, Limits

modules_group = AppGroup("modules", help="Module packages: list, reload and retire.")


def _print_report(
    report: LoadReport, bank_problems: dict[str, list], *, strict: bool = False
) -> bool:
    """Print the validation report; True when all is valid (and, with ``strict``,
    nothing was warned about)."""
    result = validation_report(report, bank_problems)
    for line in result.lines():
        click.echo(line)
    return result.ok(strict=strict)


def _bank_problems(content_roots: set[Path], limits: Limits) -> dict[str, list]:
    problems: dict[str, list] = {}
    for root in sorted(content_roots):
        quizzes = root / "quizzes"
        if not quizzes.is_dir():
            continue
        files = FolderFiles(root, display_path(root), limits)
        for path in sorted(quizzes.iterdir()):
            if path.suffix in (".yaml", ".gift") and path.is_file():
                found = check_bank(files, f"quizzes/{path.name}")
                if found:
                    problems[display_path(path)] = found
    return problems


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--strict", is_flag=True, help="Warnings fail the check too.")
@pass_script_info
def validate_command(info: ScriptInfo, paths: tuple[Path, ...], strict: bool) -> None:
    """Check module packages and shared banks; print every problem as path:line:column.

    PATH is a package folder, a folder of packages, a packed .zip or a bank file.
    Without PATH: every package on the modules path and from entry points, and every
    shared bank. Exits 1 if anything is invalid, or, with --strict, warned about.
    """
    if paths:
        limits = Limits()
        candidates, zips = _explicit_candidates(paths, limits)
        report = load_candidates(candidates, _sibling_ids(candidates))
        for path in zips:
            try:
                report.loaded.append(archive.load_zip(path.read_bytes(), display_path(path)))
            except PackageInvalid as exc:
                report.add_problems(display_path(path), exc.problems)
        banks = {
            display_path(path): check_bank(
                FolderFiles(path.parent, display_path(path.parent)), path.name
            )
            for path in paths
            if path.is_file() and path.suffix in (".yaml", ".gift")
        }
        ok = _print_report(
            report, {label: found for label, found in banks.items() if found}, strict=strict
        )
    else:
        with info.load_app().app_context():
            library = queries.library()
            report = library.scan()
            roots = {folder.resolve().parent for folder in library.modules_paths}
            ok = _print_report(report, _bank_problems(roots, library.limits), strict=strict)
    sys.exit(0 if ok else 1)


def _explicit_candidates(
    paths: tuple[Path, ...], limits: Limits
) -> tuple[list[Candidate], list[Path]]:
    candidates: list[Candidate] = []
    zips: list[Path] = []
    for path in paths:
        if path.is_dir() and (path / MANIFEST).exists():
            candidates.append(package_candidate(path, limits))
        elif path.is_dir():
            candidates.extend(folder_candidates(path, limits))
        elif path.suffix == ".zip":
            zips.append(path)
    return candidates, zips


def _sibling_ids(candidates: list[Candidate]) -> set[str]:
    """Ids of the valid packages beside the ones being checked (not being checked
    themselves), so a prerequisite on a module in the same modules folder counts as known.
    Each folder of packages is read once, whatever the number of candidates in it."""
    checked = {
        candidate.files.root.resolve()
        for candidate in candidates
        if isinstance(candidate.files, FolderFiles)
    }
    ids: set[str] = set()
    for parent in {root.parent for root in checked}:
        for sibling in folder_candidates(parent):
            if sibling.files.root.resolve() in checked:  # type: ignore[attr-defined]
                continue
            try:
                ids.add(load_package(sibling.files, sibling.shared).package.id)
            except PackageInvalid:
                continue
    return ids


@modules_group.command("list")
def list_command() -> None:
    """Show every module version: id, version, status and content hash.

    Status is `published` or `retired` for versions in the database, `new` for a valid
    package not yet published, `changed` for a package whose content differs from the
    published version of the same number, and `invalid`.
    """
    discovery = queries.discover()
    rows = [(v.module_id, v.version, v.status, v.content_hash) for v in discovery.versions]
    rows.extend(
        (found.module_id, found.version, found.status, found.content_hash)
        for found in discovery.found
        if found.status in ("new", "changed")
    )
    rows.extend((invalid.label, "", "invalid", "") for invalid in discovery.invalid)
    for module_id, version, status, content_hash in sorted(rows):
        click.echo(f"{module_id:40} {version:12} {status:10} {content_hash[:16]}")


@modules_group.command("reload")
@click.option("--reason", default="", help="Why, for the audit log.")
def reload_command(reason: str) -> None:
    """Load the packages again and publish every valid new version.

    Running servers see new versions at once (they read versions from the database).
    Exits 1 if any package has problems; the valid ones are published anyway.
    """
    reload = operations.scan_and_publish(reason=reason)
    db.session.commit()
    sys.exit(0 if _print_report(reload.report, {}) else 1)


@modules_group.command("retire")
@click.argument("module_id")
@click.argument("version")
@click.option("--reason", required=True, help="Why, for the audit log.")
def retire_command(module_id: str, version: str, reason: str) -> None:
    """Retire VERSION of MODULE_ID: no new learner enrols in it; learners already
    enrolled finish it. Exits 1 if it was never published or is already retired."""
    if not reason.strip():
        raise click.ClickException("Give the reason: it is kept in the audit log.")
    try:
        operations.retire_version(
            module_id, version, actor=None, reason=reason.strip(), now=utcnow()
        )
    except operations.VersionError as refusal:
        raise click.ClickException(refusal.message) from refusal
    db.session.commit()
    click.echo(f"{module_id} {version} is retired: learners already enrolled can finish it.")


@click.command("pack")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def pack_command(path: Path, output: Path) -> None:
    """Write the package at PATH as a self-contained zip (shared banks and media it uses
    are copied in)."""
    candidate = package_candidate(path)
    try:
        loaded = load_package(candidate.files, candidate.shared)
    except PackageInvalid as exc:
        click.echo(str(exc))
        sys.exit(1)
    output.write_bytes(archive.pack(loaded.package))
    package = loaded.package
    click.echo(f"wrote {output}: {package.id} {package.version} {package.content_hash}")


@click.command("unpack")
@click.argument("zip_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-d",
    "--directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("modules"),
    show_default=True,
    help="Folder to unpack into; the package becomes DIRECTORY/<module id>.",
)
def unpack_command(zip_file: Path, directory: Path) -> None:
    """Validate a packed module and, only if it is valid, extract it."""
    try:
        target = archive.unpack(zip_file.read_bytes(), display_path(zip_file), directory)
    except PackageInvalid as exc:
        click.echo(str(exc))
        click.echo("nothing was extracted")
        sys.exit(1)
    click.echo(f"unpacked into {display_path(target)}")
