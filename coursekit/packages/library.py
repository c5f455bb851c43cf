"""The packages one app serves: found and parsed once per process, cached by content hash.

Requests never parse a package. The database says which versions are published; this
cache holds their parsed content and rendered lessons. A version that is not in the cache
(published by another process, or no longer on disk) is loaded once from its archive.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from coursekit.packages import markdown
from coursekit.packages.discovery import (
    LoadReport,
    entry_point_candidates,
    folder_candidates,
    load_candidates,
)
from coursekit.packages.sources import Limits
from coursekit.packages.values import Lesson, ModulePackage


class Library:
    """Per-app package cache, kept in ``app.extensions["coursekit"].library``."""

    def __init__(self, modules_paths: list[Path], limits: Limits) -> None:
        self.modules_paths, self.limits = modules_paths, limits
        self.report = LoadReport()
        self._lock = threading.Lock()
        self._packages: dict[str, ModulePackage] = {}
        self._lesson_html: dict[tuple[str, str, str], str] = {}
        self._disk_state: int | None = None
        self._known_ids: frozenset[str] = frozenset()

    def scan(self, known_ids: set[str] | frozenset[str] = frozenset()) -> LoadReport:
        """Find and load every package on disk and from entry points, and cache them."""
        disk_state, known = self._read_disk_state(), frozenset(known_ids)
        candidates, report = entry_point_candidates(self.limits)
        for folder in self.modules_paths:
            candidates[:0] = folder_candidates(folder, self.limits)
        report = load_candidates(candidates, known_ids, report)
        with self._lock:
            self.report = report
            for loaded in report.loaded:
                self._packages[loaded.package.content_hash] = loaded.package
            self._disk_state, self._known_ids = disk_state, known
        return report

    def current(self, known_ids: set[str] | frozenset[str] = frozenset()) -> LoadReport:
        """What is on disk now, scanning only when it may differ from the last scan: never
        scanned, a file changed, or the published ids that decide prerequisites changed.

        Parsing every package takes seconds; checking the files' times takes
        milliseconds. An id that the last scan loaded from disk satisfies a prerequisite
        either way, so publishing those packages does not call for another scan.
        """
        with self._lock:
            scanned, last_known = self._disk_state is not None, self._known_ids
            on_disk = frozenset(loaded.package.id for loaded in self.report.loaded)
        same_ids = frozenset(known_ids) - on_disk == last_known - on_disk
        if scanned and same_ids and not self.changed_on_disk():
            return self.report
        return self.scan(known_ids)

    def get(self, content_hash: str) -> ModulePackage | None:
        """The cached package with this hash, if this process has it."""
        return self._packages.get(content_hash)

    def remember(self, package: ModulePackage) -> ModulePackage:
        """Cache a package loaded from elsewhere (a published archive)."""
        with self._lock:
            return self._packages.setdefault(package.content_hash, package)

    def lesson_html(
        self, package: ModulePackage, lesson: Lesson, media_url: Callable[[str], str]
    ) -> str:
        """The lesson as sanitised HTML, rendered once per content hash and URL prefix."""
        key = (package.content_hash, lesson.slug, media_url(""))
        html = self._lesson_html.get(key)
        if html is None:
            html = markdown.render(lesson.body, media_url)
            with self._lock:
                self._lesson_html[key] = html
        return html

    def changed_on_disk(self) -> bool:
        """Whether any file under the modules paths (or their shared folders) changed
        since the last scan. Walks the tree (file times, not contents): milliseconds for
        the module page and debug mode, too slow for every learner's request."""
        return self._disk_state is not None and self._read_disk_state() != self._disk_state

    def _read_disk_state(self) -> int:
        # Names, sizes and nanosecond times: an edit, a rename or a removed file changes
        # it even within the file system's clock tick, as long as the size changes.
        entries = []
        for folder in self.modules_paths:
            for root in (folder, folder.parent / "quizzes", folder.parent / "media"):
                if root.is_dir():
                    for path in root.rglob("*"):
                        status = path.lstat()
                        entries.append((str(path), status.st_size, status.st_mtime_ns))
        return hash(tuple(sorted(entries)))
