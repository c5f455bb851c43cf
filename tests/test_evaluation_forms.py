"""Evaluation forms as data: the standard form, module questions checked by the package
loader, and the pure summaries behind the results page."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from coursekit.assessment.evaluations.evaluation_form import STANDARD_FORM
from coursekit.assessment.evaluations.summary import ResponseRow, summarise
from coursekit.packages.discovery import package_candidate
from coursekit.packages.loader import load_package
from coursekit.packages.problems import PackageInvalid
from tests.package_factory import write_package


def test_the_standard_form_asks_what_california_requires():
    items = {item.id: item for item in STANDARD_FORM.items}
    for required in ("objectives-met", "instructor-knowledge", "teaching-methods"):
        assert items[required].kind == "scale" and items[required].required
    assert items["applicable-to-practice"].required
    assert not any(item.required for item in STANDARD_FORM.items if item.kind == "text")
    assert STANDARD_FORM.name == "standard:2026-1"


def test_summaries_group_by_version_and_form_and_use_the_stored_items():
    scale = {"id": "clear", "kind": "scale", "text": "Clear.", "not_applicable": True}
    comment = {"id": "notes", "kind": "text", "text": "Notes?"}
    choice = {"id": "pace", "kind": "choice", "text": "Pace", "options": ["slow", "fast"]}

    def row(version, form, answers, day, items=(scale, comment)):
        return ResponseRow(version, form, list(items), answers, datetime(2026, 3, day, tzinfo=UTC))

    groups = summarise(
        [
            row("1.2.0", "a", {"clear": 5, "notes": "late"}, 9),
            row("1.10.0", "a", {"clear": 1}, 2),
            row("1.2.0", "a", {"clear": 4, "notes": "early"}, 1),
            row("1.2.0", "a", {"clear": "na", "notes": "  "}, 3),
            row("1.2.0", "a", {}, 4),
            row("1.2.0", "b", {"pace": "fast"}, 5, items=(choice,)),
        ]
    )
    assert [(group.version, group.form, group.responses) for group in groups] == [
        ("1.10.0", "a", 1),
        ("1.2.0", "a", 4),
        ("1.2.0", "b", 1),
    ]
    clear = groups[1].scales["clear"]
    assert clear.distribution == [0, 0, 0, 1, 1] and clear.count == 2 and clear.mean == 4.5
    assert (clear.not_applicable, clear.unanswered) == (1, 1)
    assert [c.text for c in groups[1].comments["notes"].comments] == ["early", "late"]
    assert groups[2].choices["pace"].counts == {"fast": 1}
    assert groups[0].scales["clear"].mean == 1.0


def test_the_loader_checks_a_modules_questions_at_their_lines_and_packs_them(tmp_path):
    folder = write_package(tmp_path, "calf", evaluation_questions="quizzes/evaluation.yaml")
    candidate = package_candidate(folder)
    with pytest.raises(PackageInvalid) as missing:
        load_package(candidate.files, candidate.shared)
    (problem,) = missing.value.problems
    assert problem.path.endswith("calf/module.yaml") and problem.line > 0
    assert "'quizzes/evaluation.yaml' not found" in problem.message

    bad = "title: About this module\nitems:\n  - id: diagrams\n    kind: scale\n    text: ''\n"
    (folder / "quizzes" / "evaluation.yaml").write_text(bad)
    with pytest.raises(PackageInvalid) as invalid:
        load_package(candidate.files, candidate.shared)
    assert [str(problem).split("calf/", 1)[1] for problem in invalid.value.problems] == [
        "quizzes/evaluation.yaml:5:11: items[0].text: Length must be between 1 and 300."
    ]

    good = bad.replace("''", "The diagrams helped.")
    (folder / "quizzes" / "evaluation.yaml").write_text(good)
    package = load_package(candidate.files, candidate.shared).package
    assert package.evaluation_questions == "quizzes/evaluation.yaml"
    assert package.files["quizzes/evaluation.yaml"] == good.encode()
