"""Recording what a learner does on a lesson (append-only)."""

from __future__ import annotations

from coursekit import db
from coursekit.catalog.models import Enrolment
from coursekit.lessons.models import LessonEvent, LessonEventKind
from coursekit.packages.values import Lesson


def record_lesson_event(enrolment: Enrolment, lesson: Lesson, kind: LessonEventKind) -> None:
    """Append one event; completing a lesson twice is recorded twice and counts once."""
    db.session.add(LessonEvent(enrolment_id=enrolment.id, lesson=lesson.slug, kind=kind))
