"""A learner's progress through a module's lessons, read from lesson events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select

from coursekit import db
from coursekit.catalog.models import Enrolment
from coursekit.lessons.models import LessonEvent, LessonEventKind
from coursekit.packages.values import Lesson, ModulePackage


@dataclass(frozen=True)
class LessonRecords:
    """What an enrolment's lesson events add up to."""

    completed: frozenset[str] = frozenset()
    seat_seconds: int = 0
    last_opened: str | None = None


@dataclass(frozen=True)
class LessonProgress:
    """Which lessons are done, and where to pick up again."""

    completed: frozenset[str]
    resume: Lesson | None
    """The lesson to continue with; None when every lesson is completed."""
    started: bool

    def is_completed(self, lesson: Lesson) -> bool:
        return lesson.slug in self.completed


def lesson_records(enrolment_ids: Sequence[int]) -> dict[int, LessonRecords]:
    """Lessons completed, seat time and the lesson opened last, per enrolment (one query,
    grouped per lesson and kind: its rows grow with lessons, not with events)."""
    if not enrolment_ids:
        return {}
    rows = db.session.execute(
        select(
            LessonEvent.enrolment_id,
            LessonEvent.lesson,
            LessonEvent.kind,
            func.sum(LessonEvent.seconds),
            func.max(LessonEvent.id),
        )
        .where(LessonEvent.enrolment_id.in_(enrolment_ids))
        .group_by(LessonEvent.enrolment_id, LessonEvent.lesson, LessonEvent.kind)
    )
    completed: dict[int, set[str]] = {}
    seconds: dict[int, int] = {}
    opened: dict[int, tuple[int, str]] = {}
    for enrolment_id, lesson, kind, total, newest in rows:
        completed.setdefault(enrolment_id, set())
        seconds.setdefault(enrolment_id, 0)
        if kind == LessonEventKind.COMPLETED:
            completed[enrolment_id].add(lesson)
        elif kind == LessonEventKind.ACTIVE:
            seconds[enrolment_id] += int(total or 0)
        elif enrolment_id not in opened or opened[enrolment_id][0] < newest:
            opened[enrolment_id] = (newest, lesson)
    return {
        enrolment_id: LessonRecords(
            completed=frozenset(completed[enrolment_id]),
            seat_seconds=seconds[enrolment_id],
            last_opened=opened[enrolment_id][1] if enrolment_id in opened else None,
        )
        for enrolment_id in completed
    }


def lesson_progress(enrolment: Enrolment, package: ModulePackage) -> LessonProgress:
    """Progress from the enrolment's lesson events (one query)."""
    records = lesson_records([enrolment.id]).get(enrolment.id, LessonRecords())
    return LessonProgress(
        completed=records.completed,
        resume=resume_lesson(package, records.completed, records.last_opened),
        started=records.last_opened is not None,
    )


def resume_lesson(
    package: ModulePackage, completed: frozenset[str], last_opened: str | None
) -> Lesson | None:
    """Where to pick up: the lesson opened last unless it is completed; then the next
    lesson not yet completed after it (or before it, if all after are done). None when
    every lesson is completed."""
    lessons = list(package.lessons)
    start = next((i for i, item in enumerate(lessons) if item.slug == last_opened), 0)
    ordered = lessons[start:] + lessons[:start]
    return next((lesson for lesson in ordered if lesson.slug not in completed), None)
