"""Choice questions: ``single`` (one correct option), ``multiple`` (all that apply) and
``true_false``."""

from __future__ import annotations

import random
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
from coursekit.assessment.types.common import StrictBoolean, position

_CHOOSE = "choose one of the options"


class OptionSchema(Schema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    correct = fields.Boolean(load_default=False)
    feedback = fields.String(load_default="", validate=validate.Length(max=5000))


class SingleSchema(GradedFields):
    options = fields.List(
        fields.Nested(OptionSchema),
        required=True,
        validate=validate.Length(min=2, max=10, error="give 2 to 10 options"),
    )

    @validates_schema
    def check_correct(self, data: dict[str, Any], **_kwargs: Any) -> None:
        correct = sum(option["correct"] for option in data["options"])
        if correct != 1:
            raise ValidationError(
                f"exactly one option must have correct: true (found {correct})", "options"
            )


class Single(QuestionType):
    """One correct option among 2 to 10; full points for it, none otherwise."""

    name = "single"
    schema = SingleSchema()

    def arrange(self, question: Question, rng: random.Random, shuffle: bool) -> Arrangement:
        return shuffled(len(question["options"]), rng, shuffle)

    def present(self, question: Question, arrangement: Arrangement) -> dict[str, Any]:
        options = question["options"]
        return {
            **super().present(question, arrangement),
            "options": [options[index]["text"] for index in _order(arrangement, options)],
        }

    def parse(self, question: Question, arrangement: Arrangement, raw: Any) -> Any:
        order = _order(arrangement, question["options"])
        return order[position(raw, len(order), _CHOOSE)]

    def display(self, question: Question, arrangement: Arrangement, response: Any) -> Any:
        return _order(arrangement, question["options"]).index(response)

    def grade(self, question: Question, response: Any) -> Score:
        points = question["points"]
        right = response is not None and question["options"][response]["correct"]
        return Score(points if right else 0.0, points)

    def key(self, question: Question, arrangement: Arrangement) -> dict[str, Any]:
        options = [question["options"][i] for i in _order(arrangement, question["options"])]
        return {
            **super().key(question, arrangement),
            "correct": [position for position, option in enumerate(options) if option["correct"]],
            "feedback": [option["feedback"] for option in options],
        }


class MultipleSchema(SingleSchema):
    scoring = fields.String(
        load_default="all-or-nothing",
        validate=validate.OneOf(["all-or-nothing", "partial", "negative"]),
    )

    @validates_schema
    def check_correct(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if not any(option["correct"] for option in data["options"]):
            raise ValidationError("at least one option must have correct: true", "options")


class Multiple(Single):
    """Choose all that apply, scored all-or-nothing, partially, or with negative marking."""

    name = "multiple"
    schema = MultipleSchema()

    def read_form(self, form: MultiDict[str, str], arrangement: Arrangement, name: str) -> Any:
        return form.getlist(name)

    def parse(self, question: Question, arrangement: Arrangement, raw: Any) -> Any:
        if not isinstance(raw, list):
            raise InvalidResponse("choose options from the list")
        order = _order(arrangement, question["options"])
        return sorted({order[position(item, len(order), _CHOOSE)] for item in raw})

    def display(self, question: Question, arrangement: Arrangement, response: Any) -> Any:
        order = _order(arrangement, question["options"])
        return sorted(order.index(index) for index in response)

    def grade(self, question: Question, response: Any) -> Score:
        points, options = question["points"], question["options"]
        chosen = set(response or ())
        correct = {index for index, option in enumerate(options) if option["correct"]}
        if question["scoring"] == "all-or-nothing":
            return Score(points if chosen == correct else 0.0, points)
        share = (len(chosen & correct) - len(chosen - correct)) / len(correct)
        floor = -1.0 if question["scoring"] == "negative" else 0.0
        return Score(points * max(share, floor), points)


def _order(arrangement: Arrangement, options: list[Any]) -> list[int]:
    return arrangement if arrangement is not None else list(range(len(options)))


class TrueFalseSchema(GradedFields):
    answer = StrictBoolean(required=True)
    feedback_true = fields.String(load_default="", validate=validate.Length(max=5000))
    feedback_false = fields.String(load_default="", validate=validate.Length(max=5000))


class TrueFalse(QuestionType):
    """A statement the learner judges true or false.

    The response is a boolean: JSON's ``true``/``false``, or the form's ``"true"``/``"false"``.
    """

    name = "true_false"
    schema = TrueFalseSchema()

    def parse(self, question: Question, arrangement: Arrangement, raw: Any) -> Any:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw in ("true", "false"):
            return raw == "true"
        raise InvalidResponse("choose true or false")

    def grade(self, question: Question, response: Any) -> Score:
        points = question["points"]
        return Score(points if response is question["answer"] else 0.0, points)

    def key(self, question: Question, arrangement: Arrangement) -> dict[str, Any]:
        return {
            **super().key(question, arrangement),
            "answer": question["answer"],
            "feedback_true": question["feedback_true"],
            "feedback_false": question["feedback_false"],
        }
