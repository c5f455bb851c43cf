"""The post-test pages: overview, one question per page, checking the answers,
submission, review.

A question page holds that question only, so nothing of a question the learner has not
reached is ever sent. The same question URL answers JSON (``Accept: application/json``
to read, a JSON body ``{"response": ...}`` to save), for the page's autosave script and
for API clients.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from coursekit import db
from coursekit.access import access, current_account
from coursekit.assessment.attempts.check import check_page
from coursekit.assessment.attempts.forms import CONFIRMED, AttemptForm
from coursekit.assessment.attempts.models import Attempt
from coursekit.assessment.attempts.operations import (
    close_attempt,
    expire_if_due,
    save_or_withdraw,
    start_post_test,
)
from coursekit.assessment.attempts.queries import (
    AttemptRefused,
    attempt_for,
    latest_answers,
    post_test_status,
)
from coursekit.assessment.attempts.review import review_page
from coursekit.assessment.quizzes import post_test_size, resolve
from coursekit.assessment.registry import registry
from coursekit.assessment.rendering import render_context
from coursekit.assessment.timing.queries import time_limit_for
from coursekit.catalog.models import Enrolment
from coursekit.catalog.queries import module_entry
from coursekit.certificates.provider.queries import current_provider
from coursekit.db import utcnow
from coursekit.packages.queries import package_for
from coursekit.web import Page

bp = Blueprint("attempts", __name__)


def _enrolment(module_id: str) -> Enrolment:
    entry = module_entry(current_account(), module_id)
    if entry is None:
        abort(404)
    if entry.enrolment is None:
        flash("Enrol in this module to take its post-test.", "info")
        abort(redirect(url_for("coursekit.catalog.module", module_id=module_id)))
    return entry.enrolment


def _own_attempt(attempt_id: int) -> Attempt:
    """The learner's own attempt; anyone else's, or none, is 404 (ids are not secrets,
    but another learner's attempt is not theirs to know about)."""
    attempt = attempt_for(current_account().id, attempt_id)
    if attempt is None:
        abort(404)
    return attempt


def _wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


def _refuse(refusal: AttemptRefused) -> Response:
    """The refusal as JSON or as an error page, with its status; nothing was stored."""
    if _wants_json():
        response = jsonify({"error": {"code": refusal.status, "message": refusal.message}})
        response.status_code = refusal.status
        return response
    abort(refusal.status, description=refusal.message)


@bp.get("/modules/<module_id>/post-test")
@access("learner")
@db.writes_on_get
def overview(module_id: str) -> Page:
    enrolment = _enrolment(module_id)
    status = post_test_status(enrolment, now=utcnow())
    if status.open_attempt is not None and expire_if_due(status.open_attempt):
        status = post_test_status(enrolment, now=utcnow())
    package = package_for(enrolment.module_version)
    time_limit = time_limit_for(enrolment)
    return render_template(
        "coursekit/assessment/attempts/overview.html",
        package=package,
        status=status,
        questions=post_test_size(package),
        time_limit=time_limit,
        # Where to arrange more time (WCAG 2.2.1): only asked for when there is a limit.
        provider_contact=current_provider(images=False).contact if time_limit else "",
        form=AttemptForm(),
    )


@bp.post("/modules/<module_id>/post-test/start")
@access("learner")
def start(module_id: str) -> Page:
    enrolment = _enrolment(module_id)
    try:
        attempt = start_post_test(enrolment)
    except AttemptRefused as refusal:
        return _refuse(refusal)
    answers = latest_answers(attempt)
    first_open = next((i for i in range(len(attempt.questions)) if i not in answers), 0)
    return redirect(url_for(".question", attempt_id=attempt.id, number=first_open + 1), code=303)


@bp.get("/attempts/<int:attempt_id>/<int:number>")
@access("learner")
@db.writes_on_get
def question(attempt_id: int, number: int) -> Page:
    attempt = _own_attempt(attempt_id)
    if expire_if_due(attempt) or not attempt.is_open:
        return redirect(url_for(".summary", attempt_id=attempt.id))
    if not 1 <= number <= len(attempt.questions):
        abort(404)
    return _question_page(attempt, number)


@bp.post("/attempts/<int:attempt_id>/<int:number>")
@access("learner")
def save(attempt_id: int, number: int) -> Page:
    attempt = _own_attempt(attempt_id)
    if not 1 <= number <= len(attempt.questions):
        abort(404)
    frozen = attempt.questions[number - 1]
    package = package_for(attempt.enrolment.module_version)
    question = resolve(package, frozen)
    kind = registry()[question["type"]]
    action = request.form.get("action", "next")
    if request.is_json:
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or "response" not in body:
            return _refuse(AttemptRefused('Send {"response": ...} as a JSON object.', 400))
        raw: Any = body["response"]
    else:
        raw = kind.read_form(request.form, frozen["arrangement"], "answer")
    saved_at = None
    try:
        saved = save_or_withdraw(attempt, number - 1, raw)
        saved_at = saved.saved_at if saved is not None else None
    except AttemptRefused as refusal:
        if _wants_json():
            return _refuse(refusal)
        if refusal.status == 422:
            return _question_page(attempt, number, error=refusal.message), 422
        if expire_if_due(attempt):
            flash("Time ran out: answers given after the time limit were not counted.", "error")
            return redirect(url_for(".summary", attempt_id=attempt.id), code=303)
        return _refuse(refusal)
    if _wants_json():
        # The deadline too: an administrator may have extended it since the page loaded.
        return jsonify(
            {
                "saved_at": saved_at.isoformat() if saved_at else None,
                "deadline": attempt.deadline.isoformat() if attempt.deadline else None,
            }
        )
    if action == "previous" and number > 1:
        return redirect(url_for(".question", attempt_id=attempt.id, number=number - 1), code=303)
    if action == "next" and number < len(attempt.questions):
        return redirect(url_for(".question", attempt_id=attempt.id, number=number + 1), code=303)
    return redirect(url_for(".summary", attempt_id=attempt.id), code=303)


@bp.get("/attempts/<int:attempt_id>")
@access("learner")
@db.writes_on_get
def summary(attempt_id: int) -> Page:
    """Check your answers (an open attempt), or the result and review (a closed one)."""
    attempt = _own_attempt(attempt_id)
    expire_if_due(attempt)
    if not attempt.is_open:
        return review_page(attempt)
    return check_page(attempt)


@bp.post("/attempts/<int:attempt_id>/submit")
@access("learner")
def submit(attempt_id: int) -> Page:
    """The final submission: only with the confirmation the check page's form carries
    (JSON clients send ``{"confirm": true}``). Without it nothing closes; the learner is
    sent to check their answers. A passed time limit closes the attempt either way: that
    is the deadline's doing, not a submission."""
    attempt = _own_attempt(attempt_id)
    expire_if_due(attempt)
    if attempt.is_open and not _confirmed():
        if _wants_json():
            return _refuse(AttemptRefused('Send {"confirm": true} to submit final answers.', 400))
        flash("Check your answers, then submit them from this page.", "info")
        return redirect(url_for(".summary", attempt_id=attempt.id), code=303)
    # An attempt already closed (a double click, another tab, the deadline) keeps the
    # grade it was given.
    grade = close_attempt(attempt, reason="submitted")
    if _wants_json():
        return jsonify({"percent": grade.percent, "passed": grade.passed})
    return redirect(url_for(".summary", attempt_id=attempt.id), code=303)


def _confirmed() -> bool:
    if request.is_json:
        body = request.get_json(silent=True)
        return isinstance(body, dict) and body.get("confirm") is True
    return request.form.get("confirm") == CONFIRMED


def _question_page(attempt: Attempt, number: int, error: str = "") -> Page:
    package = package_for(attempt.enrolment.module_version)
    frozen = attempt.questions[number - 1]
    question = resolve(package, frozen)
    response = latest_answers(attempt).get(number - 1)
    rendered = render_context(package, question, frozen["arrangement"], response=response)
    if _wants_json():
        context = rendered.context
        return jsonify(
            {
                "attempt": attempt.id,
                "number": number,
                "of": len(attempt.questions),
                "question": context["q"],
                "points": context["points"],
                "response": context["value"],
                "deadline": attempt.deadline.isoformat() if attempt.deadline else None,
            }
        )
    return render_template(
        "coursekit/assessment/attempts/question.html",
        attempt=attempt,
        package=package,
        number=number,
        rq=rendered,
        error=error,
        form=AttemptForm(),
        now=utcnow(),
    )
