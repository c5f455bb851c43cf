"""Rules that read the whole manifest: credit per board, and the completion rule with its CE
defaults, each problem at its file and line."""

from __future__ import annotations

import pytest

from coursekit.packages.values import CompletionRule
from tests.loader_helpers import line_of, load, manifest_text, problems_of, with_manifest
from tests.package_factory import manifest, write_package, write_worksheet

NCCAOM = manifest("calf")["credits"][0]
STATE = manifest("calf")["credits"][1]


@pytest.mark.parametrize(
    ("credit", "at", "words"),
    [
        ({k: v for k, v in NCCAOM.items() if k != "course_number"}, "- board: NCCAOM", "course"),
        ({**NCCAOM, "hours": 2}, "hours: 2", "not hours"),
        ({k: v for k, v in STATE.items() if k != "hours"}, "- board: CA", "hours"),
        ({**NCCAOM, "approved_until": "2025-12-31"}, "approved_until:", "approved_from"),
    ],
    ids=["nccaom-no-course-number", "nccaom-hours", "state-no-hours", "approval-backwards"],
)
def test_credit_rules_are_reported_at_the_credit(tmp_path, credit, at, words):
    folder, path = with_manifest(tmp_path, manifest_text(credits=[credit]))
    (problem,) = problems_of(folder)
    text = (folder / "module.yaml").read_text()
    assert (problem.path, problem.line) == (path, line_of(text, at))
    assert words in problem.message


def test_the_completion_rule_takes_the_ce_defaults(tmp_path):
    folder = write_package(tmp_path, worksheet="quizzes/worksheet.yaml")
    write_worksheet(folder)
    rule = load(folder).package.completion
    # The largest credit is 2 hours (CA) or 2 points (NCCAOM): 2 x 50 minutes.
    assert rule == CompletionRule(seat_minutes=100, worksheet="reviewed")
    plain = load(write_package(tmp_path / "plain")).package.completion
    assert plain.worksheet == "none" and plain.post_test and plain.evaluation


def test_a_completion_rule_can_ask_for_more_or_for_less_but_not_less_seat_time(tmp_path):
    rule = {"seat_minutes": 180, "evaluation": False, "lessons": False}
    folder, _ = with_manifest(tmp_path / "more", manifest_text(completion=rule))
    loaded = load(folder).package
    assert loaded.completion.seat_minutes == 180 and not loaded.completion.evaluation
    assert loaded.required_lessons == ()

    folder, path = with_manifest(tmp_path / "less", manifest_text(completion={"seat_minutes": 60}))
    (problem,) = problems_of(folder)
    text = (folder / "module.yaml").read_text()
    assert (problem.path, problem.line) == (path, line_of(text, "seat_minutes:"))
    assert "needs at least 100 minutes" in problem.message and "is 60" in problem.message


@pytest.mark.parametrize(
    ("rule", "at", "words"),
    [
        ({"worksheet": "reviewed"}, "worksheet: reviewed", "has no worksheet"),
        ({"worksheet": "graded"}, "worksheet: graded", "Must be one of"),
        ({"seat_time": 100}, "seat_time:", "unknown field"),
    ],
    ids=["worksheet-missing", "worksheet-unknown-stage", "misspelt-field"],
)
def test_completion_rule_mistakes_are_reported_at_their_line(tmp_path, rule, at, words):
    folder, path = with_manifest(tmp_path, manifest_text(completion=rule))
    (problem,) = problems_of(folder)
    text = (folder / "module.yaml").read_text()
    assert (problem.path, problem.line) == (path, line_of(text, at))
    assert words in problem.message


@pytest.mark.parametrize("code", ["BL57", "GV20", "EX-B2", "EX-LE7", "EX-HN3"])
def test_who_point_codes_are_accepted(tmp_path, code):
    covers = {"acupoints": [code]}
    folder, _ = with_manifest(tmp_path, manifest_text(covers=covers))
    assert load(folder).package.covers.acupoints == (code,)


@pytest.mark.parametrize("code", ["bl57", "EX-2", "EX-B123", "BL570", "B57"])
def test_other_point_codes_are_refused_at_the_point(tmp_path, code):
    folder, path = with_manifest(tmp_path, manifest_text(covers={"acupoints": [code]}))
    (problem,) = problems_of(folder)
    assert problem.path == path and problem.message.startswith("covers.acupoints[0]")
