"""What changes for learners between two versions of a module, read before publishing.

The summary compares parsed packages, not files: lessons by slug (title, minutes, text),
questions by id within each question file, each credit by board, and the assessment and
completion rules field by field. Pure: no database, no request.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from coursekit.assessment.banks import SUFFIXES, read_question_file
from coursekit.packages.values import ModulePackage


@dataclass(frozen=True)
class LessonChange:
    """One lesson ``added``, ``removed`` or ``changed`` (with what changed, in words)."""

    change: str
    slug: str
    title: str
    minutes: int
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuestionChanges:
    """The question ids added, removed and changed in one question file."""

    path: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()


@dataclass(frozen=True)
class DiffSummary:
    """The changes from ``base_version`` (None: this is the module's first version)."""

    base_version: str | None
    lessons: tuple[LessonChange, ...] = ()
    questions: tuple[QuestionChanges, ...] = ()
    credits: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    minutes: tuple[int, int] = (0, 0)
    other: tuple[str, ...] = field(default=())

    @property
    def first_version(self) -> bool:
        return self.base_version is None

    @property
    def unchanged(self) -> bool:
        """Nothing a learner would notice changed (only, say, a typo in the summary)."""
        return not (self.lessons or self.questions or self.credits or self.rules or self.other)


def diff_packages(new: ModulePackage, old: ModulePackage | None) -> DiffSummary:
    """The changes from ``old`` (the newest published version) to ``new``."""
    if old is None:
        return DiffSummary(None, minutes=(0, new.minutes))
    return DiffSummary(
        old.version,
        lessons=tuple(_lesson_changes(new, old)),
        questions=tuple(_question_changes(new, old)),
        credits=tuple(_credit_changes(new, old)),
        rules=(
            *_field_changes("assessment", asdict(old.assessment), asdict(new.assessment)),
            *_field_changes("completion", asdict(old.completion), asdict(new.completion)),
        ),
        minutes=(old.minutes, new.minutes),
        other=tuple(_other_changes(new, old)),
    )


def _lesson_changes(new: ModulePackage, old: ModulePackage) -> list[LessonChange]:
    before = {lesson.slug: lesson for lesson in old.lessons}
    after = {lesson.slug: lesson for lesson in new.lessons}
    changes = [
        LessonChange("removed", slug, lesson.title, lesson.minutes)
        for slug, lesson in before.items()
        if slug not in after
    ]
    for slug, lesson in after.items():
        was = before.get(slug)
        if was is None:
            changes.append(LessonChange("added", slug, lesson.title, lesson.minutes))
            continue
        details = [
            f"{name}: {getattr(was, name)!r} → {getattr(lesson, name)!r}"
            for name in ("title", "minutes", "required", "objectives")
            if getattr(was, name) != getattr(lesson, name)
        ]
        if was.body != lesson.body:
            details.append("text changed")
        if details:
            changes.append(
                LessonChange("changed", slug, lesson.title, lesson.minutes, tuple(details))
            )
    return changes


def _questions_by_id(package: ModulePackage) -> dict[str, dict[str, Any]]:
    """Every question file's questions by id (position when a question has none)."""
    files: dict[str, dict[str, Any]] = {}
    for name, data in package.files.items():
        if not name.startswith("quizzes/") or not name.endswith(SUFFIXES):
            continue
        if name == package.evaluation_questions:
            continue
        read = read_question_file(name, data)
        files[name] = {
            str(question.get("id") or f"#{number}"): question
            for number, question in enumerate(read.questions, start=1)
        }
    return files


def _question_changes(new: ModulePackage, old: ModulePackage) -> list[QuestionChanges]:
    before, after = _questions_by_id(old), _questions_by_id(new)
    changes = []
    for path in sorted(before.keys() | after.keys()):
        was, now = before.get(path, {}), after.get(path, {})
        change = QuestionChanges(
            path,
            added=tuple(key for key in now if key not in was),
            removed=tuple(key for key in was if key not in now),
            changed=tuple(key for key in now if key in was and now[key] != was[key]),
        )
        if change.added or change.removed or change.changed:
            changes.append(change)
    return changes


def _credit_changes(new: ModulePackage, old: ModulePackage) -> list[str]:
    before = {credit.board: asdict(credit) for credit in old.credits}
    after = {credit.board: asdict(credit) for credit in new.credits}
    changes = [f"{board}: credit removed" for board in before if board not in after]
    for board, credit in after.items():
        if board not in before:
            changes.append(f"{board}: credit added ({_credit_text(credit)})")
        else:
            changes.extend(_field_changes(board, before[board], credit))
    return changes


def _credit_text(credit: dict[str, Any]) -> str:
    if credit["points"]:
        return ", ".join(f"{category} {points:g}" for category, points in credit["points"])
    return f"{credit['hours']:g} hours"


def _field_changes(prefix: str, before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [
        f"{prefix} {name}: {_shown(before.get(name))} → {_shown(value)}"
        for name, value in after.items()
        if before.get(name) != value
    ]


def _shown(value: Any) -> str:
    if isinstance(value, tuple | list):
        return ", ".join(_shown(item) for item in value) or "none"
    return "none" if value is None else str(value)


def _other_changes(new: ModulePackage, old: ModulePackage) -> list[str]:
    """Manifest values a learner sees outside lessons and questions."""
    return [
        f"{name} changed"
        for name in ("title", "summary", "objectives", "prerequisites", "worksheet", "evaluation")
        if getattr(new, name) != getattr(old, name)
    ]
