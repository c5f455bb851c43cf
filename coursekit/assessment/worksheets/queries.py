"""Reading worksheets: a learner's state, and instructors' review queues."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import aliased

from coursekit import db
from coursekit.accounts.models import ModuleAssignment, Role, User
from coursekit.assessment.worksheets.models import WorksheetReview, WorksheetSubmission
from coursekit.catalog.models import Enrolment
from coursekit.errors import CourseKitError
from coursekit.packages.models import ModuleVersion
from coursekit.packages.queries import package_for
from coursekit.packages.values import ModulePackage

QUEUE_LIMIT = 200
"""Submissions shown on one queue page: the oldest wait longest, so they come first."""


# Aliases are built once: building one per call cost about 0.8 ms per request.
_NEWER = aliased(WorksheetSubmission, name="newer")


class WorksheetRefused(CourseKitError):
    """The person may not do this to the worksheet; ``status`` is the HTTP status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message, self.status = message, status


@dataclass(frozen=True)
class WorksheetState:
    """Where a learner stands on the module's worksheet."""

    required: bool
    latest: WorksheetSubmission | None

    @property
    def submitted(self) -> bool:
        return self.latest is not None

    @property
    def reviewed(self) -> bool:
        """Whether the worksheet has been reviewed. A reviewed worksheet takes no new
        submissions, so the latest submission is the reviewed one."""
        return self.latest is not None and self.latest.review is not None


def worksheet_state(enrolment: Enrolment) -> WorksheetState:
    """The learner's worksheet state for their enrolment (one or two queries)."""
    if package_for(enrolment.module_version).worksheet is None:
        return WorksheetState(required=False, latest=None)
    latest = db.session.scalars(
        select(WorksheetSubmission)
        .where(WorksheetSubmission.enrolment_id == enrolment.id)
        .order_by(WorksheetSubmission.submitted_at.desc(), WorksheetSubmission.id.desc())
        .limit(1)
    ).first()
    return WorksheetState(required=True, latest=latest)


def _superseded() -> ColumnElement[bool]:
    """True for a submission with a newer one on the same enrolment, "newer" ordered as
    ``worksheet_state`` orders them, so the queue and the learner agree on the latest."""
    return exists().where(
        _NEWER.enrolment_id == WorksheetSubmission.enrolment_id,
        or_(
            _NEWER.submitted_at > WorksheetSubmission.submitted_at,
            and_(
                _NEWER.submitted_at == WorksheetSubmission.submitted_at,
                _NEWER.id > WorksheetSubmission.id,
            ),
        ),
    )


def _assigned_to(account: User) -> ColumnElement[bool] | None:
    """Condition on ``ModuleVersion.module_id`` for the modules ``account`` reviews;
    None when they review every module (administrators)."""
    if account.has_role(Role.ADMIN):
        return None
    assigned = select(ModuleAssignment.module_id).where(ModuleAssignment.user_id == account.id)
    return ModuleVersion.module_id.in_(assigned)


def instructor_module_ids(account: User) -> set[str] | None:
    """The ids of the modules ``account`` reviews: None means every module (an
    administrator); an instructor has those assigned to them (one query)."""
    if account.has_role(Role.ADMIN):
        return None
    if not account.has_role(Role.INSTRUCTOR):
        return set()
    return set(
        db.session.scalars(
            select(ModuleAssignment.module_id).where(ModuleAssignment.user_id == account.id)
        )
    )


def may_review(account: User, module_id: str) -> bool:
    """Whether ``account`` reviews worksheets of ``module_id`` (at most one query)."""
    modules = instructor_module_ids(account)
    return modules is None or module_id in modules


@dataclass(frozen=True)
class QueueItem:
    """One worksheet waiting for review, as the queue lists it."""

    submission_id: int
    submitted_at: datetime
    learner_name: str
    module_id: str
    module_title: str
    module_version: str


def review_queue(account: User, *, limit: int = QUEUE_LIMIT) -> list[QueueItem]:
    """Learners' latest unreviewed submissions in the modules ``account`` reviews (not
    their own), oldest first; at most ``limit`` (one query, whatever the number of submissions)."""
    if not account.role_names & {Role.INSTRUCTOR, Role.ADMIN}:
        return []
    query = (
        select(
            WorksheetSubmission.id,
            WorksheetSubmission.submitted_at,
            User.first_name,
            User.last_name,
            ModuleVersion.module_id,
            ModuleVersion.title,
            ModuleVersion.version,
        )
        .join(Enrolment, Enrolment.id == WorksheetSubmission.enrolment_id)
        .join(User, User.id == Enrolment.user_id)
        .join(ModuleVersion, ModuleVersion.id == Enrolment.module_version_id)
        .outerjoin(WorksheetReview, WorksheetReview.submission_id == WorksheetSubmission.id)
        .where(
            WorksheetReview.id.is_(None),
            ~_superseded(),
            Enrolment.user_id != account.id,  # no one reviews their own worksheet
        )
        .order_by(WorksheetSubmission.submitted_at, WorksheetSubmission.id)
        .limit(limit)
    )
    scope = _assigned_to(account)
    if scope is not None:
        query = query.where(scope)
    return [
        QueueItem(row.id, row.submitted_at, f"{row.first_name} {row.last_name}", *row[4:])
        for row in db.session.execute(query)
    ]


@dataclass(frozen=True)
class SubmissionForReview:
    """A submission as its reviewer sees it."""

    submission: WorksheetSubmission
    package: ModulePackage
    learner: User
    latest_id: int
    """The learner's latest submission: only that one may be reviewed."""
    reviewer: User | None

    @property
    def is_latest(self) -> bool:
        return self.submission.id == self.latest_id


def submission_for_review(account: User, submission_id: int) -> SubmissionForReview | None:
    """The submission, if it exists; ``WorksheetRefused`` (403) when ``account`` does not
    review its module, or when it is their own worksheet (a learner cannot release their
    own post-test)."""
    if not 0 < submission_id <= db.MAX_ID:
        return None  # a tampered id beyond what the column holds
    submission = db.session.get(WorksheetSubmission, submission_id)
    if submission is None:
        return None
    enrolment = submission.enrolment
    if not may_review(account, enrolment.module_version.module_id):
        raise WorksheetRefused("You are not assigned to review this module's worksheets.", 403)
    if enrolment.user_id == account.id:
        raise WorksheetRefused("You cannot review your own worksheet.", 403)
    latest = worksheet_state(enrolment).latest
    review = submission.review
    return SubmissionForReview(
        submission=submission,
        package=package_for(enrolment.module_version),
        learner=db.session.get_one(User, enrolment.user_id),
        latest_id=latest.id if latest is not None else submission.id,
        reviewer=reviewer_of(review) if review is not None else None,
    )


def reviewer_of(review: WorksheetReview) -> User:
    """The instructor who wrote ``review``."""
    return db.session.get_one(User, review.reviewer_id)
