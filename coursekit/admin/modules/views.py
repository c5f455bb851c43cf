"""The module page (administrators): every discovered package and version, reload from
disk, retire a version, assign and unassign instructors.

A refusal shows the page again with a flashed message and the rule's status (404 no such
version or account, 409 already retired, 422 a missing reason or a rule broken), and
changes nothing.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from coursekit.access import access, current_account
from coursekit.admin.modules import queries
from coursekit.admin.modules.forms import AssignForm, ReloadForm, RetireForm, UnassignForm
from coursekit.admin.users.queries import user_by_id
from coursekit.assessment.worksheets.operations import assign_module, unassign_module
from coursekit.db import utcnow
from coursekit.errors import ValidationFailed
from coursekit.packages import operations
from coursekit.web import Page

bp = Blueprint("admin_modules", __name__, url_prefix="/admin/modules")

PAGE_SIZE = 25


@bp.get("")
@access("admin")
def index() -> Page:
    return _page()


def _page(status: int = 200) -> Page:
    text = request.args.get("q", "")[:200]
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    found = queries.modules_page(text, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    instructors = queries.active_instructors()
    assign_form = AssignForm(formdata=None)
    assign_form.instructor.choices = [
        (user.id, f"{user.full_name} ({user.email})") for user in instructors
    ]
    return render_template(
        "coursekit/admin/modules.html",
        found=found,
        q=text,
        page=page,
        pages=max(1, -(-found.total // PAGE_SIZE)),
        reload_form=ReloadForm(formdata=None),
        retire_form=RetireForm(formdata=None),
        assign_form=assign_form,
        unassign_form=UnassignForm(formdata=None),
    ), status


def _refused(messages: list[str], status: int) -> Page:
    for message in messages:
        flash(message, "error")
    return _page(status)


def _form_messages(form: ReloadForm | RetireForm | AssignForm | UnassignForm) -> list[str]:
    return [message for messages in form.errors.values() for message in messages]


def _back(module_id: str | None = None) -> Page:
    anchor = f"module-{module_id}" if module_id else None
    return redirect(url_for("coursekit.admin_modules.index", _anchor=anchor))


@bp.post("/reload")
@access("admin")
def reload() -> Page:
    form = ReloadForm()
    if not form.validate():
        return _refused(_form_messages(form), 422)
    try:
        done = operations.reload_published(
            actor=current_account(), reason=(form.reason.data or "").strip(), now=utcnow()
        )
    except operations.VersionError as refusal:
        return _refused([refusal.message], refusal.status)
    if done.published:
        listed = ", ".join(f"{row.module_id} {row.version}" for row in done.published)
        flash(f"Published {listed}.", "success")
    else:
        flash("No new version to publish.", "info")
    for label, problems in sorted(done.report.problems.items()):
        count = len(problems)
        flash(f"Not published: {label} ({count} problem{'s' * (count != 1)}).", "error")
    return _back()


@bp.post("/<module_id>/<version>/retire")
@access("admin")
def retire(module_id: str, version: str) -> Page:
    form = RetireForm()
    if not form.validate():
        return _refused(_form_messages(form), 422)
    try:
        operations.retire_version(
            module_id,
            version,
            actor=current_account(),
            reason=form.reason.data.strip(),
            now=utcnow(),
        )
    except operations.VersionError as refusal:
        return _refused([refusal.message], refusal.status)
    flash(
        f"{module_id} {version} is retired: no new enrolments; enrolled learners finish it.",
        "success",
    )
    return _back(module_id)


@bp.post("/<module_id>/assign")
@access("admin")
def assign(module_id: str) -> Page:
    return _assignment(module_id, AssignForm(), assign=True)


@bp.post("/<module_id>/unassign")
@access("admin")
def unassign(module_id: str) -> Page:
    return _assignment(module_id, UnassignForm(), assign=False)


def _assignment(module_id: str, form: AssignForm | UnassignForm, *, assign: bool) -> Page:
    """Assign or unassign through the same operations as ``coursekit users assign``."""
    if not form.validate():
        return _refused(_form_messages(form), 422)
    instructor = user_by_id(form.instructor.data)
    if instructor is None:
        return _refused(["No account has that id."], 404)
    operation = assign_module if assign else unassign_module
    try:
        changed = operation(
            instructor,
            module_id,
            actor=current_account(),
            now=utcnow(),
            reason=(form.reason.data or "").strip(),
        )
    except ValidationFailed as failure:
        return _refused([m for messages in failure.errors.values() for m in messages], 422)
    name = instructor.full_name
    if assign:
        done = "is assigned to" if changed else "was already assigned to"
    else:
        done = "is no longer assigned to" if changed else "was not assigned to"
    flash(f"{name} {done} {module_id}.", "success" if changed else "info")
    return _back(module_id)
