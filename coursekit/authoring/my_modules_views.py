"""The instructor's home, "My modules": every module they teach, its versions, learners and
what waits for them, with the way to each instructor page."""

from __future__ import annotations

from flask import Blueprint, render_template

from coursekit.access import access, current_account
from coursekit.authoring.my_modules import assigned_but_unpublished, taught_modules
from coursekit.web import Page

bp = Blueprint("my_modules", __name__)


@bp.get("/teach")
@access("instructor")
def index() -> Page:
    account = current_account()
    assert account is not None
    modules, queue_full = taught_modules(account)
    return render_template(
        "coursekit/authoring/my_modules.html",
        modules=modules,
        queue_full=queue_full,
        unpublished=assigned_but_unpublished(account, modules),
    )
