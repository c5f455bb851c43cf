"""The immutable values a loaded package becomes.

Everything here is a frozen dataclass of tuples and read-only mappings, so a package that
has been loaded (and hashed) cannot change under a learner who is reading it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Author:
    name: str
    credentials: str
    bio: str = ""


@dataclass(frozen=True)
class Covers:
    """What a module is about; the catalogue filters on these."""

    regions: tuple[str, ...] = ()
    muscles: tuple[str, ...] = ()
    pain_patterns: tuple[str, ...] = ()
    acupoints: tuple[str, ...] = ()


@dataclass(frozen=True)
class Credit:
    """CE credit for one board. NCCAOM gives ``points`` by category; a state board
    gives ``hours`` in a ``category``."""

    board: str
    course_number: str = ""
    provider_number: str = ""
    points: tuple[tuple[str, float], ...] = ()
    hours: float = 0.0
    category: str = ""
    approved_from: date | None = None
    approved_until: date | None = None

    @property
    def total(self) -> float:
        """Hours (state boards) or total PDA points (NCCAOM, one point per hour)."""
        return self.hours or sum(points for _category, points in self.points)


@dataclass(frozen=True)
class BankDraw:
    bank: str
    count: int
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Assessment:
    pass_mark: int
    quiz: str | None = None
    draw: tuple[BankDraw, ...] = ()
    attempts: int | None = None
    time_limit_minutes: int | None = None
    shuffle_questions: bool = True
    shuffle_options: bool = True
    retry_wait_minutes: int = 0
    review: str = "after-pass"
    show_which_wrong: bool = True


WORKSHEET_STEPS = ("reviewed", "submitted", "none")
"""What the completion rule asks of the worksheet."""


@dataclass(frozen=True)
class CompletionRule:
    """What a learner must have done for the module version to be complete.

    The defaults are the CE rules: the attestation accepted, every required lesson
    completed, ``seat_minutes`` of measured lesson time (test time excluded), the
    worksheet reviewed (when the module has one), the post-test passed and the course
    evaluation submitted.
    """

    seat_minutes: int
    attestation: bool = True
    lessons: bool = True
    worksheet: str = "none"
    """One of ``WORKSHEET_STEPS``."""
    post_test: bool = True
    evaluation: bool = True


@dataclass(frozen=True)
class Lesson:
    """One lesson: ``slug`` is its file name without ``.md``, used in URLs."""

    path: str
    slug: str
    title: str
    minutes: int
    body: str
    objectives: tuple[str, ...] = ()
    required: bool = True


@dataclass(frozen=True)
class ModulePackage:
    """A module package, loaded, checked and hashed.

    ``files`` holds the bytes of every file the module uses, under the name it has in a
    packed (self-contained) zip: shared banks and media appear as if they were the
    module's own. ``content_hash`` is the SHA-256 of those names and bytes, so packing a
    module and loading the zip gives the same hash.
    """

    id: str
    title: str
    version: str
    summary: str
    objectives: tuple[str, ...]
    authors: tuple[Author, ...]
    covers: Covers
    prerequisites: tuple[str, ...]
    lessons: tuple[Lesson, ...]
    credits: tuple[Credit, ...]
    delivery: str
    assessment: Assessment
    worksheet: str | None
    evaluation: str
    content_hash: str
    files: Mapping[str, bytes] = field(repr=False, compare=False)
    evaluation_questions: str | None = None
    """The module's own course evaluation questions (``quizzes/...``), asked after the
    provider's form; None when it has none."""
    completion: CompletionRule = CompletionRule(seat_minutes=0)

    @property
    def minutes(self) -> int:
        """Estimated study time: the sum of the lessons' minutes."""
        return sum(lesson.minutes for lesson in self.lessons)

    @property
    def required_lessons(self) -> tuple[Lesson, ...]:
        """The lessons the completion rule asks for (none when it asks for none)."""
        if not self.completion.lessons:
            return ()
        return tuple(lesson for lesson in self.lessons if lesson.required)

    def lesson(self, slug: str) -> Lesson | None:
        """The lesson with this slug, or None."""
        return next((lesson for lesson in self.lessons if lesson.slug == slug), None)

    def media_names(self) -> tuple[str, ...]:
        """The media files the module uses, as ``media/...`` names."""
        return tuple(name for name in self.files if name.startswith("media/"))


def version_key(version: str) -> tuple[int, int, int, int, tuple[str, ...]]:
    """Sort key for semantic versions: ``1.10.0`` after ``1.9.0``, ``2.0.0-rc.1`` before
    ``2.0.0``. (Pre-release parts compare as text, which is enough for ordering drafts.)"""
    core, _, pre = version.partition("-")
    major, minor, patch = (int(part) for part in core.split("."))
    return (major, minor, patch, 0 if pre else 1, tuple(pre.split(".")) if pre else ())
