"""A learner's enrolments with progress and next steps, enrolling, and lessons: the
dashboard's, module page's and lesson page's operations, as JSON."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from coursekit.access import access, current_account
from coursekit.api.endpoint import endpoint
from coursekit.api.errors import fail
from coursekit.api.pagination import page_schema, paginate
from coursekit.api.routes import bp
from coursekit.api.schemas.learning import (
    EnrolInput,
    EnrolmentSchema,
    EnrolmentsQuery,
    HeartbeatInput,
    HeartbeatSchema,
    LessonCompletedSchema,
    TranscriptQuery,
    TranscriptSchema,
)
from coursekit.catalog import operations
from coursekit.catalog.models import Enrolment
from coursekit.catalog.queries import CatalogueEntry, module_entry
from coursekit.db import utcnow
from coursekit.packages.queries import current_versions
from coursekit.packages.values import Lesson
from coursekit.progress import operations as progress_operations
from coursekit.progress.dashboard import as_data, learner_progress
from coursekit.progress.schemas import EnrolmentProgressSchema
from coursekit.progress.transcript.periods import PeriodForm
from coursekit.progress.transcript.queries import Transcript, transcript_for
from coursekit.ratelimit import hit


@bp.get("/enrolments")
@access("learner")
@endpoint(
    "Your enrolments: progress, next steps and certificate, in progress first",
    tag="learning",
    query=EnrolmentsQuery,
    response=page_schema(EnrolmentProgressSchema),
)
def enrolments(query: dict[str, Any]) -> dict[str, Any]:
    tracked = learner_progress(current_account(), now=utcnow())
    if query["complete"] is not None:
        tracked = [
            pair for pair in tracked if (pair[0].completion is not None) == query["complete"]
        ]
    items = [as_data(item, shown) for item, shown in tracked]
    return paginate(items, lambda item: item["module_id"], query)


@bp.get("/enrolments/<module_id>")
@access("learner")
@endpoint(
    "Your progress in one module and what is still missing",
    tag="learning",
    response=EnrolmentProgressSchema,
    errors=(404,),
)
def enrolment(module_id: str) -> dict[str, Any]:
    for item, shown in learner_progress(current_account(), now=utcnow()):
        if item.package.id == module_id:
            return as_data(item, shown)
    fail(404, "not_found", "You are not enrolled in this module.")


@bp.post("/modules/<module_id>/enrol")
@access("learner")
@endpoint(
    "Enrol in the current version, accepting the participant attestation",
    tag="learning",
    body=EnrolInput,
    response=EnrolmentSchema,
    status=201,
    errors=(404, 409),
    description="Enrolling again in a module you are enrolled in returns that enrolment.",
)
def enrol(module_id: str, body: dict[str, Any]) -> Enrolment:
    version = current_versions().get(module_id)
    if version is None:
        fail(404, "not_found", "No module has this id.")
    try:
        return operations.enrol_accepting(
            current_account(),
            version,
            accepted=body["accept_attestation"],
            shown_version=body["attestation_version"],
        )
    except operations.AttestationChanged as changed:
        fail(409, "attestation_changed", str(changed))


def _enrolled_lesson(module_id: str, slug: str) -> tuple[CatalogueEntry, Lesson]:
    """Your enrolment's lesson; 404 when you are not enrolled or there is no such lesson."""
    entry = module_entry(current_account(), module_id)
    lesson = entry.package.lesson(slug) if entry is not None else None
    if entry is None or entry.enrolment is None or lesson is None:
        fail(404, "not_found", "No such lesson in a module you are enrolled in.")
    return entry, lesson


@bp.post("/modules/<module_id>/lessons/<slug>/complete")
@access("learner")
@endpoint("Mark a lesson completed", tag="learning", response=LessonCompletedSchema, errors=(404,))
def complete_lesson(module_id: str, slug: str) -> dict[str, Any]:
    entry, lesson = _enrolled_lesson(module_id, slug)
    progress_operations.complete_lesson(entry.enrolment, entry.package, lesson, now=utcnow())
    lessons = entry.package.lessons
    index = lessons.index(lesson)
    following = lessons[index + 1].slug if index + 1 < len(lessons) else None
    return {"module_id": module_id, "lesson": slug, "next_lesson": following}


@bp.post("/modules/<module_id>/lessons/<slug>/heartbeat")
@access("learner")
@endpoint(
    "Report active reading of a lesson (seat time by the server's clock)",
    tag="learning",
    body=HeartbeatInput,
    response=HeartbeatSchema,
    errors=(404,),
    description=(
        "Send one every COURSEKIT_HEARTBEAT_SECONDS while the lesson is read. Each earns "
        "at most 1.5 times that; nothing is credited while a post-test attempt is open."
    ),
)
def heartbeat(module_id: str, slug: str, body: dict[str, Any]) -> dict[str, Any]:
    account = current_account()
    hit("COURSEKIT_HEARTBEAT_LIMIT", key=lambda: f"heartbeat:{account.id}", shared="heartbeat")
    entry, lesson = _enrolled_lesson(module_id, slug)
    seat_time = progress_operations.credit_reading(
        entry.enrolment, entry.package, lesson, now=utcnow(), restart=body["restart"]
    )
    return {"credited": seat_time.credited}


@bp.get("/transcript")
@access("learner")
@endpoint(
    "Your CE transcript for a period: completions, credit and totals per board",
    tag="learning",
    query=TranscriptQuery,
    response=TranscriptSchema,
)
def transcript(query: dict[str, Any]) -> Transcript:
    form = PeriodForm(MultiDict(query), today=utcnow().date())
    period = form.chosen()
    if period is None:
        fail(422, "invalid", "The period is invalid.", form.errors)
    return transcript_for(current_account(), period)
