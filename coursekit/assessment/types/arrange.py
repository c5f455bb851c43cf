"""Questions about arrangement: ``matching`` (pair items) and ``ordering`` (put in order).

Both are answered in an HTML form with one ``<select>`` per displayed item, named
``NAME-0``, ``NAME-1``, …; the raw response is the list of those choices in displayed
order (``None`` or ``""`` for a choice left blank).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from werkzeug.datastructures import MultiDict

from coursekit.assessment.types.base import (
    Arrangement,
    GradedFields,
    InvalidResponse,
    Question,
    QuestionType,
    Score,
    shuffled,
)
from coursekit.assessment.types.common import position, text

MAX_PAIRS = 20
MAX_SELECTS = MAX_PAIRS
"""The most ``<select>`` fields a matching or ordering question has."""


class PairSchema(Schema):
    left = text(1000, required=True)
    right = text(200, required=True)


class MatchingSchema(GradedFields):
    pairs = fields.List(
        fields.Nested(PairSchema),
        required=True,
        validate=validate.Length(min=2, max=MAX_PAIRS, error=f"give 2 to {MAX_PAIRS} pairs"),
    )
    distractors = fields.List(
        text(200),
        load_default=list,
        validate=validate.Length(max=10, error="give at most 10 distractors"),
    )
    scoring = fields.String(
        load_default="partial", validate=validate.OneOf(["partial", "all-or-nothing"])
    )

    @validates_schema
    def check_unique(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if len(data["pairs"]) == 2 and not data["distractors"]:
            # The choices are never shown level with their items: with two, always crossed.
            raise ValidationError(
                "with two pairs, add a distractor or a third pair: otherwise the order "
                "of the choices gives the answer away",
                "pairs",
            )
        for side in ("left", "right"):
            repeated = _repeated(pair[side] for pair in data["pairs"])
            if repeated:
                raise ValidationError(
                    f"{side} texts must differ ({repeated!r} is repeated)", "pairs"
                )
        repeated = _repeated([pair["right"] for pair in data["pairs"]] + data["distractors"])
        if repeated:
            raise ValidationError(
                f"a distractor must differ from every right text and every other distractor "
                f"({repeated!r} is repeated)",
                "distractors",
            )


class Matching(QuestionType):
    """Pair each left-hand item with a right-hand text; scored per pair or all-or-nothing.

    The arrangement is the displayed order of the left items (shuffled only when asked)
    followed by the displayed order of the right-hand choices: the pairs' right texts,
    then the distractors, always shuffled, since in file order each would sit beside its
    match. The response is, for each left item in file order, the index of the chosen
    right-hand choice (pairs' right texts then distractors), or None when left blank.
    """

    name = "matching"
    schema = MatchingSchema()

    def arrange(self, question: Question, rng: random.Random, shuffle: bool) -> Arrangement:
        count = len(question["pairs"])
        left = shuffled(count, rng, shuffle)
        right = shuffled(len(_choices(question)), rng, True)
        if right[:count] == left:  # every match shown level with its item: show it apart
            right = right[1:] + right[:1]
        return left + right

    def present(self, question: Question, arrangement: Arrangement) -> dict[str, Any]:
        left, right = _orders(question, arrangement)
        choices = _choices(question)
        return {
            **super().present(question, arrangement),
            "left": [question["pairs"][index]["left"] for index in left],
            "right": [choices[index] for index in right],
        }

    def read_form(self, form: MultiDict[str, str], arrangement: Arrangement, name: str) -> Any:
        return _selects(form, name)

    def parse(self, question: Question, arrangement: Arrangement, raw: Any) -> Any:
        left, right = _orders(question, arrangement)
        if not isinstance(raw, list) or len(raw) != len(left):
            raise InvalidResponse(f"choose a match for each of the {len(left)} items")
        response: list[int | None] = [None] * len(left)
        for shown, choice in enumerate(raw):
            if choice is not None and choice != "":
                chosen = position(choice, len(right), "choose each match from its list")
                response[left[shown]] = right[chosen]
        if all(choice is None for choice in response):
            raise InvalidResponse("choose a match for at least one item")
        return response

    def display(self, question: Question, arrangement: Arrangement, response: Any) -> Any:
        left, right = _orders(question, arrangement)
        chosen = [response[index] for index in left]
        return [None if choice is None else right.index(choice) for choice in chosen]

    def grade(self, question: Question, response: Any) -> Score:
        points, count = question["points"], len(question["pairs"])
        right = sum(choice == index for index, choice in enumerate(response or ()))
        if question["scoring"] == "all-or-nothing":
            return Score(points if right == count else 0.0, points)
        return Score(points * right / count, points)

    def key(self, question: Question, arrangement: Arrangement) -> dict[str, Any]:
        left, right = _orders(question, arrangement)
        return {
            **super().key(question, arrangement),
            "correct": [right.index(index) for index in left],
        }


def _choices(question: Question) -> list[str]:
    return [pair["right"] for pair in question["pairs"]] + question["distractors"]


def _orders(question: Question, arrangement: Arrangement) -> tuple[list[int], list[int]]:
    count, choices = len(question["pairs"]), len(_choices(question))
    if arrangement is None:  # never file order on the right: it would pair them up
        return list(range(count)), [*range(1, choices), 0]
    return arrangement[:count], arrangement[count:]


class OrderingSchema(GradedFields):
    items = fields.List(
        text(1000),
        required=True,
        # Two items are never shown in order, so they would always be shown reversed.
        validate=validate.Length(
            min=3, max=10, error="give 3 to 10 items (two would always be shown reversed)"
        ),
    )
    scoring = fields.String(
        load_default="all-or-nothing", validate=validate.OneOf(["all-or-nothing", "partial"])
    )

    @validates_schema
    def check_unique(self, data: dict[str, Any], **_kwargs: Any) -> None:
        repeated = _repeated(data["items"])
        if repeated:
            raise ValidationError(f"items must differ ({repeated!r} is repeated)", "items")


class Ordering(QuestionType):
    """Put items in order; written in the correct order, always shown in another.

    The arrangement is the displayed order of the items. The raw response gives, for each
    displayed item, its position (0 for first); the canonical response is the sequence of
    items (file indices) in the learner's order.
    """

    name = "ordering"
    schema = OrderingSchema()

    def arrange(self, question: Question, rng: random.Random, shuffle: bool) -> Arrangement:
        # Shuffled even when shuffling is off, and never the correct order: showing the
        # items as written would show the answer.
        order = shuffled(len(question["items"]), rng, True)
        return order[1:] + order[:1] if order == sorted(order) else order

    def present(self, question: Question, arrangement: Arrangement) -> dict[str, Any]:
        order = _shown(question, arrangement)
        return {
            **super().present(question, arrangement),
            "items": [question["items"][index] for index in order],
        }

    def read_form(self, form: MultiDict[str, str], arrangement: Arrangement, name: str) -> Any:
        return _selects(form, name)

    def parse(self, question: Question, arrangement: Arrangement, raw: Any) -> Any:
        order = _shown(question, arrangement)
        count = len(order)
        if not isinstance(raw, list) or len(raw) != count:
            raise InvalidResponse(f"give each of the {count} items a position")
        if any(choice is None or choice == "" for choice in raw):
            raise InvalidResponse("give every item a position")
        ranks = [position(choice, count, f"choose positions from 1 to {count}") for choice in raw]
        if len(set(ranks)) != count:
            raise InvalidResponse("give each item a different position")
        sequence = [0] * count
        for shown, rank in enumerate(ranks):
            sequence[rank] = order[shown]
        return sequence

    def display(self, question: Question, arrangement: Arrangement, response: Any) -> Any:
        return [response.index(index) for index in _shown(question, arrangement)]

    def grade(self, question: Question, response: Any) -> Score:
        points, count = question["points"], len(question["items"])
        right = sum(item == place for place, item in enumerate(response or ()))
        if question["scoring"] == "all-or-nothing":
            return Score(points if right == count else 0.0, points)
        return Score(points * right / count, points)

    def key(self, question: Question, arrangement: Arrangement) -> dict[str, Any]:
        # An item's file index is its correct position.
        return {**super().key(question, arrangement), "correct": _shown(question, arrangement)}


def _shown(question: Question, arrangement: Arrangement) -> list[int]:
    count = len(question["items"])
    if arrangement is None:  # never the order written, which is the answer
        return [*range(1, count), 0]
    return list(arrangement)


def _selects(form: MultiDict[str, str], name: str) -> list[str] | None:
    """The ``NAME-0``, ``NAME-1``, … choices in displayed order; None when all are blank."""
    choices = []
    for shown in range(MAX_SELECTS):
        if f"{name}-{shown}" not in form:
            break
        choices.append(form[f"{name}-{shown}"])
    return choices if any(choice != "" for choice in choices) else None


def _repeated(values: Iterable[str]) -> str | None:
    """The first value that occurs more than once, if any."""
    counts = Counter(values)
    return next((value for value, count in counts.items() if count > 1), None)
