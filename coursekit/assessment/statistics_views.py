"""The question statistics page for instructors and admins."""

from __future__ import annotations

from flask import Blueprint, render_template

from coursekit.access import access
from coursekit.assessment.evaluations.views import require_results_reader
from coursekit.assessment.statistics import GROUP_SHARE, MIN_ATTEMPTS, module_statistics
from coursekit.web import Page

bp = Blueprint("statistics", __name__)


@bp.get("/teach/modules/<module_id>/questions")
@access("instructor")
def questions(module_id: str) -> Page:
    _account, versions = require_results_reader(module_id)
    return render_template(
        "coursekit/assessment/statistics/questions.html",
        module_id=module_id,
        title=versions[0].title,
        statistics=module_statistics(module_id),
        min_attempts=MIN_ATTEMPTS,
        group_percent=round(GROUP_SHARE * 100),
    )
