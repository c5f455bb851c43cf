"""Granting a learner extra time on a module's post-test.

A grant is a new ``TimeAllowance`` row and an audit entry. It applies to every attempt
the learner starts from then on, and it moves the deadline of their attempt under way,
if there is one and its time has not run out: extending during the test is what an
accommodation often needs. A grant never shortens an attempt under way (a reduction or a
withdrawal applies from the next attempt), and never reopens a closed or expired one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from coursekit import db
from coursekit.accounts.models import User
from coursekit.assessment.attempts.models import POST_TEST, Attempt
from coursekit.assessment.timing.models import MAX_EXTRA_MINUTES, TimeAllowance
from coursekit.assessment.timing.queries import extra_minutes
from coursekit.audit.operations import record
from coursekit.catalog.models import Enrolment
from coursekit.errors import CourseKitError
from coursekit.packages.models import ModuleVersion
from coursekit.packages.queries import package_for


class ExtraTimeRefused(CourseKitError):
    """The grant breaks a rule; ``status`` is the HTTP status (422 for the input, 409
    when those minutes are already in force). Nothing was changed."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.message, self.status = message, status


def grant_extra_time(
    user: User,
    module_id: str,
    minutes: int,
    *,
    actor: User | None,
    reason: str,
    now: datetime,
) -> TimeAllowance:
    """Give ``user`` ``minutes`` extra (0 withdraws extra time) on the time limit of
    ``module_id``'s post-test, superseding any earlier grant; ``ExtraTimeRefused`` when
    the minutes or reason are unusable, the learner is not enrolled, or the post-test has
    no time limit."""
    reason = reason.strip()
    if not 0 <= minutes <= MAX_EXTRA_MINUTES:
        raise ExtraTimeRefused(
            f"Give the extra minutes as a whole number from 0 to {MAX_EXTRA_MINUTES}."
        )
    if not reason:
        raise ExtraTimeRefused("Give the reason: it is kept in the audit log.")
    enrolment = db.session.scalar(
        select(Enrolment)
        .join(ModuleVersion, ModuleVersion.id == Enrolment.module_version_id)
        .where(Enrolment.user_id == user.id, ModuleVersion.module_id == module_id)
        .order_by(Enrolment.enrolled_at.desc(), Enrolment.id.desc())
        .limit(1)
    )
    if enrolment is None:
        raise ExtraTimeRefused(f"{user.full_name} is not enrolled in module {module_id}.")
    if not package_for(enrolment.module_version).assessment.time_limit_minutes:
        raise ExtraTimeRefused(f"The post-test of {module_id} has no time limit to extend.")
    before = extra_minutes(user.id, module_id)
    if before == minutes:
        raise ExtraTimeRefused(
            f"{minutes} extra minutes are already in force. Nothing was changed.", 409
        )
    allowance = TimeAllowance(
        user_id=user.id,
        module_id=module_id,
        extra_minutes=minutes,
        reason=reason,
        granted_by_id=actor.id if actor is not None else None,
        granted_at=now,
    )
    db.session.add(allowance)
    moved = _extend_open_attempt(user, module_id, minutes, now=now)
    record(
        "time_allowance.granted",
        f"user:{user.id}",
        actor=actor,
        at=now,
        reason=reason,
        module=module_id,
        before=before,
        after=minutes,
        **moved,
    )
    return allowance


def _extend_open_attempt(user: User, module_id: str, minutes: int, *, now: datetime) -> dict:
    """Move the deadline of the learner's post-test attempt under way on this module to
    its start + limit + ``minutes``, if that is later and its time has not run out; the
    attempt and its deadline before and after (for the audit entry), or nothing."""
    attempt = db.session.scalar(
        select(Attempt)
        .join(Enrolment, Enrolment.id == Attempt.enrolment_id)
        .join(ModuleVersion, ModuleVersion.id == Enrolment.module_version_id)
        .where(
            Enrolment.user_id == user.id,
            ModuleVersion.module_id == module_id,
            Attempt.quiz == POST_TEST,
            Attempt.closed_at.is_(None),
        )
    )
    if attempt is None or attempt.deadline is None:
        return {}
    limit = package_for(attempt.enrolment.module_version).assessment.time_limit_minutes or 0
    deadline = attempt.started_at + timedelta(minutes=limit + minutes)
    before = attempt.deadline
    # Conditional, like closing: an attempt submitted or run out meanwhile is left alone.
    moved = db.session.execute(
        update(Attempt)
        .where(
            Attempt.id == attempt.id,
            Attempt.closed_at.is_(None),
            Attempt.deadline > now,
            Attempt.deadline < deadline,
        )
        .values(deadline=deadline)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount == 0:
        return {}
    db.session.refresh(attempt)
    return {
        "attempt": attempt.id,
        "deadline_before": before.isoformat(),
        "deadline_after": deadline.isoformat(),
    }
