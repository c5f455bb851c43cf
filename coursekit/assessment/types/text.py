"""Typed answers: ``short_text`` (a word or phrase) and ``numeric`` (a number)."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema
from werkzeug.datastructures import MultiDict

from coursekit.assessment.types.base import (
    Arrangement,
    GradedFields,
    InvalidResponse,
    Question,
    QuestionType,
    Score,
)
from coursekit.assessment.types.common import Number, StrictBoolean, finite

MAX_TEXT_ANSWER = 500
"""Characters in a ``short_text`` answer (and in each accepted answer)."""
MAX_NUMBER_TEXT = 40
"""Characters in a typed number."""


def normalise(text: str) -> str:
    """``text`` with white space trimmed and each inner run of it made one space, in NFC
    form so that an accent typed as one character or as two compares equal."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _not_blank(value: str) -> None:
    if not normalise(value):
        raise ValidationError("an accepted answer cannot be blank")


class ShortTextSchema(GradedFields):
    accepted = fields.List(
        fields.String(
            validate=[validate.Length(max=MAX_TEXT_ANSWER), _not_blank],
            error_messages={
                "invalid": 'write each accepted answer as text: quote answers such as "19" or '
                '"yes" that YAML would read as a number or a boolean'
            },
        ),
        required=True,
        validate=validate.Length(min=1, error="give at least one accepted answer"),
    )
    case_sensitive = StrictBoolean(load_default=False)


class ShortText(QuestionType):
    """A typed word or phrase, right when it equals an accepted answer after white space is
    normalised (and case folded, unless ``case_sensitive``).

    The response is the learner's text, normalised; a blank box is no answer.
    """

    name = "short_text"
    schema = ShortTextSchema()

    def present(self, question: Question, arrangement: Arrangement) -> dict[str, Any]:
        return {**super().present(question, arrangement), "max_length": MAX_TEXT_ANSWER}

    def read_form(self, form: MultiDict[str, str], arrangement: Arrangement, name: str) -> Any:
        return _typed(form, name)

    def parse(self, question: Question, arrangement: Arrangement, raw: Any) -> Any:
        if not isinstance(raw, str):
            raise InvalidResponse("type your answer as text")
        answer = normalise(raw)
        if not answer:
            raise InvalidResponse("type an answer")
        if len(answer) > MAX_TEXT_ANSWER:
            raise InvalidResponse(f"your answer is too long: at most {MAX_TEXT_ANSWER} characters")
        return answer

    def grade(self, question: Question, response: Any) -> Score:
        points = question["points"]
        if response is None:
            return Score(0.0, points)
        fold = (lambda text: text) if question["case_sensitive"] else str.casefold
        accepted = {fold(normalise(answer)) for answer in question["accepted"]}
        return Score(points if fold(normalise(response)) in accepted else 0.0, points)

    def key(self, question: Question, arrangement: Arrangement) -> dict[str, Any]:
        return {
            **super().key(question, arrangement),
            "accepted": list(question["accepted"]),
            "case_sensitive": question["case_sensitive"],
        }


class NumericSchema(GradedFields):
    answer = Number()
    tolerance = Number(validate=validate.Range(min=0, error="tolerance cannot be negative"))
    min = Number()
    max = Number()
    unit = fields.String(load_default="", validate=validate.Length(max=20))

    @validates_schema
    def check_value(self, data: dict[str, Any], **_kwargs: Any) -> None:
        has_range = "min" in data or "max" in data
        if "answer" in data and has_range:
            extra = "min" if "min" in data else "max"
            raise ValidationError(
                "give either answer (with tolerance) or min and max, not both", extra
            )
        if "answer" not in data and not has_range:
            raise ValidationError(
                "give answer (with an optional tolerance), or min and max", "answer"
            )
        if "tolerance" in data and "answer" not in data:
            raise ValidationError(
                "tolerance goes with answer; leave it out with min and max", "tolerance"
            )
        if has_range and not ("min" in data and "max" in data):
            raise ValidationError("give both min and max", "max" if "min" in data else "min")
        if has_range and data["min"] > data["max"]:
            raise ValidationError("max must not be less than min", "max")


