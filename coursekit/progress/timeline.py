"""Every recorded learner event, read back from each feature's append-only records.

There is no second copy of events: enrolments (with the attestation), lesson events and
seat time, attempts and their grade revisions, worksheet submissions and reviews,
evaluation responses and completions are each kept once, by the feature that owns them.
This module merges them into one time-ordered stream, for a learner's full record, for
reports and for xAPI statements. Each source is read in time order and streamed, so a
stream over every learner holds only one batch per source in memory.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, and_, select

from coursekit import db
from coursekit.assessment.attempts.models import Attempt, AttemptGrade
from coursekit.assessment.evaluations.models import EvaluationResponse
from coursekit.assessment.worksheets.models import WorksheetReview, WorksheetSubmission
from coursekit.catalog.models import Enrolment
from coursekit.lessons.models import LessonEvent, LessonEventKind
from coursekit.progress.models import Completion

BATCH = 1000
"""Rows fetched at a time from each source."""


class EventKind(StrEnum):
    ENROLLED = "enrolled"
    """With the participant attestation accepted (stored on the enrolment)."""
    LESSON_OPENED = "lesson-opened"
    LESSON_COMPLETED = "lesson-completed"
    SEAT_TIME = "seat-time"
    ATTEMPT_STARTED = "attempt-started"
    ATTEMPT_SUBMITTED = "attempt-submitted"
    """Closed by the learner or by the time limit, with its first grade."""
    ATTEMPT_REGRADED = "attempt-regraded"
    WORKSHEET_SUBMITTED = "worksheet-submitted"
    WORKSHEET_REVIEWED = "worksheet-reviewed"
    EVALUATION_SUBMITTED = "evaluation-submitted"
    MODULE_COMPLETED = "module-completed"


@dataclass(frozen=True)
class Score:
    earned: float
    possible: float
    percent: float
    passed: bool


@dataclass(frozen=True)
class Event:
    """One thing a learner did (or an instructor did to their work), at a time.

    ``key`` names the record it was read from (``attempt-grade:17``) and never changes,
    so it can identify the event outside CourseKit (xAPI statement ids).
    """

    kind: EventKind
    at: datetime
    key: str
    enrolment_id: int
    user_id: int
    module_version_id: int
    lesson: str | None = None
    seconds: int = 0
    attempt_id: int | None = None
    attempt_number: int | None = None
    score: Score | None = None
    detail: str = ""
    """A short note: the attempt's close reason, a grade's regrade reason, the reviewer's
    comment."""


def events(
    enrolment_ids: Sequence[int] | None = None,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Iterator[Event]:
    """Events of the given enrolments (all when None) with ``since <= at < until``, in
    time order (ties by source, then record id). Seat time that credited nothing (the clock
    restarting) is left out."""
    sources = (
        _enrolments,
        _lesson_events,
        _attempt_starts,
        _attempt_grades,
        _worksheet_submissions,
        _worksheet_reviews,
        _evaluations,
        _completions,
    )
    streams = [source(enrolment_ids, since, until) for source in sources]
    return heapq.merge(*streams, key=_order)


def _order(event: Event) -> tuple[datetime, str, int]:
    """Time, then source, then the record's id: the order each source is read in."""
    source, _, number = event.key.rpartition(":")
    return event.at, source, int(number)


def _read(
    query: Select[Any],
    at: Any,
    ids: Sequence[int] | None,
    since: Any,
    until: Any,
    record_id: Any,
) -> Iterator[Any]:
    if ids is not None:
        query = query.where(Enrolment.id.in_(ids))
    if since is not None:
        query = query.where(at >= since)
    if until is not None:
        query = query.where(at < until)
    ordered = query.order_by(at, record_id).execution_options(yield_per=BATCH)
    yield from db.session.execute(ordered)


_WHO = (Enrolment.id, Enrolment.user_id, Enrolment.module_version_id)


def _enrolments(ids: Sequence[int] | None, since: Any, until: Any) -> Iterator[Event]:
    query = select(*_WHO, Enrolment.enrolled_at, Enrolment.attestation_version)
    for row in _read(query, Enrolment.enrolled_at, ids, since, until, Enrolment.id):
        yield Event(
            EventKind.ENROLLED,
            row.enrolled_at,
            f"enrolment:{row.id}",
            *row[:3],
            detail=f"attestation {row.attestation_version}",
        )


_LESSON_KINDS = {
    LessonEventKind.OPENED: EventKind.LESSON_OPENED,
    LessonEventKind.COMPLETED: EventKind.LESSON_COMPLETED,
    LessonEventKind.ACTIVE: EventKind.SEAT_TIME,
}


def _lesson_events(ids: Sequence[int] | None, since: Any, until: Any) -> Iterator[Event]:
    query = (
        select(*_WHO, LessonEvent.id.label("event_id"), LessonEvent.kind, LessonEvent.lesson)
        .add_columns(LessonEvent.at, LessonEvent.seconds)
        .join(LessonEvent, LessonEvent.enrolment_id == Enrolment.id)
        .where((LessonEvent.kind != LessonEventKind.ACTIVE) | (LessonEvent.seconds > 0))
    )
    for row in _read(query, LessonEvent.at, ids, since, until, LessonEvent.id):
        yield Event(
            _LESSON_KINDS[LessonEventKind(row.kind)],
            row.at,
            f"lesson-event:{row.event_id}",
            *row[:3],
            lesson=row.lesson,
            seconds=row.seconds,
        )


