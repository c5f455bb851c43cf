"""Report pages and exports for instructors (their assigned modules) and administrators.

Who may read what follows the evaluation results and question statistics pages: a
module never published is 404; anyone but an administrator or an instructor assigned to
the module is 403 (learners are refused by the ``instructor`` policy before that).
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from werkzeug.wrappers import Response

from coursekit import db
from coursekit.access import access, current_account
from coursekit.accounts.models import User
from coursekit.assessment.evaluations.queries import may_read_results
from coursekit.assessment.evaluations.views import require_results_reader
from coursekit.catalog.models import Enrolment
from coursekit.db import utcnow
from coursekit.packages.models import ModuleVersion
from coursekit.packages.queries import package_for
from coursekit.progress.queries import progress_for
from coursekit.progress.reports import queries
from coursekit.progress.reports.exports import (
    EVENT_COLUMNS,
    LEARNER_COLUMNS,
    csv_chunks,
    csv_response,
    event_cells,
    learner_cells,
)
from coursekit.progress.reports.filters import LearnerState
from coursekit.progress.timeline import EventKind, events
from coursekit.web import Page

bp = Blueprint("reports", __name__)

EVENT_LABELS = {
    EventKind.ENROLLED: "Enrolled, attestation accepted",
    EventKind.LESSON_OPENED: "Opened lesson",
    EventKind.LESSON_COMPLETED: "Completed lesson",
    EventKind.SEAT_TIME: "Seat time",
    EventKind.ATTEMPT_STARTED: "Started post-test attempt",
    EventKind.ATTEMPT_SUBMITTED: "Submitted post-test attempt",
    EventKind.ATTEMPT_REGRADED: "Post-test attempt regraded",
    EventKind.WORKSHEET_SUBMITTED: "Submitted worksheet",
    EventKind.WORKSHEET_REVIEWED: "Worksheet reviewed",
    EventKind.EVALUATION_SUBMITTED: "Submitted course evaluation",
    EventKind.MODULE_COMPLETED: "Completed the module",
}


def readable_version(module_id: str, version: str) -> ModuleVersion:
    """The version of a module the current reader may read; 404 when there is none."""
    _account, versions = require_results_reader(module_id)
    for module_version in versions:
        if module_version.version == version:
            return module_version
    abort(404)


def readable_enrolment(enrolment_id: int) -> tuple[Enrolment, User]:
    """The enrolment and its learner; 404 when there is none, 403 when the reader is not
    assigned to its module."""
    found = queries.enrolment_record(enrolment_id)
    if found is None:
        abort(404)
    account = current_account()
    if account is None or not may_read_results(account, found[0].module_version.module_id):
        abort(403)
    return found


@bp.get("/teach/modules/<module_id>/report")
@access("instructor")
def module_report(module_id: str) -> Page:
    """Every version of the module, newest first, with its figures."""
    _account, versions = require_results_reader(module_id)
    return render_template(
        "coursekit/progress/reports/module.html",
        module_id=module_id,
        title=versions[0].title,
        summaries=queries.version_summaries(versions),
    )


def _learner_id(name: str) -> int | None:
    """The learner id in the query argument ``name``, if any; 400 when it is not one."""
    value = request.args.get(name)
    if value is None:
        return None
    # Digits only, and few enough that int() is cheap and the id fits the column.
    if value.isascii() and value.isdecimal() and len(value) <= 10 and 0 < int(value) <= db.MAX_ID:
        return int(value)
    abort(400, description=f"{name} must be the id of a learner in this list.")


@bp.get("/teach/modules/<module_id>/report/<version>/learners")
@access("instructor")
def learners(module_id: str, version: str) -> Page:
    """One page of the version's learners, by name: the first, or the one after
    (``?after=``) or before (``?before=``) a learner of the list; 400 for anything else."""
    module_version = readable_version(module_id, version)
    after, before = _learner_id("after"), _learner_id("before")
    if after is not None and before is not None:
        abort(400, description="A page starts after a learner or ends before one, not both.")
    state = _state()
    total = queries.enrolled_count(module_version)
    page = queries.learners_page(module_version, total, after=after, before=before, state=state)
    if page is None:
        abort(400, description="That learner is not in this list; start from the first page.")
    return render_template(
        "coursekit/progress/reports/learners.html",
        module_version=module_version,
        package=package_for(module_version),
        page=page,
        total=total,
        page_size=queries.PAGE_SIZE,
        state=state,
        states=list(LearnerState),
    )


def _state() -> LearnerState | None:
    """The state ``?state=`` filters by, if any; 400 for one that is not a state."""
    value = request.args.get("state")
    if value is None:
        return None
    try:
        return LearnerState(value)
    except ValueError:
        names = ", ".join(state.value for state in LearnerState)
        abort(400, description=f"state must be one of {names}.")


@bp.get("/teach/modules/<module_id>/report/<version>/learners.csv")
@access("instructor")
def learners_csv(module_id: str, version: str) -> Response:
    """Every learner of the version as CSV (columns in docs/reports.md), streamed."""
    module_version = readable_version(module_id, version)
    package = package_for(module_version)
    rows = (learner_cells(row, package) for row in queries.learner_rows(module_version))
    filename = f"{module_id}-{version}-learners.csv"
    return csv_response(filename, csv_chunks(LEARNER_COLUMNS, rows))


@bp.get("/teach/enrolments/<int:enrolment_id>")
@access("instructor")
def learner_record(enrolment_id: int) -> Page:
    """One enrolment's full record: progress, what is still missing, every event."""
    enrolment, learner = readable_enrolment(enrolment_id)
    progress = progress_for([enrolment], now=utcnow())[0]
    return render_template(
        "coursekit/progress/reports/record.html",
        enrolment=enrolment,
        learner=learner,
        progress=progress,
        events=events([enrolment.id]),
        labels=EVENT_LABELS,
    )


@bp.get("/teach/enrolments/<int:enrolment_id>/events.csv")
@access("instructor")
def events_csv(enrolment_id: int) -> Response:
    """Every event of one enrolment as CSV, in time order, streamed."""
    enrolment, _learner = readable_enrolment(enrolment_id)
    version = enrolment.module_version
    rows = (event_cells(event) for event in events([enrolment.id]))
    filename = f"{version.module_id}-{version.version}-enrolment-{enrolment.id}-events.csv"
    return csv_response(filename, csv_chunks(EVENT_COLUMNS, rows))
