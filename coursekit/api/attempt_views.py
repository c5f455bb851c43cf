"""Post-test attempts: start, one question at a time (never its key), save, check,
submit with confirmation, review as the policy allows. The attempt pages' operations
and queries, as JSON; another learner's attempt is a 404."""

from __future__ import annotations

from typing import Any

from coursekit import db
from coursekit.access import access, current_account
from coursekit.api.endpoint import endpoint
from coursekit.api.errors import fail
from coursekit.api.routes import bp
from coursekit.api.schemas.attempts import (
    AnswerInput,
    AttemptSchema,
    CheckSchema,
    GradeSchema,
    QuestionSchema,
    ReviewSchema,
    SavedSchema,
    SubmitInput,
)
from coursekit.assessment.attempts.check import check_items
from coursekit.assessment.attempts.models import Attempt
from coursekit.assessment.attempts.operations import (
    close_attempt,
    expire_if_due,
    save_or_withdraw,
    start_post_test,
)
from coursekit.assessment.attempts.queries import AttemptRefused, attempt_for, latest_answers
from coursekit.assessment.attempts.review import review_of
from coursekit.assessment.quizzes import resolve
from coursekit.assessment.rendering import render_context
from coursekit.catalog.queries import module_entry
from coursekit.packages.queries import package_for


def _own_attempt(attempt_id: int) -> Attempt:
    attempt = attempt_for(current_account().id, attempt_id)
    if attempt is None:
        fail(404, "not_found", "You have no attempt with this id.")
    return attempt


def _refused(refusal: AttemptRefused) -> None:
    fail(refusal.status, "attempt_refused", refusal.message)


@bp.post("/modules/<module_id>/attempts")
@access("learner")
@endpoint(
    "Start your next post-test attempt, or resume the open one",
    tag="attempts",
    response=AttemptSchema,
    status=201,
    errors=(404, 409),
    description="Refused with the reason when no attempt may start now (attempts used, "
    "a wait between attempts, steps still missing).",
)
def start_attempt(module_id: str) -> Attempt:
    entry = module_entry(current_account(), module_id)
    if entry is None or entry.enrolment is None:
        fail(404, "not_found", "You are not enrolled in this module.")
    try:
        return start_post_test(entry.enrolment)
    except AttemptRefused as refusal:
        _refused(refusal)


@bp.get("/attempts/<int:attempt_id>")
@access("learner")
@db.writes_on_get
@endpoint("One of your attempts", tag="attempts", response=AttemptSchema, errors=(404,))
def attempt(attempt_id: int) -> Attempt:
    found = _own_attempt(attempt_id)
    expire_if_due(found)
    return found


@bp.get("/attempts/<int:attempt_id>/questions/<int:number>")
@access("learner")
@db.writes_on_get
@endpoint(
    "One question of your open attempt, with your saved answer (never the key)",
    tag="attempts",
    response=QuestionSchema,
    errors=(404, 409),
)
def question(attempt_id: int, number: int) -> dict[str, Any]:
    found = _own_attempt(attempt_id)
    if expire_if_due(found) or not found.is_open:
        fail(409, "attempt_closed", "This attempt is closed; read its review instead.")
    if not 1 <= number <= len(found.questions):
        fail(404, "not_found", "The attempt has no question with this number.")
    package = package_for(found.enrolment.module_version)
    frozen = found.questions[number - 1]
    rendered = render_context(
        package,
        resolve(package, frozen),
        frozen["arrangement"],
        response=latest_answers(found).get(number - 1),
    )
    context = rendered.context
    return {
        "attempt": found.id,
        "number": number,
        "of": len(found.questions),
        "question": context["q"],
        "points": context["points"],
        "response": context["value"],
        "image_url": context.get("image_url"),
        "deadline": found.deadline,
    }


@bp.put("/attempts/<int:attempt_id>/questions/<int:number>")
@access("learner")
@endpoint(
    "Save (or, with null, withdraw) your answer to one question",
    tag="attempts",
    body=AnswerInput,
    response=SavedSchema,
    errors=(404, 409),
)
def save_answers(attempt_id: int, number: int, body: dict[str, Any]) -> dict[str, Any]:
    found = _own_attempt(attempt_id)
    if not 1 <= number <= len(found.questions):
        fail(404, "not_found", "The attempt has no question with this number.")
    try:
        saved = save_or_withdraw(found, number - 1, body["response"])
    except AttemptRefused as refusal:
        _refused(refusal)
    return {"saved_at": saved.saved_at if saved else None, "deadline": found.deadline}


@bp.get("/attempts/<int:attempt_id>/check")
@access("learner")
@db.writes_on_get
@endpoint(
    "Check which questions you answered before submitting",
    tag="attempts",
    response=CheckSchema,
    errors=(404, 409),
)
def check_attempt(attempt_id: int) -> dict[str, Any]:
    found = _own_attempt(attempt_id)
    if expire_if_due(found) or not found.is_open:
        fail(409, "attempt_closed", "This attempt is closed; read its review instead.")
    items = [
        {
            "number": item.number,
            "answerable": item.answerable,
            "answered": item.rendered is not None,
            "response": item.rendered.context["value"] if item.rendered else None,
        }
        for item in check_items(found)
    ]
    unanswered = sum(1 for item in items if item["answerable"] and not item["answered"])
    return {"attempt": found, "items": items, "unanswered": unanswered}


@bp.post("/attempts/<int:attempt_id>/submit")
@access("learner")
@endpoint(
    "Submit your final answers (send confirm: true)",
    tag="attempts",
    body=SubmitInput,
    response=GradeSchema,
    errors=(404,),
    description="Submitting a closed attempt again returns the grade it was given.",
)
def submit_attempt(attempt_id: int, body: dict[str, Any]) -> Any:
    found = _own_attempt(attempt_id)
    expire_if_due(found)
    return close_attempt(found, reason="submitted")


@bp.get("/attempts/<int:attempt_id>/review")
@access("learner")
@db.writes_on_get
@endpoint(
    "The result of a closed attempt, with as much review as the policy allows",
    tag="attempts",
    response=ReviewSchema,
    errors=(404, 409),
)
def review(attempt_id: int) -> dict[str, Any]:
    found = _own_attempt(attempt_id)
    expire_if_due(found)
    if found.is_open:
        fail(409, "attempt_open", "Submit the attempt first.")
    result = review_of(found)
    items = [
        {
            "number": item.number,
            "question": item.rendered.context["q"],
            "response": item.rendered.context["value"],
            "key": item.rendered.context["review"],
            "verdict": item.verdict,
            "earned": item.result["earned"] if item.result else None,
            "possible": item.result["possible"] if item.result else None,
        }
        for item in result.items
    ]
    return {"attempt": found, "grade": result.grade, "show_key": result.show_key, "items": items}
