"""Worksheet pages: a learner submits the module's worksheet; an instructor reviews it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from markupsafe import Markup

from coursekit.access import access, current_account
from coursekit.assessment.quizzes import quiz_file
from coursekit.assessment.registry import registry
from coursekit.assessment.rendering import RenderedQuestion, markdown_renderer, render_context
from coursekit.assessment.worksheets.forms import ReviewForm, WorksheetForm
from coursekit.assessment.worksheets.operations import (
    is_blank,
    read_answers,
    review_worksheet,
    submit_worksheet,
    takes_answer,
)
from coursekit.assessment.worksheets.queries import (
    QUEUE_LIMIT,
    SubmissionForReview,
    WorksheetRefused,
    WorksheetState,
    instructor_module_ids,
    review_queue,
    reviewer_of,
    submission_for_review,
    worksheet_state,
)
from coursekit.catalog.queries import CatalogueEntry, module_entry
from coursekit.errors import ValidationFailed
from coursekit.packages.values import ModulePackage
from coursekit.web import Page, perform

bp = Blueprint("worksheets", __name__)
TEMPLATES = "coursekit/assessment/worksheets"
WHEN = "%d %B %Y, %H:%M UTC"


@dataclass(frozen=True)
class Item:
    """One worksheet item on a page: the rendered question, its number among the
    questions (None for a description), the message about its answer, and for reviewers
    the author's guidance."""

    rendered: RenderedQuestion
    number: int | None
    error: str = ""
    guidance: Markup | None = None


def _items(
    package: ModulePackage,
    responses: Mapping[str, Any],
    *,
    closed: bool,
    raw: Mapping[str, Any] | None = None,
    errors: Mapping[str, list[str]] | None = None,
    for_reviewer: bool = False,
) -> list[Item]:
    """The worksheet's items in file order, filled with ``responses`` (canonical). Where
    an answer was refused, the learner's own input (``raw``) is shown again so that a
    long essay is not lost to a word limit."""
    assert package.worksheet is not None  # type narrowing only  # nosec B101
    md = markdown_renderer(package)
    items: list[Item] = []
    number = 0
    for question in quiz_file(package, package.worksheet).questions:
        qid = question["id"]
        rendered = render_context(
            package, question, None, name=f"q-{qid}", response=responses.get(qid), closed=closed
        )
        rendered.context["points"] = None  # a worksheet is reviewed, never scored
        messages = (errors or {}).get(qid, [])
        if messages and raw is not None and not is_blank(raw.get(qid)):
            rendered.context["value"] = raw[qid]
        answerable = takes_answer(question)
        if answerable:
            number += 1
        guidance = question.get("guidance") if for_reviewer else None
        items.append(
            Item(
                rendered,
                number if answerable else None,
                " ".join(messages),
                md(guidance) if guidance else None,
            )
        )
    return items


def _worksheet_entry(module_id: str) -> CatalogueEntry:
    """The module as the learner enrolled in it; 404 without a worksheet, and a learner
    who is not enrolled is sent to the module page."""
    entry = module_entry(current_account(), module_id)
    if entry is None or entry.package.worksheet is None:
        abort(404)
    if entry.enrolment is None:
        flash("Enrol in this module to work on its worksheet.", "info")
        abort(redirect(url_for("coursekit.catalog.module", module_id=module_id)))
    return entry


def _learner_page(
    entry: CatalogueEntry,
    state: WorksheetState,
    *,
    responses: Mapping[str, Any],
    raw: Mapping[str, Any] | None = None,
    errors: Mapping[str, list[str]] | None = None,
    status: int = 200,
) -> Page:
    review = state.latest.review if state.latest is not None else None
    items = _items(entry.package, responses, closed=review is not None, raw=raw, errors=errors)
    page = render_template(
        f"{TEMPLATES}/worksheet.html",
        entry=entry,
        package=entry.package,
        state=state,
        review=review,
        reviewer=reviewer_of(review) if review is not None else None,
        items=items,
        errors=errors,
        form=WorksheetForm(formdata=None),
        when=WHEN,
    )
    return page, status


