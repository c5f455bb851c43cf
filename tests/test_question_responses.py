"""Question types: reading and checking responses, and what a learner is shown."""

from __future__ import annotations

import json
import math
import re
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from coursekit.assessment.registry import registry
from coursekit.assessment.types.base import InvalidResponse, QuestionType
from tests.question_samples import SAMPLES, SECRET, SECRET_NUMBERS, rng, sample


def kind(name: str) -> QuestionType:
    return registry()[SAMPLES[name]["type"]]


def arranged(name: str, seed: int = 7, **changes: Any) -> tuple[dict, Any]:
    """A sample and its arrangement; a hotspot's image size added as the quiz loader does."""
    question = sample(name, **changes)
    if name == "hotspot":
        question["image_size"] = [500, 500]
    return question, kind(name).arrange(question, rng(seed), True)


NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("single", True, "choose one"),
        ("single", "3", "choose one"),
        ("single", 1.0, "choose one"),
        ("single", " 1", "choose one"),
        ("single", None, "choose one"),
        ("multiple", "0", "from the list"),
        ("multiple", [5], "choose one"),
        ("multiple", [False], "choose one"),
        ("true_false", 1, "true or false"),
        ("true_false", "yes", "true or false"),
        ("true_false", "True", "true or false"),
        ("short_text", 19, "as text"),
        ("short_text", " \t ", "type an answer"),
        ("short_text", "x" * 501, "too long"),
        ("numeric", True, "type a number"),
        ("numeric", "abc", "type a number"),
        ("numeric", "", "type a number"),
        ("numeric", "12 mm", "without units"),
        ("numeric", "1 000", "thousands"),
        ("numeric", "1,000,000", "thousands"),
        ("numeric", "1.000,5", "thousands"),
        ("numeric", "1,500", "could mean two numbers"),
        ("numeric", "-12,500", "could mean two numbers"),
        ("numeric", "1e3", "type a number"),
        ("numeric", "nan", "type a number"),
        ("numeric", "Infinity", "type a number"),
        ("numeric", NAN, "type a number"),
        ("numeric", INF, "type a number"),
        ("numeric", "9" * 41, "too long"),
        ("numeric", [1], "type a number"),
        ("numeric", 10**400, "type a number"),
        ("numeric", 1e40, "too long"),  # 41 digits as typed: the form would refuse it
        ("numeric", 1e-40, "too long"),
        ("matching", [0, 1], "each of the 3 items"),
        ("matching", "0", "each of the 3 items"),
        ("matching", [0, 4, 1], "from its list"),
        ("matching", [0, True, 1], "from its list"),
        ("matching", [0, -1, 1], "from its list"),
        ("matching", [None, "", None], "at least one"),
        ("ordering", [0, 1, 2], "each of the 4 items"),
        ("ordering", [0, 0, 1, 2], "different position"),
        ("ordering", [0, 1, 2, ""], "every item"),
        ("ordering", [0, 1, 2, True], "from 1 to 4"),
        ("ordering", [0, 1, 2, 4], "from 1 to 4"),
        ("hotspot", {"x": 500.5, "y": 10}, "outside the diagram"),
        ("hotspot", {"x": 10, "y": 600}, "outside the diagram"),
        ("hotspot", {"x": -1, "y": 5}, "outside the diagram"),
        ("hotspot", {"x": "abc", "y": "1"}, "click a point"),
        ("hotspot", {"x": "", "y": "1"}, "click a point"),
        ("hotspot", {"x": True, "y": 1}, "click a point"),
        ("hotspot", {"x": NAN, "y": 1}, "click a point"),
        ("hotspot", {"x": "9" * 400, "y": "1"}, "click a point"),
        ("hotspot", {"x": 10**400, "y": 1}, "click a point"),
        ("hotspot", {"x": 1}, "click a point"),
        ("hotspot", {"x": 1, "y": 1, "candidate": 0}, "click a point"),
        ("hotspot", {"candidate": 3}, "labelled points"),
        ("hotspot", {"candidate": True}, "labelled points"),
        ("hotspot", [1, 2], "click a point"),
        ("essay", "one two", "at least 3 words (you wrote 2)"),
        ("essay", "a b c d e f g h i", "at most 8 words (you wrote 9)"),
        ("essay", "w" * 20_001, "too long: at most 20,000 characters (it has 20,001)"),
        ("essay", "  \n ", "write your answer"),
        ("essay", 5, "as text"),
        ("description", "anything", "no answer"),
        ("description", None, "no answer"),
    ],
)
def test_parse_refuses(name: str, raw: Any, message: str) -> None:
    question, arrangement = arranged(name)
    with pytest.raises(InvalidResponse, match=re.escape(message)):
        kind(name).parse(question, arrangement, raw)


