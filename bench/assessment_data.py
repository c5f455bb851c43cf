"""Question banks for bench_assessment.py: the same mixed bank as YAML and as GIFT, with
every gradable type the GIFT format can express, and right answers as a learner sends them."""

from __future__ import annotations

from typing import Any

import yaml

KINDS = ("single", "multiple", "true_false", "short_text", "numeric", "matching")
TAGS = ("needling-depth", "red-flags")


def yaml_question(number: int, prefix: str) -> dict[str, Any]:
    """Question ``number`` of a mixed bank, in YAML form; the type cycles through KINDS."""
    kind = KINDS[number % len(KINDS)]
    question: dict[str, Any] = {
        "id": f"{prefix}{number}",
        "type": kind,
        "tags": [TAGS[number % 2]],
        "text": f"Question {number}: which structure lies deep to **soleus** at this level?",
        "explanation": "The tibial nerve runs in the deep posterior compartment.",
    }
    if kind == "single":
        question["options"] = [
            {"text": "The tibial nerve", "correct": True, "feedback": "Right."},
            {"text": "The sural nerve", "feedback": "It is superficial."},
            {"text": "The common fibular nerve"},
            {"text": "The saphenous nerve"},
        ]
    elif kind == "multiple":
        question["scoring"] = "partial"
        question["options"] = [
            {"text": "Swelling on one side", "correct": True},
            {"text": "Warmth and redness", "correct": True},
            {"text": "Symmetrical cramps after exercise", "feedback": "Muscle fatigue."},
            {"text": "Bruising after a fall"},
            {"text": "Itching"},
        ]
    elif kind == "true_false":
        question["answer"] = number % 4 == 2
        question["feedback_true"] = "Look again."
        question["feedback_false"] = "Yes."
    elif kind == "short_text":
        question["accepted"] = ["tibial nerve", "posterior tibial nerve", "tibial"]
    elif kind == "numeric":
        question.update(answer=19, tolerance=2, unit="%")
    else:
        question["pairs"] = [
            {"left": "Tibial nerve", "right": "Deep posterior"},
            {"left": "Sural nerve", "right": "Superficial"},
            {"left": "Deep fibular nerve", "right": "Anterior"},
        ]
        question["distractors"] = ["Lateral"]
    return question


def yaml_bank(count: int, prefix: str) -> bytes:
    questions = [yaml_question(number, prefix) for number in range(count)]
    return yaml.safe_dump({"title": "Mixed bank", "questions": questions}).encode()


def gift_question(number: int, prefix: str) -> str:
    """The GIFT equivalent of ``yaml_question(number, prefix)``."""
    kind = KINDS[number % len(KINDS)]
    head = (
        f"// [tag:{TAGS[number % 2]}]\n::{prefix}{number}:: Question {number}\\: "
        "which structure lies deep to **soleus** at this level?"
    )
    explanation = "####The tibial nerve runs in the deep posterior compartment."
    if kind == "single":
        answers = (
            "=The tibial nerve#Right. ~The sural nerve#It is superficial. "
            "~The common fibular nerve ~The saphenous nerve"
        )
    elif kind == "multiple":
        answers = (
            "~%50%Swelling on one side ~%50%Warmth and redness "
            "~%-100%Symmetrical cramps after exercise#Muscle fatigue. "
            "~Bruising after a fall ~Itching"
        )
    elif kind == "true_false":
        answers = ("T" if number % 4 == 2 else "F") + "#Look again.#Yes."
    elif kind == "short_text":
        answers = "=tibial nerve =posterior tibial nerve =tibial"
    elif kind == "numeric":
        answers = "#19:2"
    else:
        answers = (
            "=Tibial nerve -> Deep posterior =Sural nerve -> Superficial "
            "=Deep fibular nerve -> Anterior = -> Lateral"
        )
    return f"{head} {{\n{answers}\n{explanation}\n}}"


def gift_bank(count: int, prefix: str) -> bytes:
    blocks = ["$CATEGORY: $course$/top/Posterior leg"]
    blocks += [gift_question(number, prefix) for number in range(count)]
    return "\n\n".join(blocks).encode() + b"\n"


def displayed_answer(question: dict[str, Any]) -> Any:
    """A right answer in displayed positions, as JSON sends it, from what the page shows
    (``present``): the key never reaches the page, so choices are the first ones shown."""
    kind = question["type"]
    if kind == "single":
        return 0
    if kind == "multiple":
        return [0, 1]
    if kind == "true_false":
        return True
    if kind == "short_text":
        return "tibial nerve"
    if kind == "numeric":
        return "19"
    if kind == "matching":
        return list(range(len(question["left"])))
    raise AssertionError(f"no answer for {kind}")


def form_fields(question: dict[str, Any]) -> dict[str, Any]:
    """The same answer as the page's form posts it."""
    answer = displayed_answer(question)
    if question["type"] == "matching":
        return {f"answer-{shown}": str(choice) for shown, choice in enumerate(answer)}
    if question["type"] == "multiple":
        return {"answer": [str(choice) for choice in answer]}
    if question["type"] == "true_false":
        return {"answer": "true" if answer else "false"}
    return {"answer": str(answer)}
