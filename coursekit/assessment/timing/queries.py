"""Reading the extra time in force for a learner, and the time limit it makes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from coursekit import db
from coursekit.assessment.timing.models import TimeAllowance
from coursekit.catalog.models import Enrolment
from coursekit.packages.queries import package_for


@dataclass(frozen=True)
class TimeLimit:
    """A post-test's time limit for one learner: the module's own minutes and the extra
    minutes arranged for them."""

    minutes: int
    extra: int = 0

    @property
    def total(self) -> int:
        return self.minutes + self.extra


def allowances_in_force(user_id: int) -> dict[str, TimeAllowance]:
    """The newest grant per module for this learner (one query), by module id; a grant
    of 0 minutes is in force too (it withdrew earlier extra time)."""
    newest = (
        select(func.max(TimeAllowance.id))
        .where(TimeAllowance.user_id == user_id)
        .group_by(TimeAllowance.module_id)
    )
    rows = db.session.scalars(select(TimeAllowance).where(TimeAllowance.id.in_(newest)))
    return {allowance.module_id: allowance for allowance in rows}


def extra_minutes(user_id: int, module_id: str) -> int:
    """The extra minutes in force for this learner on this module's post-test; 0 when
    none were ever granted (one query)."""
    return (
        db.session.scalar(
            select(TimeAllowance.extra_minutes)
            .where(TimeAllowance.user_id == user_id, TimeAllowance.module_id == module_id)
            .order_by(TimeAllowance.id.desc())
            .limit(1)
        )
        or 0
    )


def time_limit_for(enrolment: Enrolment) -> TimeLimit | None:
    """The learner's time limit on the post-test of the enrolled version, extra minutes
    included; None when that post-test has no time limit (then without a query)."""
    minutes = package_for(enrolment.module_version).assessment.time_limit_minutes
    if not minutes:
        return None
    return TimeLimit(minutes, extra_minutes(enrolment.user_id, enrolment.module_version.module_id))
