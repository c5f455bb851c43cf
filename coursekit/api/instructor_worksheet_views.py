"""Worksheets waiting for review, one submission, and the review itself: the instructor's
worksheet pages' queries and operation, as JSON.

A submission outside the modules the reviewer is assigned to, or their own, is 403 with
the rule's message, as on the page; an unknown one is 404.
"""

from __future__ import annotations

from typing import Any

from coursekit.access import access, current_account
from coursekit.api.endpoint import endpoint
from coursekit.api.errors import fail
from coursekit.api.pagination import PageQuery, page_schema, paginate
from coursekit.api.refusals import refusals
from coursekit.api.routes import bp
from coursekit.api.schemas.instructor import (
    QueueItemSchema,
    ReviewedSubmissionSchema,
    ReviewInput,
    WorksheetReviewSchema,
)
from coursekit.assessment.worksheets.models import WorksheetReview
from coursekit.assessment.worksheets.operations import review_worksheet
from coursekit.assessment.worksheets.queries import (
    SubmissionForReview,
    WorksheetRefused,
    review_queue,
    submission_for_review,
)

TAG = "instructor: worksheets"
REFUSED = "worksheet_refused"


def _case(submission_id: int) -> SubmissionForReview:
    with refusals(REFUSED, WorksheetRefused):
        case = submission_for_review(current_account(), submission_id)
    if case is None:
        fail(404, "not_found", "No worksheet submission has this id.")
    return case


def _review_data(review: WorksheetReview | None, created: bool = False) -> dict[str, Any] | None:
    if review is None:
        return None
    return {
        "submission_id": review.submission_id,
        "reviewed_at": review.reviewed_at,
        "comment": review.comment,
        "reviewer_id": review.reviewer_id,
        "created": created,
    }


@bp.get("/teach/worksheets")
@access("instructor")
@endpoint(
    "Latest unreviewed worksheets in your modules, oldest first",
    tag=TAG,
    query=PageQuery,
    response=page_schema(QueueItemSchema),
)
def worksheet_queue(query: dict[str, Any]) -> dict[str, Any]:
    return paginate(review_queue(current_account()), lambda item: item.submission_id, query)


@bp.get("/teach/worksheets/<int:submission_id>")
@access("instructor")
@endpoint("One worksheet submission and its review", tag=TAG, response=ReviewedSubmissionSchema)
def worksheet_submission(submission_id: int) -> dict[str, Any]:
    case = _case(submission_id)
    return {
        "submission": case.submission,
        "module_id": case.package.id,
        "version": case.package.version,
        "learner": case.learner,
        "is_latest": case.is_latest,
        "review": _review_data(case.submission.review),
    }


@bp.post("/teach/worksheets/<int:submission_id>/review")
@access("instructor")
@endpoint(
    "Mark the worksheet reviewed, with an optional comment; releases the post-test",
    tag=TAG,
    body=ReviewInput,
    response=WorksheetReviewSchema,
    errors=(409,),
    description="A submission already reviewed keeps its first review (created is false). "
    "409 when the learner has submitted a newer revision.",
)
def review_submission(submission_id: int, body: dict[str, Any]) -> dict[str, Any]:
    case = _case(submission_id)
    with refusals(REFUSED, WorksheetRefused):
        review, created = review_worksheet(case.submission, current_account(), body["comment"])
    return _review_data(review, created)
