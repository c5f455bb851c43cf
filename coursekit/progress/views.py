"""The learner's dashboard: every enrolled module, how far along, and what comes next."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request

from coursekit.access import access, current_account
from coursekit.db import utcnow
from coursekit.progress.dashboard import as_data, learner_progress, resume_url, step_url
from coursekit.progress.schemas import DashboardSchema
from coursekit.web import Page

bp = Blueprint("progress", __name__)

_DASHBOARD = DashboardSchema()


@bp.get("/dashboard")
@access("learner")
def dashboard() -> Page:
    """Modules in progress first (newest enrolment first), then completed ones. Answers
    JSON (``DashboardSchema``) to ``Accept: application/json``."""
    tracked = learner_progress(current_account(), now=utcnow())
    if request.accept_mimetypes.best == "application/json":
        data = [as_data(item, shown) for item, shown in tracked]
        return jsonify(_DASHBOARD.dump({"enrolments": data}))
    certificates = {id(item): shown for item, shown in tracked}
    return render_template(
        "coursekit/progress/dashboard.html",
        in_progress=[item for item, _ in tracked if item.completion is None],
        completed=[item for item, _ in tracked if item.completion is not None],
        certificate_of=lambda item: certificates[id(item)],
        step_url=step_url,
        resume_url=resume_url,
    )
