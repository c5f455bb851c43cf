"""Helpers shared by the question types: strict schema fields and reading positions.

YAML is generous with types (``yes`` is a boolean, ``19`` a number, ``"19"`` a string) and
marshmallow's own fields convert between them. A quiz file is clearer when a value must be
written the way the format shows it, so these fields refuse the conversions.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

from marshmallow import fields, validate

from coursekit.assessment.types.base import InvalidResponse


class StrictBoolean(fields.Boolean):
    """``true`` or ``false``, unquoted: not ``"yes"``, ``1`` or ``"true"``."""

    default_error_messages: ClassVar[dict[str, str]] = {
        "invalid": "write true or false, without quotes"
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class Number(fields.Float):
    """A finite number, unquoted (a quoted ``"19"`` is refused, as are booleans)."""

    default_error_messages: ClassVar[dict[str, str]] = {"invalid": "write a number, without quotes"}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> float:
        number = finite(value)
        if number is None:  # also YAML's .inf and .nan
            raise self.make_error("invalid")
        return number


def finite(value: Any) -> float | None:
    """``value`` as a float when it is an int or float (not a boolean) with a finite value
    (a 400-digit int does not fit a float); otherwise None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def text(max_length: int, **kwargs: Any) -> fields.String:
    """A required, non-empty text field of at most ``max_length`` characters."""
    return fields.String(validate=validate.Length(min=1, max=max_length), **kwargs)


def position(raw: Any, count: int, message: str) -> int:
    """A displayed position ``0..count-1``, from a form's text or JSON's whole number;
    ``InvalidResponse(message)`` otherwise (booleans, ``"1.0"``, ``" 1"`` and ``"01"``
    included)."""
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise InvalidResponse(message)
    if isinstance(raw, str) and not (raw.isascii() and raw.isdigit()):
        raise InvalidResponse(message)
    value = int(raw)
    if not 0 <= value < count or (isinstance(raw, str) and raw != str(value)):
        raise InvalidResponse(message)
    return value
