"""The answers a learner who knows the material gives, in displayed terms (as the JSON
autosave takes them): shared by the journeys in tests and the load benchmark."""

from __future__ import annotations

from typing import Any

from coursekit.assessment.registry import registry


def right_response(question: dict, arrangement: Any) -> object:
    """The right answer to ``question`` as it is shown under ``arrangement``."""
    key = registry()[question["type"]].key(question, arrangement)
    kind = question["type"]
    if kind == "single":
        return str(key["correct"][0])
    if kind == "multiple":
        return [str(shown) for shown in key["correct"]]
    if kind == "true_false":
        return key["answer"]
    if kind == "short_text":
        return key["accepted"][0]
    if kind == "numeric":
        return key["low"]
    if kind in ("matching", "ordering"):
        return key["correct"]
    assert kind == "hotspot"
    return {"candidate": str(key["correct"][0])}
