"""What instructors read about their modules' learners (instructor audience): figures,
learners' progress and events, worksheets to review, question statistics and evaluation
results. Evaluation comments carry learners' names only for administrators, as on the
results page."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, pre_dump, validate

from coursekit.api.schemas.staff import CursorQuery, PersonSchema, reason_field
from coursekit.assessment.worksheets.operations import MAX_COMMENT
from coursekit.progress.reports.filters import DESCRIPTIONS, LearnerState


class VersionSummarySchema(Schema):
    version = fields.String(attribute="version.version")
    title = fields.String(attribute="version.title")
    enrolled = fields.Integer()
    in_progress = fields.Integer()
    completed = fields.Integer()
    attempted = fields.Integer()
    passed = fields.Integer()
    evaluations = fields.Integer()
    median_seat_seconds = fields.Float(allow_none=True)
    median_attempts = fields.Float(allow_none=True)


class ModuleReportSchema(Schema):
    module_id = fields.String()
    title = fields.String()
    versions = fields.List(
        fields.Nested(VersionSummarySchema), metadata={"description": "Newest first."}
    )


class LearnersQuery(CursorQuery):
    """A version's learners, all or those in one state."""

    state = fields.String(
        load_default=None,
        validate=validate.OneOf([state.value for state in LearnerState]),
        metadata={
            "description": "Only the learners in this state: "
            + "; ".join(f"{state.value}: {DESCRIPTIONS[state]}" for state in LearnerState)
            + ". Send the same state with each page's cursor."
        },
    )


class LearnerRowSchema(Schema):
    enrolment_id = fields.Integer()
    user_id = fields.Integer()
    first_name = fields.String()
    last_name = fields.String()
    email = fields.String()
    nccaom_id = fields.String(allow_none=True)
    enrolled_at = fields.AwareDateTime()
    lessons_completed = fields.Integer()
    seat_minutes = fields.Integer()
    attempts = fields.Integer()
    best_percent = fields.Float(allow_none=True)
    passed = fields.Boolean(allow_none=True, metadata={"description": "null until graded."})
    worksheet = fields.String(metadata={"description": "not-submitted, submitted or reviewed."})
    evaluated = fields.Boolean()
    completed_at = fields.AwareDateTime(allow_none=True)


class MissingStepSchema(Schema):
    kind = fields.String()
    text = fields.String()
    blocked = fields.Boolean()


class ScoreSchema(Schema):
    earned = fields.Float()
    possible = fields.Float()
    percent = fields.Float()
    passed = fields.Boolean()


class LearnerEventSchema(Schema):
    kind = fields.String()
    at = fields.AwareDateTime()
    key = fields.String(metadata={"description": "Names the record; never changes."})
    lesson = fields.String(allow_none=True)
    seconds = fields.Integer()
    attempt_number = fields.Integer(allow_none=True)
    score = fields.Nested(ScoreSchema, allow_none=True)
    detail = fields.String()


