"""Items that are not marked automatically: ``essay`` (an instructor reads it) and
``description`` (text between questions, with no answer)."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema
from werkzeug.datastructures import MultiDict

from coursekit.assessment.types.base import (
    Arrangement,
    CommonFields,
    GradedFields,
    InvalidResponse,
    Question,
    QuestionType,
)
from coursekit.assessment.types.common import StrictBoolean

MAX_ESSAY_CHARACTERS = 20_000
MAX_ESSAY_WORDS = 3000
"""The most ``max_words`` may be: about what fits in ``MAX_ESSAY_CHARACTERS``."""


class EssaySchema(GradedFields):
    critical = StrictBoolean(
        load_default=False,
        validate=validate.Equal(
            False, error="an essay cannot be critical: it is not marked automatically"
        ),
    )
    min_words = fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ESSAY_WORDS))
    max_words = fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ESSAY_WORDS))
    guidance = fields.String(load_default="", validate=validate.Length(max=20_000))

    @validates_schema
    def check_words(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("max_words", MAX_ESSAY_WORDS) < data.get("min_words", 1):
            raise ValidationError("max_words must be at least min_words", "max_words")


class Essay(QuestionType):
    """A written answer that an instructor reads and marks.

    It is not graded automatically (``grade`` gives 0 of 0) and does not count as a
    post-test question. The response is the text, with its ends trimmed and line breaks
    as ``\\n``; its length and word count are checked here. ``guidance`` is for the
    instructor: neither ``present`` nor ``key`` gives it.
    """

    name = "essay"
    schema = EssaySchema()
    graded = False
    manual = True

    def present(self, question: Question, arrangement: Arrangement) -> dict[str, Any]:
        return {
            **super().present(question, arrangement),
            "min_words": question.get("min_words"),
            "max_words": question.get("max_words"),
            "max_length": MAX_ESSAY_CHARACTERS,
        }

    def read_form(self, form: MultiDict[str, str], arrangement: Arrangement, name: str) -> Any:
        value = form.get(name, "")
        return value if value.strip() else None

    def parse(self, question: Question, arrangement: Arrangement, raw: Any) -> Any:
        if not isinstance(raw, str):
            raise InvalidResponse("write your answer as text")
        answer = raw.replace("\r\n", "\n").replace("\r", "\n").strip()
        if not answer:
            raise InvalidResponse("write your answer")
        if len(answer) > MAX_ESSAY_CHARACTERS:
            raise InvalidResponse(
                f"your answer is too long: at most {MAX_ESSAY_CHARACTERS:,} characters "
                f"(it has {len(answer):,})"
            )
        words = len(answer.split())
        least, most = question.get("min_words"), question.get("max_words")
        if least is not None and words < least:
            raise InvalidResponse(f"write at least {least} words (you wrote {words})")
        if most is not None and words > most:
            raise InvalidResponse(f"write at most {most} words (you wrote {words})")
        return answer


class DescriptionSchema(CommonFields):
    """Common fields without ``explanation``; ``points`` and ``critical`` are not there
    either, so each is refused as an unknown field."""


class Description(QuestionType):
    """Text shown between questions (a case vignette, an introduction). No answer, no
    points: ``parse`` refuses anything."""

    name = "description"
    schema = DescriptionSchema(exclude=("explanation",))
    graded = False