def _attempt_starts(ids: Sequence[int] | None, since: Any, until: Any) -> Iterator[Event]:
    query = select(*_WHO, Attempt.id.label("attempt_id"), Attempt.number, Attempt.started_at)
    query = query.join(Attempt, Attempt.enrolment_id == Enrolment.id)
    for row in _read(query, Attempt.started_at, ids, since, until, Attempt.id):
        yield Event(
            EventKind.ATTEMPT_STARTED,
            row.started_at,
            f"attempt:{row.attempt_id}",
            *row[:3],
            attempt_id=row.attempt_id,
            attempt_number=row.number,
        )


def _attempt_grades(ids: Sequence[int] | None, since: Any, until: Any) -> Iterator[Event]:
    """The first grade is the submission (at the attempt's close); later revisions are
    regrades (at the time they were made)."""
    query = (
        select(*_WHO, Attempt.id.label("attempt_id"), Attempt.number, Attempt.close_reason)
        .add_columns(AttemptGrade.id.label("grade_id"), AttemptGrade.revision)
        .add_columns(AttemptGrade.graded_at, AttemptGrade.reason)
        .add_columns(AttemptGrade.earned, AttemptGrade.possible, AttemptGrade.percent)
        .add_columns(AttemptGrade.passed)
        .join(Attempt, Attempt.enrolment_id == Enrolment.id)
        .join(AttemptGrade, AttemptGrade.attempt_id == Attempt.id)
    )
    for row in _read(query, AttemptGrade.graded_at, ids, since, until, AttemptGrade.id):
        first = row.revision == 1
        yield Event(
            EventKind.ATTEMPT_SUBMITTED if first else EventKind.ATTEMPT_REGRADED,
            row.graded_at,
            f"attempt-grade:{row.grade_id}",
            *row[:3],
            attempt_id=row.attempt_id,
            attempt_number=row.number,
            score=Score(row.earned, row.possible, row.percent, row.passed),
            detail=(row.close_reason or "") if first else row.reason,
        )


def _worksheet_submissions(ids: Sequence[int] | None, since: Any, until: Any) -> Iterator[Event]:
    query = select(*_WHO, WorksheetSubmission.id.label("submission_id"))
    query = query.add_columns(WorksheetSubmission.submitted_at)
    query = query.join(WorksheetSubmission, WorksheetSubmission.enrolment_id == Enrolment.id)
    for row in _read(
        query, WorksheetSubmission.submitted_at, ids, since, until, WorksheetSubmission.id
    ):
        yield Event(
            EventKind.WORKSHEET_SUBMITTED,
            row.submitted_at,
            f"worksheet-submission:{row.submission_id}",
            *row[:3],
        )


def _worksheet_reviews(ids: Sequence[int] | None, since: Any, until: Any) -> Iterator[Event]:
    query = (
        select(*_WHO, WorksheetReview.id.label("review_id"), WorksheetReview.reviewed_at)
        .add_columns(WorksheetReview.comment)
        .join(WorksheetSubmission, WorksheetSubmission.enrolment_id == Enrolment.id)
        .join(WorksheetReview, WorksheetReview.submission_id == WorksheetSubmission.id)
    )
    for row in _read(query, WorksheetReview.reviewed_at, ids, since, until, WorksheetReview.id):
        yield Event(
            EventKind.WORKSHEET_REVIEWED,
            row.reviewed_at,
            f"worksheet-review:{row.review_id}",
            *row[:3],
            detail=row.comment,
        )


def _evaluations(ids: Sequence[int] | None, since: Any, until: Any) -> Iterator[Event]:
    query = select(*_WHO, EvaluationResponse.id.label("response_id"))
    query = query.add_columns(EvaluationResponse.submitted_at)
    query = query.join(EvaluationResponse, EvaluationResponse.enrolment_id == Enrolment.id)
    for row in _read(
        query, EvaluationResponse.submitted_at, ids, since, until, EvaluationResponse.id
    ):
        yield Event(
            EventKind.EVALUATION_SUBMITTED,
            row.submitted_at,
            f"evaluation:{row.response_id}",
            *row[:3],
        )


def _completions(ids: Sequence[int] | None, since: Any, until: Any) -> Iterator[Event]:
    query = select(*_WHO, Completion.id.label("completion_id"), Completion.completed_at).join(
        Completion,
        and_(
            Completion.user_id == Enrolment.user_id,
            Completion.module_version_id == Enrolment.module_version_id,
        ),
    )
    for row in _read(query, Completion.completed_at, ids, since, until, Completion.id):
        yield Event(
            EventKind.MODULE_COMPLETED,
            row.completed_at,
            f"completion:{row.completion_id}",
            *row[:3],
        )
