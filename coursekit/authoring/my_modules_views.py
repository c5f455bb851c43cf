"""The instructor's home, "My modules": every module they teach, its versions, learners and
what waits for them, with the way to each instructor page."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from coursekit.access import access, current_account
from coursekit.admin.modules.forms import RetireForm
from coursekit.authoring.my_modules import (
    assigned_but_unpublished,
    require_taught_version,
    taught_modules,
)
from coursekit.db import utcnow
from coursekit.packages import operations
from coursekit.web import Page

bp = Blueprint("my_modules", __name__)


@bp.get("/teach")
@access("instructor")
def index() -> Page:
    account = current_account()
    assert account is not None  # type narrowing only  # nosec B101
    modules, queue_full = taught_modules(account)
    return render_template(
        "coursekit/authoring/my_modules.html",
        modules=modules,
        queue_full=queue_full,
        unpublished=assigned_but_unpublished(account, modules),
        retire_form=RetireForm(formdata=None),
    )


@bp.post("/teach/modules/<module_id>/versions/<version>/retire")
@access("instructor")
def retire(module_id: str, version: str) -> Page:
    """Close a version to new enrolments (its enrolled learners finish it): the instructors
    of the module may, as administrators may from the console; the same operation."""
    account = current_account()
    assert account is not None  # type narrowing only  # nosec B101
    try:
        require_taught_version(account, module_id, version)
    except operations.VersionError as refusal:
        abort(refusal.status)
    form = RetireForm()
    if not form.validate():
        flash(
            " ".join(message for messages in form.errors.values() for message in messages), "error"
        )
        return redirect(url_for(".index")), 303
    try:
        operations.retire_version(
            module_id, version, actor=account, reason=form.reason.data.strip(), now=utcnow()
        )
    except operations.VersionError as refusal:
        flash(refusal.message, "error")
        return redirect(url_for(".index")), 303
    flash(
        f"{module_id} {version} is retired: no new enrolments; enrolled learners finish it.",
        "success",
    )
    return redirect(url_for(".index")), 303