_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)")
_THOUSANDS = re.compile(r"[+-]?[1-9]\d{0,2},\d{3}")
"""``1,500``: one thousand five hundred, or one and a half? Refused rather than guessed."""


class Numeric(QuestionType):
    """A typed number, right when it lies in ``answer ± tolerance`` or ``min..max``, ends
    included.

    The learner may write ``.`` or ``,`` as the decimal separator, and nothing else: no
    thousands separators, spaces, units or exponents. A comma followed by exactly three
    digits after a whole part of 1 to 3 digits (``1,500``) is refused as ambiguous. Bounds
    are compared as the decimals written in the file, so ``1.1 ± 0.1`` accepts ``1.0``
    even though binary floating point would put ``1.1 - 0.1`` a hair above it.

    The response is the number, a float; a blank box is no answer.
    """

    name = "numeric"
    schema = NumericSchema()

    def present(self, question: Question, arrangement: Arrangement) -> dict[str, Any]:
        return {**super().present(question, arrangement), "unit": question["unit"]}

    def read_form(self, form: MultiDict[str, str], arrangement: Arrangement, name: str) -> Any:
        return _typed(form, name)

    def parse(self, question: Question, arrangement: Arrangement, raw: Any) -> Any:
        number = _read_number(raw) if isinstance(raw, str) else finite(raw)
        if number is None:
            raise InvalidResponse("type a number")
        # A JSON number (the API) meets the typed rule too: the answer is shown back as
        # typed text, which must read back as itself (1e40 would be 41 digits).
        if len(_format(number)) > MAX_NUMBER_TEXT:
            raise InvalidResponse("that number is too long")
        return number

    def display(self, question: Question, arrangement: Arrangement, response: Any) -> Any:
        return _format(response)

    def grade(self, question: Question, response: Any) -> Score:
        points = question["points"]
        low, high = _bounds(question)
        right = response is not None and low <= _decimal(response) <= high
        return Score(points if right else 0.0, points)

    def key(self, question: Question, arrangement: Arrangement) -> dict[str, Any]:
        low, high = _bounds(question)
        answer = question.get("answer")
        return {
            **super().key(question, arrangement),
            "answer": None if answer is None else _format(answer),
            "tolerance": None if answer is None else _format(question.get("tolerance", 0.0)),
            "low": _format(low),
            "high": _format(high),
            "unit": question["unit"],
        }


def _typed(form: MultiDict[str, str], name: str) -> str | None:
    """A text box's value; None (no answer) when it is blank."""
    value = form.get(name, "")
    return value if value.strip() else None


def _read_number(raw: str) -> float:
    text = raw.strip().replace("\u2212", "-")  # the minus sign some keyboards type
    if not text:
        raise InvalidResponse("type a number")
    if len(text) > MAX_NUMBER_TEXT:
        raise InvalidResponse("that number is too long")
    if _THOUSANDS.fullmatch(text):
        raise InvalidResponse(
            f"{text} could mean two numbers: write it without a thousands separator, "
            "or with . as the decimal point"
        )
    if not _NUMBER.fullmatch(text):
        raise InvalidResponse(
            "type a number such as 12 or 2.5, without units or thousands separators"
        )
    return float(text.replace(",", "."))


def _decimal(value: float) -> Decimal:
    """The shortest decimal that reads back as ``value``: what the file or learner wrote."""
    return Decimal(repr(float(value)))


def _bounds(question: Question) -> tuple[Decimal, Decimal]:
    if "answer" in question:
        answer, tolerance = _decimal(question["answer"]), _decimal(question.get("tolerance", 0))
        return answer - tolerance, answer + tolerance
    return _decimal(question["min"]), _decimal(question["max"])


def _format(value: float | Decimal) -> str:
    """A number as a learner would type it: ``19``, not ``19.0`` or ``1.9E+1``."""
    number = value if isinstance(value, Decimal) else _decimal(value)
    return format(number.normalize(), "f")
