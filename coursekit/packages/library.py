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
        self._disk_state: tuple[int, float] | None = None

    def scan(self, known_ids: set[str] | frozenset[str] = frozenset()) -> LoadReport:
        """Find and load every package on disk and from entry points, and cache them."""
        disk_state = self._read_disk_state()
        candidates, report = entry_point_candidates(self.limits)
        for folder in self.modules_paths:
            candidates[:0] = folder_candidates(folder, self.limits)
        report = load_candidates(candidates, known_ids, report)
        with self._lock:
            self.report = report
            for loaded in report.loaded:
                self._packages[loaded.package.content_hash] = loaded.package
            self._disk_state = disk_state
        return report

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
        since the last scan. Walks the tree: for debug mode, not for production."""
        return self._disk_state is not None and self._read_disk_state() != self._disk_state

    def _read_disk_state(self) -> tuple[int, float]:
        count, latest = 0, 0.0
        for folder in self.modules_paths:
            for root in (folder, folder.parent / "quizzes", folder.parent / "media"):
                if root.is_dir():
                    for path in root.rglob("*"):
                        count += 1
                        latest = max(latest, path.lstat().st_mtime)
        return count, latest
