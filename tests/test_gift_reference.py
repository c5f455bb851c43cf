"""GIFT files of the public gift-pegjs corpus, read by CourseKit and compared with the
parse gift-pegjs expects (``X.gift`` beside ``X.json``).

gift-pegjs has its own data model; each of its items is mapped onto ours: ``type`` (MC,
TF, Short, Numerical, Matching, Essay, Description; Category items are the file's
categories), ``title`` and ``id``, the prompt (``stem``), the answers with their weights
and feedback, and the general feedback (our ``explanation``). Texts are compared as a
learner sees them: rendered, tags stripped, white space ignored, so that gift-pegjs's
HTML and our Markdown of the same text agree. Each file also goes through ``coursekit
gift2yaml`` and must read back as the same questions. The corpus lives outside the project
(``../shared/reference/gift/gift-pegjs`` beside the repository, or the folder named by
``COURSEKIT_GIFT_REFERENCE``) and is never copied into it.
"""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from coursekit.assessment.banks import read_questions
from coursekit.assessment.gift import GiftQuestion, read_gift
from coursekit.assessment.types.base import ID_PATTERN
from coursekit.cli import main
from coursekit.packages import markdown

REFERENCE = Path(
    os.environ.get("COURSEKIT_GIFT_REFERENCE")
    or Path(__file__).resolve().parents[1].parent / "shared/reference/gift/gift-pegjs"
)
if not REFERENCE.is_dir():
    pytest.skip(f"no GIFT reference corpus at {REFERENCE}", allow_module_level=True)

FILES = sorted(path.name for path in REFERENCE.glob("*.gift") if path.with_suffix(".json").exists())

REFUSED = {
    ("escapeColon.gift", 0): "4 options are fully right",
    ("multiLineFeedback1.gift", 1): "'@@PLUGINFILE@@/3.png' is not part of a GIFT file",
}
"""Items CourseKit refuses, by file and position among the file's items, with why: a
single choice with four right answers (Moodle takes any one as right; CourseKit's single
choice has exactly one), and an image whose file is not in the export."""

TYPES = {
    "TF": {"true_false"},
    "MC": {"single", "multiple"},
    "Short": {"short_text"},
    "Numerical": {"numeric"},
    "Matching": {"matching"},
    "Essay": {"essay"},
    "Description": {"description"},
}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def seen(text: str, form: str = "markdown") -> str:
    """What a learner reads: the text rendered (HTML as is), tags out, no white space."""
    if form != "plain":
        parser = _Text()
        parser.feed(text if form == "html" else markdown.render(text, media_url=str))
        text = "".join(parser.parts)
    return "".join(text.split())


def expected_text(value: dict[str, Any] | None) -> str:
    return seen(value["text"], value["format"]) if value else ""


def ours(text: str | None) -> str:
    return seen(text or "")


@pytest.mark.parametrize("name", FILES)
def test_reference_file(name):
    read = read_gift((REFERENCE / name).read_text(encoding="utf-8"))
    items = json.loads(REFERENCE.joinpath(name).with_suffix(".json").read_text("utf-8"))
    questions = iter(read.questions)
    errors = iter(read.errors)
    categories = iter(read.categories)
    for index, item in enumerate(items):
        if item["type"] == "Category":
            assert next(categories) == item["title"]
        elif (name, index) in REFUSED:
            assert REFUSED[name, index] in next(errors).message
        else:
            check_item(item, next(questions))
    assert next(questions, None) is None and next(errors, None) is None


def check_item(item: dict[str, Any], question: GiftQuestion) -> None:
    data = question.data
    assert data["type"] in TYPES[item["type"]]
    assert question.title == item["title"]
    if item.get("id"):
        assert data["id"] == item["id"]
    elif item["title"] and re.fullmatch(ID_PATTERN, item["title"]):
        assert data["id"] == item["title"]
    assert set(item.get("tags") or ()) <= set(data.get("tags", ()))
    assert ours(data["text"]) == expected_text(item["stem"])
    assert ours(data.get("explanation")) == expected_text(item.get("globalFeedback"))
    CHECKS.get(item["type"], lambda _item, _data: None)(item, data)


