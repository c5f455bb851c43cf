"""The completion rule as pure functions: every branch of ``missing_steps``,
``is_complete`` and ``progress_percent``, without a database."""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType

import pytest

from coursekit.packages.values import (
    Assessment,
    CompletionRule,
    Covers,
    Lesson,
    ModulePackage,
)
from coursekit.progress.rules import (
    Records,
    StepKind,
    WorksheetStage,
    is_complete,
    missing_steps,
    progress_percent,
)


def lesson(slug: str, *, required: bool = True) -> Lesson:
    return Lesson(f"lessons/{slug}.md", slug, slug.title(), 20, "", required=required)


def package(*, attempts: int | None = 3, **rule: object) -> ModulePackage:
    """Lessons one and two (required) and extra (optional); ``rule`` overrides the
    completion rule's fields."""
    completion = CompletionRule(**{"seat_minutes": 100, "worksheet": "reviewed", **rule})
    return ModulePackage(
        id="calf",
        title="Calf",
        version="1.0.0",
        summary="",
        objectives=(),
        authors=(),
        covers=Covers(),
        prerequisites=(),
        lessons=(lesson("one"), lesson("two"), lesson("extra", required=False)),
        credits=(),
        delivery="distance-learning-home-study",
        assessment=Assessment(pass_mark=75, quiz="quizzes/post-test.yaml", attempts=attempts),
        worksheet="quizzes/worksheet.yaml",
        evaluation="standard",
        content_hash="0" * 64,
        files=MappingProxyType({}),
        completion=completion,
    )


DONE = Records(
    attested=True,
    completed_lessons=frozenset({"one", "two"}),
    seat_seconds=100 * 60,
    worksheet=WorksheetStage.REVIEWED,
    attempts_used=1,
    attempt_open=False,
    post_test_passed=True,
    evaluation_submitted=True,
)
NOTHING = Records(
    attested=False,
    completed_lessons=frozenset(),
    seat_seconds=0,
    worksheet=WorksheetStage.NOT_SUBMITTED,
    attempts_used=0,
    attempt_open=False,
    post_test_passed=False,
    evaluation_submitted=False,
)


def kinds(steps) -> list[str]:
    return [step.kind for step in steps]


def test_everything_done_is_complete_at_100_percent():
    assert missing_steps(package(), DONE) == ()
    assert is_complete(package(), DONE)
    assert progress_percent(package(), DONE) == 100


def test_nothing_done_lists_every_step_in_order_with_seat_time_last():
    steps = missing_steps(package(), NOTHING)
    assert kinds(steps) == [
        StepKind.ATTESTATION,
        StepKind.LESSON,
        StepKind.LESSON,
        StepKind.WORKSHEET,
        StepKind.POST_TEST,
        StepKind.EVALUATION,
        StepKind.SEAT_TIME,
    ]
    assert [step.text for step in steps[1:3]] == [
        "Complete lesson 1 of 3: One",
        "Complete lesson 2 of 3: Two",
    ]
    assert progress_percent(package(), NOTHING) == 0
    assert not is_complete(package(), NOTHING)


def test_optional_lessons_are_never_missing():
    records = replace(DONE, completed_lessons=frozenset({"one", "two"}))
    assert "extra" not in {step.lesson for step in missing_steps(package(), records)}


def test_a_missing_lesson_is_named_by_its_place_in_the_module():
    steps = missing_steps(package(), replace(DONE, completed_lessons=frozenset({"one"})))
    assert [(s.kind, s.lesson, s.text) for s in steps] == [
        (StepKind.LESSON, "two", "Complete lesson 2 of 3: Two")
    ]


def test_a_rule_without_lessons_asks_for_none():
    records = replace(DONE, completed_lessons=frozenset())
    assert is_complete(package(lessons=False), records)
    assert not is_complete(package(), records)


def test_attestation_can_be_left_out_of_the_rule():
    records = replace(DONE, attested=False)
    assert kinds(missing_steps(package(), records)) == [StepKind.ATTESTATION]
    assert is_complete(package(attestation=False), records)


@pytest.mark.parametrize(
    ("rule", "stage", "expected"),
    [
        ("reviewed", WorksheetStage.NOT_SUBMITTED, ["Submit your worksheet."]),
        ("reviewed", WorksheetStage.SUBMITTED, ["Your worksheet is waiting for review."]),
        ("reviewed", WorksheetStage.REVIEWED, []),
        ("submitted", WorksheetStage.NOT_SUBMITTED, ["Submit your worksheet."]),
        ("submitted", WorksheetStage.SUBMITTED, []),
        ("none", WorksheetStage.NOT_SUBMITTED, []),
    ],
)
def test_worksheet_steps(rule, stage, expected):
    steps = missing_steps(package(worksheet=rule), replace(DONE, worksheet=stage))
    assert [step.text for step in steps] == expected


@pytest.mark.parametrize(
    ("attempts", "used", "open_now", "text", "blocked"),
    [
        (3, 1, False, "Post-test: 2 attempts left, pass mark 75 %.", False),
        (3, 2, False, "Post-test: 1 attempt left, pass mark 75 %.", False),
        (
            3,
            3,
            False,
            "Post-test: no attempts left. Contact the provider to arrange another.",
            True,
        ),
        (3, 2, True, "Finish your post-test attempt (pass mark 75 %).", False),
        (None, 7, False, "Post-test: pass mark 75 %.", False),
    ],
)
def test_post_test_step_says_attempts_left_and_pass_mark(attempts, used, open_now, text, blocked):
    records = replace(DONE, post_test_passed=False, attempts_used=used, attempt_open=open_now)
    (step,) = missing_steps(package(attempts=attempts), records)
    assert (step.kind, step.text, step.blocked) == (StepKind.POST_TEST, text, blocked)


def test_post_test_and_evaluation_can_be_left_out():
    records = replace(DONE, post_test_passed=False, evaluation_submitted=False)
    assert kinds(missing_steps(package(), records)) == [StepKind.POST_TEST, StepKind.EVALUATION]
    assert is_complete(package(post_test=False, evaluation=False), records)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "Spend 100 more minutes reading the lessons (seat time 0 of 100 minutes)."),
        (99 * 60 + 1, "Spend 1 more minute reading the lessons (seat time 99 of 100 minutes)."),
        (40 * 60 + 30, "Spend 60 more minutes reading the lessons (seat time 40 of 100 minutes)."),
    ],
)
def test_seat_time_short_by_any_amount_is_missing(seconds, text):
    (step,) = missing_steps(package(), replace(DONE, seat_seconds=seconds))
    assert (step.kind, step.text) == (StepKind.SEAT_TIME, text)


def test_seat_time_at_or_over_the_requirement_is_enough():
    assert is_complete(package(), replace(DONE, seat_seconds=100 * 60))
    assert is_complete(package(), replace(DONE, seat_seconds=500 * 60))
    assert is_complete(package(seat_minutes=0), replace(DONE, seat_seconds=0))


def test_progress_counts_steps_lessons_and_seat_time_in_proportion():
    # attestation, worksheet submitted + reviewed, post-test, evaluation (5), two lessons
    # (2) and seat time weighted as the two lessons (2): 9 in all.
    half = replace(NOTHING, attested=True, completed_lessons=frozenset({"one"}), seat_seconds=3000)
    assert progress_percent(package(), half) == int(100 * (1 + 1 + 1) / 9)


def test_progress_is_never_100_while_a_step_is_missing():
    almost = replace(DONE, seat_seconds=100 * 60 - 1)
    assert progress_percent(package(), almost) == 99
