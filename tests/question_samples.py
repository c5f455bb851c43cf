"""Sample questions of every type for the question-type tests, in file form.

Everything a learner must not see before review carries the marker ``ZQK`` (texts) or a
distinctive number, so a test can look for it in what ``present`` returns or a template
shows.
"""

from __future__ import annotations

import random
from typing import Any

from coursekit.assessment.registry import registry
from coursekit.assessment.types.base import Question

SECRET = "ZQK"

SAMPLES: dict[str, dict[str, Any]] = {
    "single": {
        "type": "single",
        "options": [
            {"text": "Popliteal artery", "correct": True, "feedback": "ZQK right"},
            {"text": "Tibial nerve", "feedback": "ZQK superficial"},
            {"text": "Popliteal vein"},
        ],
    },
    "multiple": {
        "type": "multiple",
        "options": [
            {"text": "One-sided swelling", "correct": True},
            {"text": "Warmth", "correct": True, "feedback": "ZQK warm"},
            {"text": "Cramps"},
            {"text": "Bruising"},
            {"text": "Itching"},
        ],
    },
    "true_false": {
        "type": "true_false",
        "answer": True,
        "feedback_true": "ZQK yes",
        "feedback_false": "ZQK no",
    },
    "short_text": {"type": "short_text", "accepted": ["Tibial nerve", "ZQK tibial"]},
    "numeric": {"type": "numeric", "answer": 1234.5678, "tolerance": 0.4321, "unit": "mm"},
    "numeric_range": {"type": "numeric", "min": 98.7654, "max": 99.1234},
    "matching": {
        "type": "matching",
        "pairs": [
            {"left": "Tibial nerve", "right": "Deep posterior"},
            {"left": "Sural nerve", "right": "Superficial"},
            {"left": "Deep fibular nerve", "right": "Anterior"},
        ],
        "distractors": ["Lateral"],
    },
    "ordering": {
        "type": "ordering",
        "items": ["Tibial nerve", "Popliteal vein", "Popliteal artery", "Periosteum"],
    },
    "hotspot": {
        "type": "hotspot",
        "image": "media:leg.svg",
        "regions": [
            {"name": "zqk-fossa", "polygon": [[250, 75], [288, 122], [250, 172], [212, 122]]},
            {"name": "medial-head", "circle": {"cx": 222.5, "cy": 235.5, "r": 30.5}},
        ],
        "correct": ["zqk-fossa"],
        "candidates": [
            {"label": "A: knee crease", "x": 250.125, "y": 122.375},
            {"label": "B: medial belly", "x": 222.5, "y": 235.5},
            {"label": "C: heel", "x": 260, "y": 480},
        ],
    },
    "essay": {"type": "essay", "min_words": 3, "max_words": 8, "guidance": "ZQK rubric"},
    "description": {"type": "description"},
}

SECRET_NUMBERS = {
    "numeric": ["1234.5678", "0.4321", "1234.1357", "1234.9999"],
    "numeric_range": ["98.7654", "99.1234"],
    "hotspot": ["250.125", "122.375", "222.5", "235.5", "30.5", "288"],
}


def sample(name: str, **changes: Any) -> Question:
    """The sample ``name`` loaded by its type's schema, with ``changes`` made first."""
    data = file_form(name, **changes)
    return registry()[data["type"]].schema.load(data)


def file_form(name: str, **changes: Any) -> dict[str, Any]:
    """The sample as written in a file (before loading); a change to ``None`` removes."""
    data: dict[str, Any] = {"id": f"q-{name}", "text": f"Question {name}", **SAMPLES[name]}
    if data["type"] != "description":
        data["explanation"] = "ZQK explained"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def rng(seed: int) -> random.Random:
    """A reproducible shuffle for arranging questions."""
    return random.Random(seed)  # noqa: S311 - shuffles options, guards no secret
