"""Recording what a learner does on a lesson, and the seat time it earns (append-only).

Seat time is measured by the server's clock only; nothing the browser sends is taken as a
time. Every lesson event credits the time since the enrolment's previous lesson event, on
the lesson that was being read, capped:

- after a heartbeat (the page's script is running), at 1.5 heartbeat intervals, so a tab
  left idle (the script stops sending) earns at most one interval;
- after a page view with no heartbeat since (no JavaScript), at 1.5 times the lesson's
  estimated minutes: time between page views is the only measure there is;
- never after the learner completed the lesson they were on, and never over time when a
  post-test attempt was open (test time does not count towards CE hours).

Two tabs sending heartbeats share one clock, so they earn wall-clock time, not double.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from flask import current_app
from sqlalchemy import Select, and_, bindparam, func, or_, select
from sqlalchemy.orm import aliased

from coursekit import db
from coursekit.assessment.attempts.models import Attempt
from coursekit.catalog.models import Enrolment
from coursekit.catalog.operations import lock_enrolment
from coursekit.lessons.models import LessonEvent, LessonEventKind
from coursekit.packages.values import Lesson, ModulePackage
from coursekit.signals import lesson_completed

ALLOWANCE = 1.5
"""How much longer than expected a learner may take between two events and still earn
all of it: 1.5 heartbeat intervals, or 1.5 times a lesson's estimated minutes."""


@dataclass(frozen=True)
class SeatTime:
    """What one lesson event did to the enrolment's seat time."""

    credited: int
    total: int | None
    """The enrolment's seat time in seconds, with ``credited`` included; None when it
    was not read (a restart credits nothing)."""


def record_lesson_event(
    enrolment: Enrolment,
    package: ModulePackage,
    lesson: Lesson,
    kind: LessonEventKind,
    *,
    now: datetime,
) -> SeatTime:
    """Append an ``opened`` or ``completed`` event, first crediting the seat time since
    the learner's previous lesson event. Completing a lesson twice is recorded twice and
    counts once."""
    seat_time = _credit(enrolment, package, now=now, heartbeat_lesson=None)
    event = LessonEvent(enrolment_id=enrolment.id, lesson=lesson.slug, kind=kind, at=now)
    db.session.add(event)
    if kind == LessonEventKind.COMPLETED:
        db.session.flush()
        lesson_completed.send(current_app._get_current_object(), enrolment=enrolment, event=event)
    return seat_time


def record_heartbeat(
    enrolment: Enrolment,
    package: ModulePackage,
    lesson: Lesson,
    *,
    now: datetime,
    restart: bool = False,
) -> SeatTime:
    """A lesson page reports that the learner is reading ``lesson``. With ``restart``
    (the page just loaded, or the learner came back after being away) the clock starts
    again and nothing is credited."""
    if restart:
        lock_enrolment(enrolment)
        db.session.add(_active(enrolment, lesson.slug, 0, now))
        return SeatTime(0, None)
    return _credit(enrolment, package, now=now, heartbeat_lesson=lesson)


def _credit(
    enrolment: Enrolment, package: ModulePackage, *, now: datetime, heartbeat_lesson: Lesson | None
) -> SeatTime:
    lock_enrolment(enrolment)
    last = db.session.execute(_last_event(), {"enrolment_id": enrolment.id, "now": now}).first()
    if last is None:
        return SeatTime(0, 0)
    total = int(last.total or 0)
    if last.kind == LessonEventKind.COMPLETED or last.at >= now:
        return SeatTime(0, total)
    # Reading stops counting where a post-test attempt began (test time is excluded).
    end = now if last.test_start is None else min(now, max(last.test_start, last.at))
    seconds = int((end - last.at).total_seconds())
    if heartbeat_lesson is not None or last.kind == LessonEventKind.ACTIVE:
        limit = current_app.config["COURSEKIT_HEARTBEAT_SECONDS"] * ALLOWANCE
    else:
        read = package.lesson(last.lesson)
        limit = (read.minutes if read else 0) * 60 * ALLOWANCE
    seconds = int(min(seconds, limit))
    if seconds <= 0:
        return SeatTime(0, total)
    slug = heartbeat_lesson.slug if heartbeat_lesson is not None else last.lesson
    db.session.add(_active(enrolment, slug, seconds, now))
    return SeatTime(seconds, total + seconds)


@cache
def _last_event() -> Select[Any]:
    """The enrolment's latest lesson event, its seat time so far, and the start of the
    first post-test attempt open at some moment between that event and ``now`` (one
    query: the lesson page and every heartbeat run it). Parameters ``enrolment_id`` and
    ``now``; built once per process, since building it cost about as much as running it."""
    enrolment_id, now = bindparam("enrolment_id"), bindparam("now")
    event = aliased(LessonEvent)
    total = select(func.sum(LessonEvent.seconds)).where(LessonEvent.enrolment_id == enrolment_id)
    overlapping = select(func.min(Attempt.started_at)).where(
        Attempt.enrolment_id == enrolment_id,
        Attempt.started_at < now,
        or_(
            Attempt.closed_at > event.at,
            and_(
                Attempt.closed_at.is_(None),
                or_(Attempt.deadline.is_(None), Attempt.deadline > event.at),
            ),
        ),
    )
    return (
        select(
            event.kind,
            event.lesson,
            event.at,
            total.scalar_subquery().label("total"),
            overlapping.scalar_subquery().label("test_start"),
        )
        .where(event.enrolment_id == enrolment_id)
        .order_by(event.id.desc())
        .limit(1)
    )


def _active(enrolment: Enrolment, slug: str, seconds: int, now: datetime) -> LessonEvent:
    return LessonEvent(
        enrolment_id=enrolment.id,
        lesson=slug,
        kind=LessonEventKind.ACTIVE,
        seconds=seconds,
        at=now,
    )
