"""The catalogue, module pages and enrolment."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from coursekit.access import access, current_account
from coursekit.assessment.steps import assessment_steps
from coursekit.attestation.queries import current_attestation
from coursekit.catalog import operations, queries
from coursekit.catalog.forms import EnrolForm
from coursekit.db import utcnow
from coursekit.packages.queries import current_versions
from coursekit.progress.queries import progress_for
from coursekit.web import Page, perform

bp = Blueprint("catalog", __name__)


@bp.get("/modules")
@access("public")
def catalogue() -> Page:
    args = request.args
    filters = queries.Filters(
        text=args.get("q", "").strip()[:200],
        region=args.get("region", ""),
        muscle=args.get("muscle", ""),
        pain_pattern=args.get("pain", ""),
        board=args.get("board", ""),
    )
    entries, facets = queries.catalogue(current_account(), filters)
    return render_template(
        "coursekit/catalog/catalogue.html", entries=entries, facets=facets, filters=filters
    )


def _module_page(module_id: str, form: EnrolForm | None = None, status: int = 200) -> Page:
    account = current_account()
    current = current_versions()
    entry = queries.module_entry(account, module_id, current)
    if entry is None:
        abort(404)
    package = entry.package
    completed = queries.completed_modules(account, package.prerequisites)
    newest = current.get(module_id)
    return render_template(
        "coursekit/catalog/module.html",
        entry=entry,
        package=package,
        prerequisite_titles=queries.titles(package.prerequisites, current),
        completed=completed,
        progress=progress_for([entry.enrolment], now=utcnow())[0] if entry.enrolment else None,
        steps=assessment_steps(entry.enrolment) if entry.enrolment else [],
        newer_version=newest if newest and newest.id != entry.version.id else None,
        form=form or EnrolForm(formdata=None),
        lesson_url=lambda slug: url_for("coursekit.lessons.lesson", module_id=module_id, slug=slug),
        # Only the enrol form shows the attestation: enrolled learners cost no query.
        attestation=current_attestation() if account and not entry.enrolment else None,
    ), status


@bp.get("/modules/<module_id>")
@access("public")
def module(module_id: str) -> Page:
    return _module_page(module_id)


@bp.post("/modules/<module_id>/enrol")
@access("learner")
def enrol(module_id: str) -> Page:
    version = current_versions().get(module_id)
    if version is None:
        abort(404)
    form = EnrolForm()
    try:
        enrolment = perform(
            form,
            lambda: operations.enrol_accepting(
                current_account(),
                version,
                accepted=form.accept.data,
                shown_version=form.shown_version.data,
            ),
        )
    except operations.AttestationChanged as changed:
        form.form_errors.append(str(changed))
        form.accept.data = False
        return _module_page(module_id, form, 409)
    if enrolment is None:
        return _module_page(module_id, form, 422)
    flash("You are enrolled. Start with the first lesson.", "success")
    return redirect(url_for("coursekit.catalog.module", module_id=module_id))
