"""A learner's progress through a module's lessons, read from lesson events."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from coursekit import db
from coursekit.catalog.models import Enrolment
from coursekit.lessons.models import LessonEvent, LessonEventKind
from coursekit.packages.values import Lesson, ModulePackage


@dataclass(frozen=True)
class LessonProgress:
    """Which lessons are done, and where to pick up again."""

    completed: frozenset[str]
    resume: Lesson | None
    """The lesson to continue with; None when every lesson is completed."""
    started: bool

    def is_completed(self, lesson: Lesson) -> bool:
        return lesson.slug in self.completed


def lesson_progress(enrolment: Enrolment, package: ModulePackage) -> LessonProgress:
    """Progress from the enrolment's lesson events (one query)."""
    rows = db.session.execute(
        select(LessonEvent.lesson, LessonEvent.kind)
        .where(LessonEvent.enrolment_id == enrolment.id)
        .order_by(LessonEvent.id)
    ).all()
    completed = frozenset(lesson for lesson, kind in rows if kind == LessonEventKind.COMPLETED)
    opened = [lesson for lesson, kind in rows if kind == LessonEventKind.OPENED]
    resume = resume_lesson(package, completed, opened[-1] if opened else None)
    return LessonProgress(completed=completed, resume=resume, started=bool(rows))


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
