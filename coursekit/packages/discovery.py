"""Finding packages (folders under the modules path, ``coursekit.modules`` entry points)
and checking what only the whole set can show: duplicate ids and prerequisites."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType

from coursekit.packages.loader import LoadedPackage, load_package
from coursekit.packages.problems import PackageInvalid, Problem
from coursekit.packages.sources import DEFAULT_LIMITS, FolderFiles, Limits, PackageFiles

ENTRY_POINT_GROUP = "coursekit.modules"


@dataclass(frozen=True)
class Candidate:
    """Something that should be a package: its files and where shared files come from."""

    label: str
    files: PackageFiles
    shared: PackageFiles | None


@dataclass
class LoadReport:
    """Every valid package, and every problem by the candidate it belongs to."""

    loaded: list[LoadedPackage] = field(default_factory=list)
    problems: dict[str, list[Problem]] = field(default_factory=dict)

    def add_problems(self, label: str, problems: Iterable[Problem]) -> None:
        self.problems.setdefault(label, []).extend(problems)

    @property
    def ok(self) -> bool:
        return not self.problems


def display_path(path: Path) -> str:
    """A path as a person would type it: relative to the working folder when inside it."""
    absolute = path.absolute()
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return absolute.as_posix()


def package_candidate(folder: Path, limits: Limits = DEFAULT_LIMITS) -> Candidate:
    """One package folder; its shared files are the siblings of its parent folder."""
    content_root = folder.resolve().parent.parent
    return Candidate(
        display_path(folder),
        FolderFiles(folder, display_path(folder), limits),
        FolderFiles(content_root, display_path(content_root), limits),
    )


def folder_candidates(modules_dir: Path, limits: Limits = DEFAULT_LIMITS) -> list[Candidate]:
    """Every visible sub-folder of a modules folder (symbolic links are not followed)."""
    if not modules_dir.is_dir():
        return []
    return [
        package_candidate(child, limits)
        for child in sorted(modules_dir.iterdir())
        if child.is_dir() and not child.is_symlink() and not child.name.startswith((".", "_"))
    ]


def entry_point_candidates(limits: Limits = DEFAULT_LIMITS) -> tuple[list[Candidate], LoadReport]:
    """Packages installed with pip: each ``coursekit.modules`` entry point names a Python
    package whose folder holds ``module.yaml``, or a path to such a folder."""
    candidates: list[Candidate] = []
    report = LoadReport()
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        label = f"{entry_point.name} (entry point {entry_point.value})"
        try:
            target = entry_point.load()
            folder = (
                Path(target.__file__).parent
                if isinstance(target, ModuleType) and target.__file__
                else Path(target)
            )
        except Exception as exc:  # a broken plugin must not stop the others
            report.add_problems(label, [Problem(label, 0, 0, f"cannot load: {exc}")])
            continue
        candidates.append(Candidate(label, FolderFiles(folder, label, limits), None))
    return candidates, report


def load_candidates(
    candidates: Iterable[Candidate], known_ids: Iterable[str] = (), report: LoadReport | None = None
) -> LoadReport:
    """Load every candidate, then refuse duplicate ids, unknown prerequisites and cycles.

    ``known_ids`` are modules that exist elsewhere (published earlier), which satisfy a
    prerequisite even when their folder is gone.
    """
    report = report or LoadReport()
    for candidate in candidates:
        try:
            report.loaded.append(load_package(candidate.files, candidate.shared))
        except PackageInvalid as exc:
            report.add_problems(candidate.label, exc.problems)
    _refuse(report, _duplicate_ids(report.loaded))
    _refuse(report, _prerequisite_problems(report.loaded, set(known_ids)))
    # A module whose prerequisite was just refused cannot be taken either; repeat until
    # nothing changes (a chain of dependents).
    while refused := _prerequisite_problems(report.loaded, set(known_ids)):
        _refuse(report, refused)
    return report


def _refuse(report: LoadReport, problems: dict[str, list[Problem]]) -> None:
    for label, found in problems.items():
        report.add_problems(label, found)
    report.loaded = [loaded for loaded in report.loaded if loaded.label not in problems]


def _duplicate_ids(loaded: list[LoadedPackage]) -> dict[str, list[Problem]]:
    by_id: dict[str, list[LoadedPackage]] = {}
    for item in loaded:
        by_id.setdefault(item.package.id, []).append(item)
    problems: dict[str, list[Problem]] = {}
    for module_id, items in by_id.items():
        if len(items) > 1:
            for item in items:
                others = ", ".join(other.label for other in items if other is not item)
                message = f"module id {module_id!r} is also used by {others}"
                problems[item.label] = [item.problem(("id",), message)]
    return problems


def _prerequisite_problems(
    loaded: list[LoadedPackage], known_ids: set[str]
) -> dict[str, list[Problem]]:
    by_id = {item.package.id: item for item in loaded}
    problems: dict[str, list[Problem]] = {}
    for item in loaded:
        for index, prerequisite in enumerate(item.package.prerequisites):
            if prerequisite not in by_id and prerequisite not in known_ids:
                message = f"prerequisite {prerequisite!r} is not a known, valid module"
                problems.setdefault(item.label, []).append(
                    item.problem(("prerequisites", index), message)
                )
    for cycle in _cycles({key: value.package.prerequisites for key, value in by_id.items()}):
        text = " → ".join([*cycle, cycle[0]])
        for module_id in cycle:
            item = by_id[module_id]
            index = item.package.prerequisites.index(
                cycle[(cycle.index(module_id) + 1) % len(cycle)]
            )
            problems.setdefault(item.label, []).append(
                item.problem(("prerequisites", index), f"prerequisite cycle: {text}")
            )
    return problems


def _cycles(graph: dict[str, tuple[str, ...]]) -> list[list[str]]:
    """Each distinct cycle in the prerequisite graph (depth-first search)."""
    cycles: list[list[str]] = []
    seen_cycles: set[frozenset[str]] = set()
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> None:
        if node in path:
            cycle = path[path.index(node) :]
            if frozenset(cycle) not in seen_cycles:
                seen_cycles.add(frozenset(cycle))
                cycles.append(cycle)
            return
        if node in done or node not in graph:
            return
        for nxt in graph[node]:
            visit(nxt, [*path, node])
        done.add(node)

    for start in sorted(graph):
        visit(start, [])
    return cycles