class LearnerRecordSchema(Schema):
    """One enrolment's record as the instructor's record page shows it."""

    enrolment_id = fields.Integer()
    module_id = fields.String()
    version = fields.String()
    learner = fields.Nested(PersonSchema)
    enrolled_at = fields.AwareDateTime()
    percent = fields.Integer()
    seat_minutes = fields.Integer()
    required_minutes = fields.Integer()
    completed_at = fields.AwareDateTime(allow_none=True)
    missing_steps = fields.List(fields.Nested(MissingStepSchema))
    events = fields.List(
        fields.Nested(LearnerEventSchema), metadata={"description": "In time order."}
    )

    @pre_dump
    def readable(self, shown: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        enrolment, progress = shown["enrolment"], shown["progress"]
        return {
            "enrolment_id": enrolment.id,
            "module_id": enrolment.module_version.module_id,
            "version": enrolment.module_version.version,
            "learner": shown["learner"],
            "enrolled_at": enrolment.enrolled_at,
            "percent": progress.percent,
            "seat_minutes": progress.seat_minutes,
            "required_minutes": progress.required_minutes,
            "completed_at": progress.completion.completed_at if progress.completion else None,
            "missing_steps": progress.missing,
            "events": shown["events"],
        }


class QueueItemSchema(Schema):
    submission_id = fields.Integer()
    submitted_at = fields.AwareDateTime()
    learner_name = fields.String()
    module_id = fields.String()
    module_title = fields.String()
    module_version = fields.String()


class ReviewInput(Schema):
    comment = fields.String(
        load_default="",
        validate=validate.Length(max=MAX_COMMENT),
        metadata={"description": "For the learner; optional. A review is not a grade."},
    )


class WorksheetReviewSchema(Schema):
    submission_id = fields.Integer()
    reviewed_at = fields.AwareDateTime()
    comment = fields.String()
    reviewer_id = fields.Integer()
    created = fields.Boolean(
        metadata={"description": "False when it was already reviewed: the first review stands."}
    )


class ReviewedSubmissionSchema(Schema):
    """A submission as its reviewer sees it: answers by question id, and its review."""

    submission_id = fields.Integer(attribute="submission.id")
    submitted_at = fields.AwareDateTime(attribute="submission.submitted_at")
    module_id = fields.String()
    version = fields.String()
    learner = fields.Nested(PersonSchema)
    answers = fields.Dict(attribute="submission.answers")
    is_latest = fields.Boolean(
        metadata={"description": "Only the learner's latest submission may be reviewed."}
    )
    review = fields.Nested(WorksheetReviewSchema, allow_none=True)


class QuestionFiguresSchema(Schema):
    attempts = fields.Integer()
    answered = fields.Integer()
    difficulty = fields.Float()
    discrimination = fields.Float(allow_none=True)
    critical_missed = fields.Integer()


class QuestionRowSchema(Schema):
    source = fields.String()
    id = fields.String()
    text = fields.String()
    type = fields.String()
    critical = fields.Boolean()
    figures = fields.Nested(QuestionFiguresSchema)


class VersionStatisticsSchema(Schema):
    version = fields.String(attribute="version.version")
    attempts = fields.Integer()
    rows = fields.List(fields.Nested(QuestionRowSchema))


class QuestionStatisticsSchema(Schema):
    module_id = fields.String()
    title = fields.String()
    min_attempts = fields.Integer(
        metadata={"description": "Fewer graded attempts give no discrimination figure."}
    )
    versions = fields.List(fields.Nested(VersionStatisticsSchema))


class ScaleSummarySchema(Schema):
    text = fields.String(attribute="item.text")
    distribution = fields.List(
        fields.Integer(), metadata={"description": "How many answered 1 to 5."}
    )
    not_applicable = fields.Integer()
    unanswered = fields.Integer()


class ChoiceSummarySchema(Schema):
    text = fields.String(attribute="item.text")
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    unanswered = fields.Integer()


class CommentSchema(Schema):
    submitted_at = fields.AwareDateTime()
    text = fields.String()
    learner = fields.String(
        allow_none=True, metadata={"description": "Administrators only; null for instructors."}
    )


class CommentListSchema(Schema):
    text = fields.String(attribute="item.text")
    comments = fields.List(fields.Nested(CommentSchema))


class FormResultsSchema(Schema):
    version = fields.String()
    form = fields.String()
    responses = fields.Integer()
    scales = fields.Dict(keys=fields.String(), values=fields.Nested(ScaleSummarySchema))
    choices = fields.Dict(keys=fields.String(), values=fields.Nested(ChoiceSummarySchema))
    comments = fields.Dict(keys=fields.String(), values=fields.Nested(CommentListSchema))


class EvaluationResultsSchema(Schema):
    module_id = fields.String()
    title = fields.String()
    with_names = fields.Boolean()
    results = fields.List(fields.Nested(FormResultsSchema))


class RetireInput(Schema):
    reason = reason_field()


class RetiredSchema(Schema):
    module_id = fields.String()
    version = fields.String()
    retired_at = fields.AwareDateTime(allow_none=True)