def test_a_click_without_a_known_image_size_needs_only_non_negative_numbers() -> None:
    question, arrangement = arranged("hotspot")
    del question["image_size"]
    assert kind("hotspot").parse(question, arrangement, {"x": 9000, "y": 0}) == {"x": 9000, "y": 0}
    with pytest.raises(InvalidResponse, match="outside the diagram"):
        kind("hotspot").parse(question, arrangement, {"x": -0.5, "y": 1})


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("single", 2),
        ("multiple", [0, 3, 4]),
        ("true_false", True),
        ("true_false", False),
        ("short_text", "posterior tibial nerve"),
        ("numeric", "19"),
        ("numeric", "2.5"),
        ("numeric", "-0.75"),
        ("numeric", "0.30000000000000004"),
        ("numeric", "10000000000000000000000"),
        ("matching", [2, None, 0]),
        ("matching", [3, 3, 1]),
        ("ordering", [3, 1, 0, 2]),
        ("hotspot", {"x": 10.5, "y": 499.0}),
        ("hotspot", {"candidate": 1}),
        ("essay", "Refer first.\nThen assess again."),
    ],
)
def test_display_is_the_inverse_of_parse(name: str, shown: Any) -> None:
    question, arrangement = arranged(name)
    canonical = kind(name).parse(question, arrangement, shown)
    assert json.loads(json.dumps(canonical)) == canonical
    assert kind(name).display(question, arrangement, canonical) == shown


def test_responses_are_stored_in_file_terms_whatever_the_shuffle() -> None:
    question = sample("ordering")
    answers = set()
    for seed in range(20):
        arrangement = kind("ordering").arrange(question, rng(seed), True)
        right = list(arrangement)  # a shown item's right place is its index in the file
        answers.add(tuple(kind("ordering").parse(question, arrangement, right)))
    assert answers == {(0, 1, 2, 3)}


@pytest.mark.parametrize(
    ("name", "form", "raw"),
    [
        ("single", {"answer": "1"}, "1"),
        ("multiple", [("answer", "0"), ("answer", "2")], ["0", "2"]),
        ("true_false", {"answer": "false"}, "false"),
        ("short_text", {"answer": "  "}, None),
        ("short_text", {"answer": " tibial "}, " tibial "),
        ("numeric", {"answer": ""}, None),
        ("numeric", {"answer": "2,5"}, "2,5"),
        ("matching", {"answer-0": "1", "answer-1": "", "answer-2": "0"}, ["1", "", "0"]),
        ("matching", {"answer-0": "", "answer-1": "", "answer-2": ""}, None),
        ("ordering", {f"answer-{i}": str(3 - i) for i in range(4)}, ["3", "2", "1", "0"]),
        (
            "hotspot",
            {"answer-x": "12.5", "answer-y": "40", "answer-candidate": ""},
            {"x": "12.5", "y": "40"},
        ),
        ("hotspot", {"answer-x": "", "answer-y": "", "answer-candidate": "1"}, {"candidate": "1"}),
        ("hotspot", {"answer-x": "", "answer-y": ""}, None),
        ("essay", {"answer": "\r\n"}, None),
        ("description", {}, None),
    ],
)
def test_read_form(name: str, form: Any, raw: Any) -> None:
    _question, arrangement = arranged(name)
    assert kind(name).read_form(MultiDict(form), arrangement, "answer") == raw


@pytest.mark.parametrize("name", list(SAMPLES))
@pytest.mark.parametrize("shuffle", [True, False])
def test_present_never_holds_the_key(name: str, shuffle: bool) -> None:
    question = sample(name)
    arrangement = kind(name).arrange(question, rng(3), shuffle)
    shown = repr(kind(name).present(question, arrangement))
    for secret in [SECRET, "correct", "True", *SECRET_NUMBERS.get(name, ())]:
        assert secret not in shown
    if name not in ("matching", "ordering", "essay", "description"):  # key holds positions
        assert SECRET in repr(kind(name).key(question, arrangement))


@pytest.mark.parametrize("count", range(3, 7))
def test_ordering_is_never_shown_in_the_correct_order(count: int) -> None:
    items = [f"step {i}" for i in range(count)]
    question = sample("ordering", items=items)
    shown = [kind("ordering").present(question, None)["items"]]
    for seed in range(300):
        for shuffle in (True, False):
            arrangement = kind("ordering").arrange(question, rng(seed), shuffle)
            assert sorted(arrangement) == list(range(count))
            shown.append(kind("ordering").present(question, arrangement)["items"])
    assert items not in shown
    assert len({tuple(order) for order in shown}) >= min(math.factorial(count) - 1, 2 * count)


@pytest.mark.parametrize("shuffle", [True, False])
def test_matching_never_shows_each_match_level_with_its_item(shuffle: bool) -> None:
    question = sample("matching", distractors=None)
    rights = {pair["left"]: pair["right"] for pair in question["pairs"]}
    right_orders = set()
    for seed in range(300):
        arrangement = kind("matching").arrange(question, rng(seed), shuffle)
        shown = kind("matching").present(question, arrangement)
        assert shown["right"] != [rights[left] for left in shown["left"]]
        lefts_in_file_order = shown["left"] == [pair["left"] for pair in question["pairs"]]
        assert lefts_in_file_order or shuffle
        right_orders.add(tuple(shown["right"]))
    # Shuffled even when shuffling is off: one fixed order would be learnt.
    assert len(right_orders) >= 5  # of 6; with the left in file order, all but one