def _weight(choice: dict[str, Any]) -> float:
    """gift-pegjs gives ``=`` answers isCorrect and %weights% as weight."""
    if choice["weight"] is not None:
        return choice["weight"]
    return 100 if choice["isCorrect"] else 0


def check_choice(item: dict[str, Any], data: dict[str, Any]) -> None:
    choices, options = item["choices"], data["options"]
    assert [ours(option["text"]) for option in options] == [
        expected_text(choice["text"]) for choice in choices
    ]
    assert [ours(option.get("feedback")) for option in options] == [
        expected_text(choice["feedback"]) for choice in choices
    ]
    # Single choice: only a 100% answer is right; choose-all-that-apply: any positive weight.
    right = (lambda w: w >= 100) if data["type"] == "single" else (lambda w: w > 0)
    assert [option.get("correct", False) for option in options] == [
        right(_weight(choice)) for choice in choices
    ]


def check_true_false(item: dict[str, Any], data: dict[str, Any]) -> None:
    assert data["answer"] is item["isTrue"]
    # gift-pegjs names the feedbacks by their place: trueFeedback is the first (Moodle shows
    # it to a learner who answered wrongly), falseFeedback the second (answered rightly).
    wrong = data.get("feedback_false" if data["answer"] else "feedback_true")
    right = data.get("feedback_true" if data["answer"] else "feedback_false")
    assert ours(wrong) == expected_text(item["trueFeedback"])
    assert ours(right) == expected_text(item["falseFeedback"])


def check_short_text(item: dict[str, Any], data: dict[str, Any]) -> None:
    full = [
        choice["text"]["text"]
        for choice in item["choices"]
        if _weight(choice) >= 100 and choice["text"]["text"] != "*"
    ]
    assert data["accepted"] == full


def check_numeric(item: dict[str, Any], data: dict[str, Any]) -> None:
    choices = item["choices"]
    if isinstance(choices, list):
        (choices,) = [
            choice["text"]
            for choice in choices
            if _weight(choice) >= 100 and "type" in choice["text"]
        ]
    if choices["type"] == "high-low":
        expected = {"min": choices["numberLow"], "max": choices["numberHigh"]}
    else:
        expected = {"answer": choices["number"]}
        if choices.get("range"):
            expected["tolerance"] = choices["range"]
    assert {key: data[key] for key in ("answer", "tolerance", "min", "max") if key in data} == (
        expected
    )


def check_matching(item: dict[str, Any], data: dict[str, Any]) -> None:
    pairs = [pair for pair in item["matchPairs"] if pair["subquestion"]["text"]]
    assert [(ours(pair["left"]), pair["right"]) for pair in data["pairs"]] == [
        (expected_text(pair["subquestion"]), pair["subanswer"]) for pair in pairs
    ]
    assert data.get("distractors", []) == [
        pair["subanswer"] for pair in item["matchPairs"] if not pair["subquestion"]["text"]
    ]


CHECKS = {
    "MC": check_choice,
    "TF": check_true_false,
    "Short": check_short_text,
    "Numerical": check_numeric,
    "Matching": check_matching,
}


@pytest.mark.parametrize("name", FILES)
def test_reference_file_converts_to_the_same_yaml_questions(name):
    if any(refused == name for refused, _index in REFUSED):
        pytest.skip(f"{name} has items CourseKit refuses")
    path = REFERENCE / name
    gift = read_questions(name, path.read_bytes())
    if not gift:
        pytest.skip(f"{name} holds categories only")
    result = CliRunner().invoke(main, ["gift2yaml", str(path)])
    assert result.exit_code == 0, result.output
    assert read_questions("converted.yaml", result.stdout.encode()) == gift
