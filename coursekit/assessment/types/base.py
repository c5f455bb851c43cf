"""What a question type is: a file schema, a pure grading function and a template.

A question is a plain dict, as its type's schema loaded it from a quiz or bank file (the
YAML form in ``docs/module-format.md``; GIFT is converted to it). When an attempt starts,
each question gets an **arrangement**: the order in which its options (or items, or the
right-hand column) are shown, frozen with the attempt. Learners and the JSON API speak in
*displayed positions*; ``parse`` turns that into a canonical response in the file's own
terms, which is what is stored and graded, so a grade never depends on a shuffle.

Nothing that ``present`` returns may reveal the answer: no ``correct`` flags, accepted
answers, values, regions, feedback or explanations. The review page gets those from
``key``, and only when the review policy allows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, ClassVar

from marshmallow import Schema, fields, validate
from werkzeug.datastructures import MultiDict

Question = dict[str, Any]
Arrangement = list[int] | None


@dataclass(frozen=True)
class Score:
    """Points earned out of points possible for one answer. ``earned`` may be negative
    (negative marking); an attempt's total never is."""

    earned: float
    possible: float

    @property
    def full(self) -> bool:
        """Whether the answer earned every point (what a critical question needs)."""
        return self.possible > 0 and self.earned >= self.possible


class InvalidResponse(ValueError):
    """A response that does not fit the question: wrong kind, unknown option, a click
    outside the image. The message is shown to the learner."""


ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"


class CommonFields(Schema):
    """The fields every question has (docs/module-format.md, "Common fields")."""

    id = fields.String(
        required=True, validate=validate.Regexp(ID_PATTERN, error="must be a short word id")
    )
    type = fields.String(required=True)
    tags = fields.List(fields.String(validate=validate.Length(min=1, max=60)), load_default=list)
    text = fields.String(required=True, validate=validate.Length(min=1, max=20_000))
    explanation = fields.String(validate=validate.Length(max=20_000), load_default="")


class GradedFields(CommonFields):
    """Common fields of a question that is worth points."""

    points = fields.Float(
        load_default=1.0, validate=validate.Range(min=0, min_inclusive=False, max=1000)
    )
    critical = fields.Boolean(load_default=False)


class QuestionType:
    """Base class of question types. Subclasses set the class attributes and override the
    methods that apply; the defaults suit a question with no options to shuffle."""

    name: ClassVar[str]
    schema: ClassVar[Schema]
    """Loads and checks a question's file form (all fields, common ones included)."""
    graded: ClassVar[bool] = True
    """Counts as a question of a post-test and is graded by ``grade``."""
    manual: ClassVar[bool] = False
    """Graded by an instructor (``essay``); ``grade`` then gives 0 of 0."""

    @property
    def template(self) -> str:
        """The template that renders the question for answering and for review."""
        return f"coursekit/assessment/types/{self.name}.html"

    def arrange(self, question: Question, rng: random.Random, shuffle: bool) -> Arrangement:
        """The displayed order of the question's options, frozen when an attempt starts."""
        return None

    def present(self, question: Question, arrangement: Arrangement) -> dict[str, Any]:
        """What a learner may see while answering, in displayed order. Never the key."""
        return {"id": question["id"], "type": self.name, "text": question["text"]}

    def read_form(self, form: MultiDict[str, str], arrangement: Arrangement, name: str) -> Any:
        """The raw response in an HTML form post. ``name`` is the form field (or, for
        types with several fields, the prefix) the template was given."""
        return form.get(name)

    def parse(self, question: Question, arrangement: Arrangement, raw: Any) -> Any:
        """The canonical response for ``raw`` (displayed positions, from a form or JSON);
        ``InvalidResponse`` if it does not fit."""
        raise InvalidResponse("this item takes no answer")

    def display(self, question: Question, arrangement: Arrangement, response: Any) -> Any:
        """A stored response in displayed terms, to fill the form in again (the inverse of
        ``parse``)."""
        return response

    def grade(self, question: Question, response: Any) -> Score:
        """Pure: the score of a canonical response (None when unanswered)."""
        return Score(0.0, 0.0)

    def key(self, question: Question, arrangement: Arrangement) -> dict[str, Any]:
        """The answer key and feedback for review, in displayed terms."""
        return {"explanation": question.get("explanation", "")}

    def check_media(self, question: Question, media: dict[str, bytes]) -> list[tuple[tuple, str]]:
        """Problems with the media a question uses (``media`` maps ``media:`` names to
        bytes), as (key path within the question, message)."""
        return []

    def advise(self, question: Question) -> list[tuple[tuple, str]]:
        """Warnings about a valid question that works but could mislead (a hotspot whose
        right region overlaps a wrong one), as (key path within the question, message)."""
        return []


def shuffled(count: int, rng: random.Random, shuffle: bool) -> list[int]:
    """Positions ``0..count-1``, shuffled when asked."""
    order = list(range(count))
    if shuffle:
        rng.shuffle(order)
    return order
