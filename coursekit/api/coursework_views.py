"""Worksheet and course-evaluation submissions: the same operations and rules as the
worksheet and evaluation pages, as JSON."""

from __future__ import annotations

from typing import Any

from coursekit.access import access, current_account
from coursekit.api.endpoint import endpoint
from coursekit.api.errors import fail
from coursekit.api.routes import bp
from coursekit.api.schemas.coursework import (
    EvaluationFormSchema,
    EvaluationInput,
    EvaluationResponseSchema,
    WorksheetInput,
    WorksheetSubmissionSchema,
)
from coursekit.assessment.evaluations import operations as evaluations
from coursekit.assessment.evaluations import queries as evaluation_queries
from coursekit.assessment.evaluations.evaluation_form import EvaluationForm
from coursekit.assessment.evaluations.models import EvaluationResponse
from coursekit.assessment.quizzes import quiz_file
from coursekit.assessment.worksheets.models import WorksheetSubmission
from coursekit.assessment.worksheets.operations import submit_worksheet as store_worksheet
from coursekit.assessment.worksheets.queries import WorksheetRefused
from coursekit.catalog.queries import CatalogueEntry, module_entry
from coursekit.db import utcnow


def _enrolled(module_id: str) -> CatalogueEntry:
    entry = module_entry(current_account(), module_id)
    if entry is None or entry.enrolment is None:
        fail(404, "not_found", "You are not enrolled in this module.")
    return entry


@bp.post("/modules/<module_id>/worksheet")
@access("learner")
@endpoint(
    "Submit (or, until it is reviewed, revise) the module's worksheet",
    tag="coursework",
    body=WorksheetInput,
    response=WorksheetSubmissionSchema,
    status=201,
    errors=(404, 409),
    description="Identical answers to your latest submission return it (a double submit "
    "stores one). A reviewed worksheet is closed: 409.",
)
def submit_worksheet(module_id: str, body: dict[str, Any]) -> WorksheetSubmission:
    entry = _enrolled(module_id)
    if entry.package.worksheet is None:
        fail(404, "not_found", "This module has no worksheet.")
    questions = quiz_file(entry.package, entry.package.worksheet).questions
    _refuse_unknown(body["answers"], {question["id"] for question in questions})
    try:
        return store_worksheet(entry.enrolment, body["answers"])
    except WorksheetRefused as refusal:
        fail(refusal.status, "worksheet_refused", refusal.message)


@bp.post("/modules/<module_id>/evaluation")
@access("learner")
@endpoint(
    "Submit the course evaluation (once, after the post-test)",
    tag="coursework",
    body=EvaluationInput,
    response=EvaluationResponseSchema,
    status=201,
    errors=(404, 409),
)
def submit_evaluation(module_id: str, body: dict[str, Any]) -> EvaluationResponse:
    # The evaluation page's order: already submitted, then not yet allowed, then the form.
    entry = _enrolled(module_id)
    if evaluation_queries.response_for(entry.enrolment) is not None:
        fail(409, "already_submitted", "Your evaluation was already recorded.")
    refusal = evaluation_queries.evaluation_refusal(entry.enrolment, now=utcnow())
    if refusal:
        fail(409, "evaluation_refused", refusal)
    form = evaluation_queries.form_for(entry.package)
    _refuse_unknown(body["answers"], {item.id for item in form.items})
    return evaluations.submit_evaluation(entry.enrolment, form, body["answers"])


@bp.get("/modules/<module_id>/evaluation")
@access("learner")
@endpoint(
    "The course evaluation form of your enrolled version",
    tag="coursework",
    response=EvaluationFormSchema,
    errors=(404,),
)
def evaluation_form(module_id: str) -> EvaluationForm:
    return evaluation_queries.form_for(_enrolled(module_id).package)


def _refuse_unknown(answers: dict[str, Any], known: set[str]) -> None:
    """Answers to items the form does not have are a 422, as unknown fields are."""
    unknown = sorted(set(answers) - known)
    if unknown:
        fail(
            422, "invalid", "Some fields are invalid.", {key: ["Unknown item."] for key in unknown}
        )
