"""Question types: file schemas, grading, parsing responses, what learners see, templates."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from marshmallow import ValidationError

from coursekit.assessment.registry import RegistryError, build_registry, registry
from coursekit.assessment.types import BUILT_IN_TYPES
from coursekit.assessment.types.base import QuestionType
from coursekit.assessment.types.choice import Single
from tests.question_samples import SAMPLES, file_form, sample

ALL_TYPES = [
    "single", "multiple", "true_false", "short_text", "numeric",
    "matching", "ordering", "hotspot", "essay", "description",
]  # fmt: skip
DOC = Path(__file__).parents[1] / "docs" / "module-format.md"


def kind(name: str) -> QuestionType:
    return registry()[SAMPLES[name]["type"]]


def unshuffled(question: dict) -> list[int] | None:
    """The arrangement that shows everything in file order, so tables read in file terms."""
    if question["type"] == "matching":
        pairs = len(question["pairs"])
        return [*range(pairs), *range(pairs + len(question["distractors"]))]
    shown = {"single": "options", "multiple": "options", "ordering": "items"}
    field = shown.get(question["type"], "candidates" if question["type"] == "hotspot" else None)
    return None if field is None else list(range(len(question[field])))


# Registry


def test_registry_holds_the_ten_built_in_types_in_order() -> None:
    assert [cls.name for cls in BUILT_IN_TYPES] == ALL_TYPES
    assert set(registry().names) == set(ALL_TYPES)


def test_registry_refuses_a_duplicate_name_and_a_misnamed_class() -> None:
    with pytest.raises(RegistryError, match="clashes"):
        build_registry({"single": Single})

    class Renamed(Single):
        name = "drag_label"

    with pytest.raises(RegistryError, match="named 'drag_label'"):
        build_registry({"drag_and_drop": Renamed})


# Schemas


def _doc_examples() -> list[dict]:
    section = DOC.read_text().split("## 4. Quiz")[1].split("## 6. GIFT")[0]
    found = []
    for block in re.findall(r"```yaml\n(.*?)```", section, re.DOTALL):
        loaded = yaml.safe_load(block)
        found += loaded["questions"] if isinstance(loaded, dict) else loaded
    return found


def test_the_documented_examples_load_and_cover_every_type() -> None:
    examples = _doc_examples()
    for example in examples:
        registry()[example["type"]].schema.load(example)
    assert {example["type"] for example in examples} == set(ALL_TYPES)


@pytest.mark.parametrize(
    ("name", "changes", "path", "message"),
    [
        ("single", {"options": [{"text": "a", "correct": True}] * 2}, ("options",), "exactly one"),
        ("multiple", {"options": [{"text": "a"}, {"text": "b"}]}, ("options",), "at least one"),
        ("true_false", {"answer": "true"}, ("answer",), "without quotes"),
        ("true_false", {"answer": 1}, ("answer",), "true or false"),
        ("true_false", {"answer": None}, ("answer",), "required"),
        ("short_text", {"accepted": [19]}, ("accepted", 0), "quote"),
        ("short_text", {"accepted": []}, ("accepted",), "at least one"),
        ("short_text", {"accepted": ["ok", "  \t"]}, ("accepted", 1), "blank"),
        ("short_text", {"case_sensitive": "yes"}, ("case_sensitive",), "true or false"),
        ("numeric", {"min": 1, "max": 2}, ("min",), "not both"),
        ("numeric", {"answer": None, "tolerance": None}, ("answer",), "min and max"),
        ("numeric_range", {"tolerance": 1}, ("tolerance",), "goes with answer"),
        ("numeric_range", {"max": None}, ("max",), "both min and max"),
        ("numeric_range", {"min": 100}, ("max",), "less than min"),
        ("numeric", {"answer": "19"}, ("answer",), "without quotes"),
        ("numeric", {"answer": True}, ("answer",), "number"),
        ("numeric", {"answer": float("nan")}, ("answer",), "number"),
        ("numeric", {"tolerance": -1}, ("tolerance",), "negative"),
        ("numeric", {"answer": 10**400}, ("answer",), "number"),
        ("matching", {"pairs": [{"left": "a", "right": "b"}]}, ("pairs",), "2 to 20"),
        (
            "matching",
            {"pairs": [{"left": "a", "right": "b"}, {"left": "a", "right": "c"}]},
            ("pairs",),
            "left texts must differ",
        ),
        ("matching", {"distractors": ["Anterior"]}, ("distractors",), "'Anterior'"),
        ("matching", {"scoring": "negative"}, ("scoring",), "Must be one of"),
        ("ordering", {"items": ["a", "b"]}, ("items",), "3 to 10"),
        ("ordering", {"items": [str(i) for i in range(11)]}, ("items",), "3 to 10"),
        ("ordering", {"items": ["a", "b", "a"]}, ("items",), "'a' is repeated"),
        ("hotspot", {"image": "leg.svg"}, ("image",), "media:NAME"),
        (
            "hotspot",
            {"regions": [{"name": "Fossa", "circle": {"cx": 1, "cy": 1, "r": 1}}]},
            ("regions", 0, "name"),
            "lower case",
        ),
        ("hotspot", {"correct": ["zqk-fossa", "nowhere"]}, ("correct",), "real regions"),
        (
            "hotspot",
            {"regions": [{"name": "a", "polygon": [[0, 0], [1, 1]]}]},
            ("regions", 0, "polygon"),
            "at least 3",
        ),
        (
            "hotspot",
            {"regions": [{"name": "a", "polygon": [[0, 0], [1, 1], [2, 2]]}]},
            ("regions", 0, "polygon"),
            "no area",
        ),
        (
            "hotspot",
            {"regions": [{"name": "a", "circle": {"cx": 1, "cy": 1, "r": 0}}]},
            ("regions", 0, "circle", "r"),
            "greater than",
        ),
        (
            "hotspot",
            {"candidates": [{"label": "x", "x": 250, "y": 122}] * 2},
            ("candidates",),
            "differ",
        ),
        (
            "hotspot",
            {
                "candidates": [
                    {"label": "a", "x": 250, "y": 122},
                    {"label": "b", "x": 250, "y": 100},
                ]
            },
            ("candidates",),
            "outside every correct region",
        ),
        (
            "hotspot",
            {"candidates": [{"label": "a", "x": 9, "y": 9}, {"label": "b", "x": 222, "y": 235}]},
            ("candidates",),
            "inside a correct region",
        ),
        ("essay", {"critical": True}, ("critical",), "cannot be critical"),
        ("essay", {"min_words": 10, "max_words": 5}, ("max_words",), "at least min_words"),
        ("essay", {"min_words": 2.5}, ("min_words",), "integer"),
        ("description", {"points": 1}, ("points",), "Unknown field"),
        ("description", {"critical": False}, ("critical",), "Unknown field"),
        ("description", {"explanation": "no"}, ("explanation",), "Unknown field"),
    ]
    + [(name, {"colour": "red"}, ("colour",), "Unknown field") for name in SAMPLES],
)
def test_schema_refuses_bad_input_on_the_field(
    name: str, changes: dict, path: tuple, message: str
) -> None:
    data = file_form(name, **changes)
    with pytest.raises(ValidationError) as caught:
        registry()[data["type"]].schema.load(data)
    found: Any = caught.value.messages
    for step in path:
        found = found[step]
    assert message in str(found)


def test_schema_accepts_every_sample() -> None:
    for name in SAMPLES:
        assert sample(name)["id"] == f"q-{name}"


# Grading: (sample, changes, response as typed or chosen in display terms, earned of 2)

HOTSPOT_CIRCLE = {"correct": ["medial-head"], "candidates": [
    {"label": "in", "x": 222.5, "y": 235.5}, {"label": "out", "x": 250, "y": 122}]}  # fmt: skip
C_SHAPE = [[0, 0], [100, 0], [100, 100], [0, 100], [0, 60], [60, 60], [60, 40], [0, 40]]
HOTSPOT_CONCAVE = {
    "regions": [{"name": "c-shape", "polygon": C_SHAPE}],
    "correct": ["c-shape"],
    "candidates": [{"label": "in", "x": 80, "y": 50}, {"label": "notch", "x": 30, "y": 50}],
}


@pytest.mark.parametrize(
    ("name", "changes", "response", "earned"),
    [
        ("single", {}, 0, 2),
        ("single", {}, 1, 0),
        ("single", {}, None, 0),
        ("multiple", {}, [0, 1], 2),
        ("multiple", {}, [0], 0),
        ("multiple", {}, [0, 1, 2], 0),
        ("multiple", {"scoring": "partial"}, [0], 1),
        ("multiple", {"scoring": "partial"}, [0, 1, 2], 1),
        ("multiple", {"scoring": "partial"}, [2, 3], 0),
        ("multiple", {"scoring": "negative"}, [0, 2], 0),
        ("multiple", {"scoring": "negative"}, [2], -1),
        ("multiple", {"scoring": "negative"}, [2, 3, 4], -2),
        ("true_false", {}, "true", 2),
        ("true_false", {}, False, 0),
        ("true_false", {"answer": False}, "false", 2),
        ("short_text", {}, "tibial nerve", 2),
        ("short_text", {}, "  Tibial \t\n  NERVE ", 2),
        ("short_text", {}, "tibial", 0),
        ("short_text", {}, "tibialnerve", 0),
        ("short_text", {"case_sensitive": True}, "tibial nerve", 0),
        ("short_text", {"case_sensitive": True}, " Tibial  nerve", 2),
        ("short_text", {"accepted": ["caf\u00e9"]}, "cafe\u0301", 2),  # é as e + accent
        ("numeric", {"answer": 19, "tolerance": 2}, "17", 2),
        ("numeric", {"answer": 19, "tolerance": 2}, "21", 2),
        ("numeric", {"answer": 19, "tolerance": 2}, "21,0", 2),
        ("numeric", {"answer": 19, "tolerance": 2}, "16.99", 0),
        ("numeric", {"answer": 19, "tolerance": 2}, 21.01, 0),
        ("numeric", {"answer": 19, "tolerance": None}, "19", 2),
        ("numeric", {"answer": 19, "tolerance": None}, "19.001", 0),
        ("numeric", {"answer": 1.1, "tolerance": 0.1}, "1,0", 2),
        ("numeric", {"answer": 1.1, "tolerance": 0.1}, "1.2", 2),
        ("numeric", {"answer": 1.1, "tolerance": 0.1}, "0.99", 0),
        ("numeric_range", {"min": 1.5, "max": 2.5}, "1.5", 2),
        ("numeric_range", {"min": 1.5, "max": 2.5}, "2,5", 2),
        ("numeric_range", {"min": 1.5, "max": 2.5}, "2.51", 0),
        ("numeric_range", {"min": -3, "max": -1}, "\u22122", 2),  # the minus sign
        ("matching", {}, ["0", "1", "2"], 2),
        ("matching", {}, [0, 2, 1], 2 / 3),
        ("matching", {}, [0, None, ""], 2 / 3),
        ("matching", {}, [3, 3, 3], 0),
        ("matching", {"scoring": "all-or-nothing"}, [0, 1, 2], 2),
        ("matching", {"scoring": "all-or-nothing"}, [0, 2, 1], 0),
        ("ordering", {}, [0, 1, 2, 3], 2),
        ("ordering", {}, [0, 1, 3, 2], 0),
        ("ordering", {"scoring": "partial"}, [0, 1, 3, 2], 1),
        ("ordering", {"scoring": "partial"}, [1, 0, 3, 2], 0),
        ("ordering", {"scoring": "partial"}, ["0", "1", "2", "3"], 2),
        ("hotspot", {}, {"x": 250, "y": 122}, 2),
        ("hotspot", {}, {"x": 250, "y": 75}, 2),  # a corner
        ("hotspot", {}, {"x": "269", "y": "98.5"}, 2),  # the middle of an edge
        ("hotspot", {}, {"x": 288.01, "y": 122}, 0),
        ("hotspot", {}, {"x": 222.5, "y": 235.5}, 0),  # a region, but not a correct one
        ("hotspot", {}, {"candidate": 0}, 2),
        ("hotspot", {}, {"candidate": "2"}, 0),
        ("hotspot", HOTSPOT_CIRCLE, {"x": 253, "y": 235.5}, 2),  # on the circle
        ("hotspot", HOTSPOT_CIRCLE, {"x": 253.01, "y": 235.5}, 0),
        ("hotspot", HOTSPOT_CONCAVE, {"x": 80, "y": 50}, 2),
        ("hotspot", HOTSPOT_CONCAVE, {"x": 30, "y": 20}, 2),
        ("hotspot", HOTSPOT_CONCAVE, {"x": 30, "y": 50}, 0),  # in the notch
        ("hotspot", HOTSPOT_CONCAVE, {"x": 0, "y": 50}, 0),  # the notch's open side
        ("hotspot", HOTSPOT_CONCAVE, {"x": 60, "y": 50}, 2),  # the notch's far edge
        ("hotspot", {}, None, 0),
    ],
)
def test_grade(name: str, changes: dict, response: Any, earned: float) -> None:
    question = sample(name, points=2, **changes)
    shown = unshuffled(question)
    canonical = None if response is None else kind(name).parse(question, shown, response)
    score = kind(name).grade(question, canonical)
    assert score.earned == pytest.approx(earned)
    assert score.possible == 2


@pytest.mark.parametrize(("name", "manual"), [("essay", True), ("description", False)])
def test_items_not_marked_automatically_score_nothing_of_nothing(name: str, manual: bool) -> None:
    assert (kind(name).graded, kind(name).manual) == (False, manual)
    answer = "one two three four" if manual else None
    score = kind(name).grade(sample(name), answer)
    assert (score.earned, score.possible) == (0, 0)


class _EntryPoint:
    """Just enough of importlib.metadata.EntryPoint for the registry."""

    def __init__(self, name: str, value: str) -> None:
        self.name, self.value = name, value


def test_an_installed_type_is_registered_and_a_clash_stops_the_app(monkeypatch) -> None:
    from coursekit import create_app
    from coursekit.assessment import registry as registry_module

    installed = [_EntryPoint("drag_label", "tests.test_question_types:DragLabel")]
    monkeypatch.setattr(registry_module, "entry_points", lambda *, group: installed)
    registry.cache_clear()
    try:
        assert "drag_label" in registry()
        installed.append(_EntryPoint("single", "tests.test_question_types:ShadowSingle"))
        registry.cache_clear()
        with pytest.raises(RegistryError, match=r"'single' from tests\.test_question_types"):
            create_app({"TESTING": True, "COURSEKIT_DATABASE_URL": "sqlite://"})
    finally:
        registry.cache_clear()


class DragLabel(Single):
    """A third-party type, as a plugin would ship it."""

    name = "drag_label"


class ShadowSingle(Single):
    """A plugin's type that takes a built-in's name."""

    name = "single"
