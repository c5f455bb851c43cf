"""Reading progress: each enrolment's records, reduced for the completion rule.

Progress is never stored; it is read from the append-only records of each feature
(lesson events and seat time, attempts and grades, worksheet submissions and reviews,
evaluation responses) in a fixed number of queries, whatever the number of enrolments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from coursekit import db
from coursekit.assessment.attempts.models import POST_TEST, Attempt, AttemptGrade
from coursekit.assessment.evaluations.models import EvaluationResponse
from coursekit.assessment.worksheets.models import WorksheetReview, WorksheetSubmission
from coursekit.catalog.models import Enrolment
from coursekit.lessons.queries import LessonRecords, lesson_records, resume_lesson
from coursekit.packages.queries import package_for
from coursekit.packages.values import Lesson, ModulePackage
from coursekit.progress.models import Completion
from coursekit.progress.rules import (
    Records,
    Step,
    WorksheetStage,
    missing_steps,
    progress_percent,
    required_seat_seconds,
)

# Aliases are built once: building one per call cost about 0.8 ms per request.
_NEWER = aliased(AttemptGrade, name="newer")


@dataclass(frozen=True)
class Progress:
    """One enrolment's progress, as the learner and the reports see it."""

    enrolment: Enrolment
    package: ModulePackage
    records: Records
    missing: tuple[Step, ...]
    percent: int
    completion: Completion | None
    resume: Lesson | None
    """The lesson to continue with; None when every lesson is completed."""
    started: bool
    """Whether the learner has opened any lesson."""

    @property
    def next_step(self) -> Step | None:
        return self.missing[0] if self.missing else None

    def is_completed(self, lesson: Lesson) -> bool:
        return lesson.slug in self.records.completed_lessons

    @property
    def seat_minutes(self) -> int:
        return self.records.seat_seconds // 60

    @property
    def required_minutes(self) -> int:
        return required_seat_seconds(self.package) // 60


def records_for(enrolments: Sequence[Enrolment], *, now: datetime) -> dict[int, Records]:
    """Records of each enrolment, by enrolment id (four queries for any number)."""
    return _read_records(enrolments, now=now)[0]


def _read_records(
    enrolments: Sequence[Enrolment], *, now: datetime
) -> tuple[dict[int, Records], dict[int, str]]:
    """Records by enrolment id, and the lesson each enrolment opened last."""
    ids = [enrolment.id for enrolment in enrolments]
    if not ids:
        return {}, {}
    lessons = lesson_records(ids)
    attempts = _attempt_records(ids, now=now)
    worksheets = _worksheet_stages(ids)
    evaluated = set(
        db.session.scalars(
            select(EvaluationResponse.enrolment_id).where(EvaluationResponse.enrolment_id.in_(ids))
        )
    )
    records = {}
    for enrolment in enrolments:
        own = lessons.get(enrolment.id, LessonRecords())
        used, open_now, passed = attempts.get(enrolment.id, (0, False, False))
        records[enrolment.id] = Records(
            attested=enrolment.attested_at is not None,
            completed_lessons=own.completed,
            seat_seconds=own.seat_seconds,
            worksheet=worksheets.get(enrolment.id, WorksheetStage.NOT_SUBMITTED),
            attempts_used=used,
            attempt_open=open_now,
            post_test_passed=passed,
            evaluation_submitted=enrolment.id in evaluated,
        )
    last_opened = {key: value.last_opened for key, value in lessons.items() if value.last_opened}
    return records, last_opened


def progress_for(enrolments: Sequence[Enrolment], *, now: datetime) -> list[Progress]:
    """Each enrolment's progress, in the order given (five queries for any number)."""
    records, last_opened = _read_records(enrolments, now=now)
    completions = completions_for(enrolments)
    result = []
    for enrolment in enrolments:
        package = package_for(enrolment.module_version)
        own = records[enrolment.id]
        result.append(
            Progress(
                enrolment=enrolment,
                package=package,
                records=own,
                missing=missing_steps(package, own),
                percent=progress_percent(package, own),
                completion=completions.get(enrolment.id),
                resume=resume_lesson(package, own.completed_lessons, last_opened.get(enrolment.id)),
                started=enrolment.id in last_opened,
            )
        )
    return result


def completions_for(enrolments: Sequence[Enrolment]) -> dict[int, Completion]:
    """The recorded completion of each enrolment that has one, by enrolment id."""
    if not enrolments:
        return {}
    by_key = {(e.user_id, e.module_version_id): e.id for e in enrolments}
    rows = db.session.scalars(
        select(Completion).where(
            Completion.user_id.in_({e.user_id for e in enrolments}),
            Completion.module_version_id.in_({e.module_version_id for e in enrolments}),
        )
    )
    found = {}
    for row in rows:
        enrolment_id = by_key.get((row.user_id, row.module_version_id))
        if enrolment_id is not None:
            found[enrolment_id] = row
    return found


def _attempt_records(ids: list[int], *, now: datetime) -> dict[int, tuple[int, bool, bool]]:
    """Per enrolment: post-test attempts started, whether one is open now, and whether
    any attempt's current grade (its latest revision) passed."""
    latest_revision = (
        select(func.max(_NEWER.revision)).where(_NEWER.attempt_id == Attempt.id).scalar_subquery()
    )
    rows = db.session.execute(
        select(Attempt.enrolment_id, Attempt.closed_at, Attempt.deadline, AttemptGrade.passed)
        .outerjoin(
            AttemptGrade,
            and_(AttemptGrade.attempt_id == Attempt.id, AttemptGrade.revision == latest_revision),
        )
        .where(Attempt.enrolment_id.in_(ids), Attempt.quiz == POST_TEST)
    )
    found: dict[int, tuple[int, bool, bool]] = {}
    for enrolment_id, closed_at, deadline, passed in rows:
        used, open_now, any_passed = found.get(enrolment_id, (0, False, False))
        is_open = closed_at is None and (deadline is None or deadline > now)
        found[enrolment_id] = (used + 1, open_now or is_open, any_passed or bool(passed))
    return found


def _worksheet_stages(ids: list[int]) -> dict[int, WorksheetStage]:
    """A reviewed worksheet takes no new submissions, so any review means reviewed."""
    rows = db.session.execute(
        select(WorksheetSubmission.enrolment_id, func.count(WorksheetReview.id))
        .outerjoin(WorksheetReview, WorksheetReview.submission_id == WorksheetSubmission.id)
        .where(WorksheetSubmission.enrolment_id.in_(ids))
        .group_by(WorksheetSubmission.enrolment_id)
    )
    return {
        enrolment_id: WorksheetStage.REVIEWED if reviews else WorksheetStage.SUBMITTED
        for enrolment_id, reviews in rows
    }
