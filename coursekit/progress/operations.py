"""Recording completions: once, when the rule first holds, for the version it held on.

Each feature's operation that can complete a module (a lesson completed, seat time
earned, a worksheet submitted or reviewed, an attempt graded, an evaluation submitted)
calls :func:`complete_if_due` after writing its own record. A completion is never
changed or removed afterwards: a later module version, or a regrade, leaves it alone.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from coursekit import db
from coursekit.catalog.models import Enrolment
from coursekit.lessons.models import LessonEventKind
from coursekit.lessons.operations import SeatTime, record_heartbeat, record_lesson_event
from coursekit.packages.queries import package_for
from coursekit.packages.values import Lesson, ModulePackage
from coursekit.progress.models import Completion
from coursekit.progress.queries import records_for
from coursekit.progress.rules import is_complete, required_seat_seconds
from coursekit.signals import module_completed


def complete_if_due(enrolment: Enrolment, *, now: datetime) -> Completion | None:
    """Record the enrolment's completion at ``now`` if the rule holds and none is
    recorded yet; returns the new completion, or None."""
    db.session.flush()
    recorded = db.session.scalar(
        select(Completion.id).where(
            Completion.user_id == enrolment.user_id,
            Completion.module_version_id == enrolment.module_version_id,
        )
    )
    if recorded is not None:
        return None
    package = package_for(enrolment.module_version)
    if not is_complete(package, records_for([enrolment], now=now)[enrolment.id]):
        return None
    completion = Completion(
        user_id=enrolment.user_id, module_version_id=enrolment.module_version_id, completed_at=now
    )
    try:
        with db.session.begin_nested():
            db.session.add(completion)
    except IntegrityError:
        return None  # recorded at the same moment by another request
    module_completed.send(current_app._get_current_object(), completion=completion)
    return completion


def complete_after_seat_time(enrolment: Enrolment, seat_time: SeatTime, *, now: datetime) -> None:
    """Check the rule after seat time was credited, but only when it carried the total
    across the requirement: heartbeats are many, and most change nothing else."""
    needed = required_seat_seconds(package_for(enrolment.module_version))
    total = seat_time.total
    if seat_time.credited and total is not None and total - seat_time.credited < needed <= total:
        complete_if_due(enrolment, now=now)


def complete_lesson(
    enrolment: Enrolment, package: ModulePackage, lesson: Lesson, *, now: datetime
) -> None:
    """The learner marks ``lesson`` completed (page and API): record it, then complete
    the module if that was the last thing missing."""
    record_lesson_event(enrolment, package, lesson, LessonEventKind.COMPLETED, now=now)
    complete_if_due(enrolment, now=now)


def credit_reading(
    enrolment: Enrolment, package: ModulePackage, lesson: Lesson, *, now: datetime, restart: bool
) -> SeatTime:
    """A heartbeat from an open lesson (page script and API): credit the seat time the
    server's clock allows, then complete the module if that carried it across."""
    seat_time = record_heartbeat(enrolment, package, lesson, now=now, restart=restart)
    complete_after_seat_time(enrolment, seat_time, now=now)
    return seat_time
