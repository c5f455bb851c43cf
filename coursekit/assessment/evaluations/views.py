"""The course evaluation a learner submits, and the results instructors and admins read."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState

from coursekit.access import access, current_account
from coursekit.accounts.models import Role, User
from coursekit.assessment.evaluations import operations, queries
from coursekit.assessment.evaluations.evaluation_form import (
    NOT_APPLICABLE,
    SCALE,
    EvaluationItem,
    load_form_file,
)
from coursekit.assessment.evaluations.forms import evaluation_web_form
from coursekit.catalog.queries import module_entry
from coursekit.db import utcnow
from coursekit.packages.models import ModuleVersion
from coursekit.web import Page, perform

bp = Blueprint("evaluations", __name__)


@bp.record
def _read_provider_form(state: BlueprintSetupState) -> None:
    """Read ``COURSEKIT_EVALUATION_FORM`` once, when the app starts: a broken form file
    stops the start with every problem at its line, instead of failing learners later."""
    path = state.app.config.get("COURSEKIT_EVALUATION_FORM")
    state.app.extensions[queries.FORM_KEY] = load_form_file(path)


def require_results_reader(module_id: str) -> tuple[User, list[ModuleVersion]]:
    """The signed-in admin, or instructor assigned to the module, and the module's
    versions, newest first; 404 for a module never published, 403 for anyone else."""
    versions = queries.module_versions(module_id)
    if not versions:
        abort(404)
    account = current_account()
    if account is None or not queries.may_read_results(account, module_id):
        abort(403)
    return account, versions


def answer_label(item: EvaluationItem, answer: object) -> str:
    """A stored answer in words, for the read-only copy the learner sees."""
    if answer is None:
        return "No answer"
    if item.kind == "scale" and answer == NOT_APPLICABLE:
        return "Not applicable"
    if item.kind == "scale" and isinstance(answer, int):
        return f"{answer}: {dict(SCALE).get(answer, '')}"
    return str(answer)


@bp.route("/modules/<module_id>/evaluation", methods=["GET", "POST"])
@access("learner")
def evaluate(module_id: str) -> Page:
    entry = module_entry(current_account(), module_id)
    if entry is None:
        abort(404)
    module_page = url_for("coursekit.catalog.module", module_id=module_id)
    if entry.enrolment is None:
        flash("Enrol in this module to evaluate it.", "info")
        return redirect(module_page)
    submitted = queries.response_for(entry.enrolment)
    if submitted is not None:
        if request.method == "POST":
            # A second tab or a double click: the first submission stands.
            flash("Your evaluation was already recorded; it cannot be changed.", "info")
            return redirect(request.path)
        items = [EvaluationItem.from_record(record) for record in submitted.items]
        return render_template(
            "coursekit/assessment/evaluations/submitted.html",
            package=entry.package,
            response=submitted,
            answers=[(item, answer_label(item, submitted.answers.get(item.id))) for item in items],
        )
    refusal = queries.evaluation_refusal(entry.enrolment, now=utcnow())
    if refusal:
        flash(refusal, "info")
        return redirect(module_page)
    form = queries.form_for(entry.package)
    web_form = evaluation_web_form(form)
    if request.method == "POST":
        enrolment = entry.enrolment
        stored = perform(
            web_form, lambda: operations.submit_evaluation(enrolment, form, request.form)
        )
        if stored is not None:
            flash("Thank you: your evaluation has been recorded.", "success")
            return redirect(request.path)
    status = 422 if web_form.errors or web_form.form_errors else 200
    return render_template(
        "coursekit/assessment/evaluations/evaluate.html",
        package=entry.package,
        form=form,
        web_form=web_form,
    ), status


@bp.get("/teach/modules/<module_id>/evaluations")
@access("instructor")
def results(module_id: str) -> Page:
    account, versions = require_results_reader(module_id)
    # Instructors read anonymised comments, so learners can be candid about them; admins
    # keep the provider's records and may need to follow a comment up.
    with_names = account.has_role(Role.ADMIN)
    return render_template(
        "coursekit/assessment/evaluations/results.html",
        module_id=module_id,
        title=versions[0].title,
        results=queries.module_results(module_id, with_names=with_names),
        with_names=with_names,
    )