@bp.get("/modules/<module_id>/worksheet")
@access("learner")
def worksheet(module_id: str) -> Page:
    entry = _worksheet_entry(module_id)
    assert entry.enrolment is not None  # type narrowing only  # nosec B101
    state = worksheet_state(entry.enrolment)
    return _learner_page(entry, state, responses=state.latest.answers if state.latest else {})


@bp.post("/modules/<module_id>/worksheet")
@access("learner")
def submit(module_id: str) -> Page:
    entry = _worksheet_entry(module_id)
    enrolment, package = entry.enrolment, entry.package
    assert enrolment is not None  # type narrowing only  # nosec B101
    assert package.worksheet is not None  # type narrowing only  # nosec B101
    questions = quiz_file(package, package.worksheet).questions
    raw = {
        question["id"]: registry()[question["type"]].read_form(
            request.form, None, f"q-{question['id']}"
        )
        for question in questions
        if takes_answer(question)
    }
    try:
        submit_worksheet(enrolment, raw)
    except WorksheetRefused as refusal:
        flash(refusal.message, "error")
        state = worksheet_state(enrolment)
        answers = state.latest.answers if state.latest else {}
        return _learner_page(entry, state, responses=answers, status=refusal.status)
    except ValidationFailed as failure:
        answers, _errors = read_answers(questions, raw)
        state = worksheet_state(enrolment)
        return _learner_page(
            entry, state, responses=answers, raw=raw, errors=failure.errors, status=422
        )
    flash(
        "Your worksheet is submitted. Until an instructor reviews it you can still revise it.",
        "success",
    )
    return redirect(url_for(".worksheet", module_id=module_id))


@bp.get("/teach/worksheets")
@access("instructor")
def queue() -> Page:
    account = current_account()
    assert account is not None  # type narrowing only  # nosec B101
    items = review_queue(account)
    # Only an empty queue needs to say why: no module assigned yet, or nothing waiting.
    modules = instructor_module_ids(account) if not items else None
    return render_template(
        f"{TEMPLATES}/queue.html",
        items=items,
        limit=QUEUE_LIMIT,
        unassigned=modules is not None and not modules,
        when=WHEN,
    )


def _case(submission_id: int) -> SubmissionForReview:
    """The submission for the signed-in reviewer: 404 if unknown, 403 if not theirs to
    review."""
    account = current_account()
    assert account is not None  # type narrowing only  # nosec B101
    try:
        case = submission_for_review(account, submission_id)
    except WorksheetRefused as refusal:
        flash(refusal.message, "error")
        abort(refusal.status)
    if case is None:
        abort(404)
    return case


def _review_page(case: SubmissionForReview, form: ReviewForm, status: int = 200) -> Page:
    items = _items(case.package, case.submission.answers, closed=True, for_reviewer=True)
    page = render_template(
        f"{TEMPLATES}/submission.html",
        case=case,
        package=case.package,
        submission=case.submission,
        items=items,
        form=form,
        when=WHEN,
    )
    return page, status


@bp.get("/teach/worksheets/<int:submission_id>")
@access("instructor")
def submission(submission_id: int) -> Page:
    return _review_page(_case(submission_id), ReviewForm(formdata=None))


@bp.post("/teach/worksheets/<int:submission_id>/review")
@access("instructor")
def review(submission_id: int) -> Page:
    case = _case(submission_id)
    account = current_account()
    assert account is not None  # type narrowing only  # nosec B101
    form = ReviewForm()
    try:
        outcome = perform(
            form, lambda: review_worksheet(case.submission, account, form.comment.data or "")
        )
    except WorksheetRefused as refusal:
        flash(refusal.message, "error")
        return _review_page(_case(submission_id), form, refusal.status)
    if outcome is None:
        return _review_page(case, form, 422)
    saved, created = outcome
    learner = case.learner.full_name
    if created:
        flash(f"{learner}'s worksheet is reviewed; the post-test is released to them.", "success")
    else:
        flash(
            f"{learner}'s worksheet was already reviewed by {reviewer_of(saved).full_name} "
            f"on {saved.reviewed_at.strftime(WHEN)}; nothing was changed.",
            "info",
        )
    return redirect(url_for(".queue"))
