"""The instructor area as JSON: a module's figures, learners and their records, question
statistics, evaluation results, worksheets to review, and retiring a version.

Who may read what is the pages' rule, through the pages' own helpers: a module never
published is 404; anyone but an administrator or an instructor assigned to the module is
403 (learners are refused by the ``instructor`` policy before that).
"""

from __future__ import annotations

from typing import Any

from coursekit.access import access, current_account
from coursekit.accounts.models import Role
from coursekit.api.endpoint import endpoint
from coursekit.api.pagination import page_schema, paginate_after
from coursekit.api.refusals import refusals
from coursekit.api.routes import bp
from coursekit.api.schemas.instructor import (
    EvaluationResultsSchema,
    LearnerRecordSchema,
    LearnerRowSchema,
    LearnersQuery,
    ModuleReportSchema,
    QuestionStatisticsSchema,
    RetiredSchema,
    RetireInput,
)
from coursekit.assessment.evaluations import queries as evaluation_queries
from coursekit.assessment.evaluations.views import require_results_reader
from coursekit.assessment.statistics import MIN_ATTEMPTS, module_statistics
from coursekit.authoring.my_modules import require_taught_version
from coursekit.db import utcnow
from coursekit.packages import operations
from coursekit.packages.models import ModuleVersion
from coursekit.progress.queries import progress_for
from coursekit.progress.reports import queries as report_queries
from coursekit.progress.reports.filters import LearnerState
from coursekit.progress.reports.views import readable_enrolment, readable_version
from coursekit.progress.timeline import events

TAG = "instructor: reports"


@bp.get("/teach/modules/<module_id>/report")
@access("instructor")
@endpoint(
    "Each version of a module with its figures, newest first", tag=TAG, response=ModuleReportSchema
)
def module_report(module_id: str) -> dict[str, Any]:
    _account, versions = require_results_reader(module_id)
    return {
        "module_id": module_id,
        "title": versions[0].title,
        "versions": report_queries.version_summaries(versions),
    }


@bp.get("/teach/modules/<module_id>/versions/<version>/learners")
@access("instructor")
@endpoint(
    "A version's learners by name, with their figures",
    tag=TAG,
    query=LearnersQuery,
    response=page_schema(LearnerRowSchema),
    description=f"Pages of {report_queries.PAGE_SIZE}, as on the learners page. 400 "
    "stale_cursor when the cursor's learner has left the list (another state now).",
)
def module_learners(module_id: str, version: str, query: dict[str, Any]) -> dict[str, Any]:
    module_version = readable_version(module_id, version)
    total = report_queries.enrolled_count(module_version)
    state = None if query["state"] is None else LearnerState(query["state"])

    def page_after(after: int | None) -> tuple[list[Any], int | None] | None:
        page = report_queries.learners_page(module_version, total, after=after, state=state)
        return None if page is None else (page.rows, page.next_after)

    return paginate_after(page_after, query)


@bp.get("/teach/enrolments/<int:enrolment_id>")
@access("instructor")
@endpoint(
    "One enrolment's record: progress, what is missing, every event",
    tag=TAG,
    response=LearnerRecordSchema,
)
def learner_record(enrolment_id: int) -> dict[str, Any]:
    enrolment, learner = readable_enrolment(enrolment_id)
    return {
        "enrolment": enrolment,
        "learner": learner,
        "progress": progress_for([enrolment], now=utcnow())[0],
        "events": events([enrolment.id]),
    }


@bp.get("/teach/modules/<module_id>/questions")
@access("instructor")
@endpoint(
    "Question statistics per version: difficulty, discrimination, critical misses",
    tag=TAG,
    response=QuestionStatisticsSchema,
)
def question_statistics(module_id: str) -> dict[str, Any]:
    _account, versions = require_results_reader(module_id)
    return {
        "module_id": module_id,
        "title": versions[0].title,
        "min_attempts": MIN_ATTEMPTS,
        "versions": module_statistics(module_id),
    }


@bp.get("/teach/modules/<module_id>/evaluations")
@access("instructor")
@endpoint(
    "Course evaluation results per version and form",
    tag=TAG,
    response=EvaluationResultsSchema,
    description="Comments are anonymous for instructors; administrators see names.",
)
def evaluation_results(module_id: str) -> dict[str, Any]:
    account, versions = require_results_reader(module_id)
    with_names = account.has_role(Role.ADMIN)
    return {
        "module_id": module_id,
        "title": versions[0].title,
        "with_names": with_names,
        "results": evaluation_queries.module_results(module_id, with_names=with_names),
    }


@bp.post("/teach/modules/<module_id>/versions/<version>/retire")
@access("instructor")
@endpoint(
    "Close a version you teach to new enrolments (its learners finish it)",
    tag="instructor: modules",
    body=RetireInput,
    response=RetiredSchema,
    errors=(409,),
    description="409 when it is already retired.",
)
def retire_taught(module_id: str, version: str, body: dict[str, Any]) -> ModuleVersion:
    account = current_account()
    with refusals("version_refused", operations.VersionError):
        require_taught_version(account, module_id, version)
        return operations.retire_version(
            module_id, version, actor=account, reason=body["reason"].strip(), now=utcnow()
        )
