"""Which learners a learners list shows: everyone, or those in one state.

Each state is a condition on the enrolment, written as ``EXISTS`` over the feature's
append-only records (the same records the figures count, with the same meaning as the
module report's columns), so a filtered page is still one statement that reads only
the version's enrolments.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import ColumnElement, and_, exists, not_, or_

from coursekit.assessment.attempts.models import POST_TEST, Attempt
from coursekit.assessment.evaluations.models import EvaluationResponse
from coursekit.assessment.worksheets.models import WorksheetReview, WorksheetSubmission
from coursekit.catalog.models import Enrolment
from coursekit.lessons.models import LessonEvent
from coursekit.progress.models import Completion


class LearnerState(StrEnum):
    """Where a learner stands in a module version."""

    NOT_STARTED = "not-started"
    IN_PROGRESS = "in-progress"
    WORKSHEET_WAITING = "worksheet-waiting"
    COMPLETED = "completed"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    LearnerState.NOT_STARTED: "Not started",
    LearnerState.IN_PROGRESS: "In progress",
    LearnerState.WORKSHEET_WAITING: "Worksheet waiting for review",
    LearnerState.COMPLETED: "Completed",
}
DESCRIPTIONS = {
    LearnerState.NOT_STARTED: "no lesson, post-test, worksheet or evaluation record yet",
    LearnerState.IN_PROGRESS: "some record, not completed",
    LearnerState.WORKSHEET_WAITING: "a worksheet submitted and not yet reviewed",
    LearnerState.COMPLETED: "the module version completed",
}


def _completed() -> ColumnElement[bool]:
    return exists().where(
        Completion.user_id == Enrolment.user_id,
        Completion.module_version_id == Enrolment.module_version_id,
    )


def _started() -> ColumnElement[bool]:
    """Any record besides the enrolment, as the module report's "in progress" counts."""
    return or_(
        exists().where(LessonEvent.enrolment_id == Enrolment.id),
        exists().where(Attempt.enrolment_id == Enrolment.id, Attempt.quiz == POST_TEST),
        exists().where(WorksheetSubmission.enrolment_id == Enrolment.id),
        exists().where(EvaluationResponse.enrolment_id == Enrolment.id),
    )


def _worksheet_waiting() -> ColumnElement[bool]:
    """Submitted and not reviewed: a reviewed worksheet takes no new submissions, so
    one review of any submission means the worksheet is reviewed."""
    reviewed = exists().where(
        WorksheetReview.submission_id == WorksheetSubmission.id,
        WorksheetSubmission.enrolment_id == Enrolment.id,
    )
    return and_(exists().where(WorksheetSubmission.enrolment_id == Enrolment.id), not_(reviewed))


def state_condition(state: LearnerState) -> ColumnElement[bool]:
    """The condition an enrolment (``Enrolment``, from the enclosing query) meets in
    ``state``."""
    if state is LearnerState.COMPLETED:
        return _completed()
    if state is LearnerState.WORKSHEET_WAITING:
        return _worksheet_waiting()
    if state is LearnerState.IN_PROGRESS:
        return and_(not_(_completed()), _started())
    return and_(not_(_completed()), not_(_started()))
