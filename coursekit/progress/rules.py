"""The completion rule, as pure functions of a learner's records.

``missing_steps`` says, in words, everything a learner still has to do for a module
version; ``is_complete`` is true when nothing is missing. Both read only the package (its
lessons, assessment and completion rule) and a :class:`Records` value, so every branch is
a unit test away, and the dashboard, the module page, the reports and the completion
itself all apply the same rule. The one setting they read is
``COURSEKIT_SEAT_TIME_SCALE``, which only demonstrations and browser tests change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from flask import current_app, has_app_context

from coursekit.packages.values import ModulePackage


class WorksheetStage(StrEnum):
    NOT_SUBMITTED = "not-submitted"
    SUBMITTED = "submitted"
    REVIEWED = "reviewed"


@dataclass(frozen=True)
class Records:
    """What one enrolment's records say, reduced to what the rule reads."""

    attested: bool
    completed_lessons: frozenset[str]
    seat_seconds: int
    worksheet: WorksheetStage
    attempts_used: int
    attempt_open: bool
    post_test_passed: bool
    evaluation_submitted: bool


class StepKind(StrEnum):
    ATTESTATION = "attestation"
    LESSON = "lesson"
    WORKSHEET = "worksheet"
    WORKSHEET_REVIEW = "worksheet-review"
    POST_TEST = "post-test"
    EVALUATION = "evaluation"
    SEAT_TIME = "seat-time"


@dataclass(frozen=True)
class Step:
    """One thing still missing, and what to tell the learner about it."""

    kind: StepKind
    text: str
    lesson: str | None = None
    """The lesson's slug, for ``LESSON`` steps."""
    blocked: bool = False
    """True when the learner cannot do it themselves (no attempts left)."""


def required_seat_seconds(package: ModulePackage) -> int:
    """The seat time the module requires, in seconds, shortened on a demonstration
    server (``COURSEKIT_SEAT_TIME_SCALE``)."""
    scale = current_app.config["COURSEKIT_SEAT_TIME_SCALE"] if has_app_context() else 1.0
    return math.ceil(package.completion.seat_minutes * 60 * scale)


def check_seat_time_scale(scale: object) -> None:
    """Refuse to start with a scale that would lengthen seat time or switch it off."""
    if isinstance(scale, bool) or not isinstance(scale, int | float) or not 0 < scale <= 1:
        raise ValueError(f"COURSEKIT_SEAT_TIME_SCALE must be above 0 and at most 1: {scale!r}")


def missing_steps(package: ModulePackage, records: Records) -> tuple[Step, ...]:
    """Everything the rule still asks of the learner, in the order to do it. Seat time
    comes last: it grows while the learner reads, and reading is the lessons' step."""
    rule = package.completion
    steps: list[Step] = []
    if rule.attestation and not records.attested:
        steps.append(Step(StepKind.ATTESTATION, "Accept the participant attestation."))
    total = len(package.lessons)
    required = {lesson.slug for lesson in package.required_lessons}
    for number, lesson in enumerate(package.lessons, start=1):
        if lesson.slug in required and lesson.slug not in records.completed_lessons:
            text = f"Complete lesson {number} of {total}: {lesson.title}"
            steps.append(Step(StepKind.LESSON, text, lesson=lesson.slug))
    if rule.worksheet != "none" and records.worksheet == WorksheetStage.NOT_SUBMITTED:
        steps.append(Step(StepKind.WORKSHEET, "Submit your worksheet."))
    elif rule.worksheet == "reviewed" and records.worksheet == WorksheetStage.SUBMITTED:
        steps.append(Step(StepKind.WORKSHEET_REVIEW, "Your worksheet is waiting for review."))
    if rule.post_test and not records.post_test_passed:
        steps.append(_post_test_step(package, records))
    if rule.evaluation and not records.evaluation_submitted:
        steps.append(Step(StepKind.EVALUATION, "Submit the course evaluation."))
    needed = required_seat_seconds(package)
    if records.seat_seconds < needed:
        more = math.ceil((needed - records.seat_seconds) / 60)
        text = (
            f"Spend {more} more minute{'s' if more != 1 else ''} reading the lessons "
            f"(seat time {records.seat_seconds // 60} of {needed // 60} minutes)."
        )
        steps.append(Step(StepKind.SEAT_TIME, text))
    return tuple(steps)


def _post_test_step(package: ModulePackage, records: Records) -> Step:
    assessment = package.assessment
    mark = f"pass mark {assessment.pass_mark} %"
    if records.attempt_open:
        return Step(StepKind.POST_TEST, f"Finish your post-test attempt ({mark}).")
    if assessment.attempts is None:
        return Step(StepKind.POST_TEST, f"Post-test: {mark}.")
    left = assessment.attempts - records.attempts_used
    if left <= 0:
        text = "Post-test: no attempts left. Contact the provider to arrange another."
        return Step(StepKind.POST_TEST, text, blocked=True)
    attempts = f"{left} attempt{'s' if left != 1 else ''} left"
    return Step(StepKind.POST_TEST, f"Post-test: {attempts}, {mark}.")


def is_complete(package: ModulePackage, records: Records) -> bool:
    """Whether the records satisfy the module version's completion rule."""
    return not missing_steps(package, records)


def progress_percent(package: ModulePackage, records: Records) -> int:
    """How far along the learner is, for a progress bar: each step of the rule counts
    one, each required lesson one, and seat time as much as all the lessons together
    (in proportion to the time earned). 100 only when complete."""
    rule = package.completion
    lessons = package.required_lessons
    done = total = 0.0
    for wanted, achieved in (
        (rule.attestation, records.attested),
        (rule.worksheet != "none", records.worksheet != WorksheetStage.NOT_SUBMITTED),
        (rule.worksheet == "reviewed", records.worksheet == WorksheetStage.REVIEWED),
        (rule.post_test, records.post_test_passed),
        (rule.evaluation, records.evaluation_submitted),
    ):
        total += wanted
        done += wanted and achieved
    total += len(lessons)
    done += sum(lesson.slug in records.completed_lessons for lesson in lessons)
    needed = required_seat_seconds(package)
    if needed:
        weight = max(1, len(lessons))
        total += weight
        done += weight * min(1.0, records.seat_seconds / needed)
    if not total:
        return 100
    percent = math.floor(100 * done / total)
    return 100 if percent >= 100 and is_complete(package, records) else min(percent, 99)
