"""The answer block of a GIFT question (``{...}``): its question type and the type's fields.

The type is decided as Moodle's ``qformat_gift::readquestion`` decides it, in this order:
an empty block is an essay; one that starts with ``#`` is numeric; one that holds ``~`` is
multiple choice; one that holds both ``=`` and ``->`` is matching; ``T``, ``TRUE``, ``F``
or ``FALSE`` (with optional ``#feedback``) is true/false; anything else is short answer.

CourseKit gives one answer all of a question's points or none of them, so Moodle's partial
credit for one answer (``=%50%Nazereth``, ``~%50%half right``) is not kept: an answer
worth less than 100% counts as wrong. Choose-all-that-apply questions (weights, no ``=``)
become ``multiple`` with ``partial`` scoring, each option with a positive weight correct.
What cannot be represented (two right answers to a single choice, two right numeric
values) is refused with a message that says what to change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from coursekit.assessment.gift_text import TextProblem, split_format, to_markdown, unmask

_WEIGHT = re.compile(r"\s*%(-?\d+(?:\.\d+)?)%")
_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
FULL = 100.0


class AnswerProblem(ValueError):
    """Something wrong in an answer block, at ``offset`` in the question's source."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message, self.offset = message, offset


@dataclass(frozen=True)
class _Piece:
    """One answer: its marker (``=``, ``~``, or ``""`` for text before the first marker),
    its masked text and where that text starts."""

    marker: str
    text: str
    offset: int

    @property
    def start(self) -> int:
        """Where problems with the answer point: its marker, or its first character."""
        if self.marker:
            return self.offset - 1
        return self.offset + len(self.text) - len(self.text.lstrip())


def answer_fields(answers: str, brace: int, form: str) -> dict[str, Any]:
    """``type`` and the type's own fields for the masked answers (general feedback already
    removed) of the block whose ``{`` is at offset ``brace``; ``form`` is the question
    text's format, the default for answers and feedback. Problems with the whole block
    point at its ``{``."""
    stripped = answers.strip()
    if not stripped:
        return {"type": "essay"}
    if stripped.startswith("#"):
        return _numeric(answers, brace)
    if "~" in answers:
        return _choice(answers, brace, form)
    if "=" in answers and "->" in answers:
        return _matching(answers, brace, form)
    head, *feedback = stripped.split("#", 2)
    if head.strip() in _TRUE_FALSE:
        return _true_false(_TRUE_FALSE[head.strip()], feedback, brace, form)
    return _short_text(answers, brace)


def _pieces(masked: str, offset: int, markers: str) -> list[_Piece]:
    pieces, start, marker = [], 0, ""
    for index, char in enumerate(masked):
        if char in markers:
            pieces.append(_Piece(marker, masked[start:index], offset + start))
            start, marker = index + 1, char
    pieces.append(_Piece(marker, masked[start:], offset + start))
    if not pieces[0].marker and not pieces[0].text.strip():
        pieces.pop(0)
    return pieces


def _weight(piece: _Piece) -> tuple[float | None, str]:
    """The answer's ``%weight%`` (None when absent) and its text after the weight."""
    found = _WEIGHT.match(piece.text)
    if found is None:
        return None, piece.text
    weight = float(found.group(1))
    if not -FULL <= weight <= FULL:
        raise AnswerProblem(f"weight {found.group(1)}% is not from -100% to 100%", piece.start)
    return weight, piece.text[found.end() :]


def markdown_at(masked: str, form: str, at: int) -> str:
    """A masked text as Markdown (``form`` unless it has its own prefix); a text that
    cannot be converted is an ``AnswerProblem`` at ``at``."""
    try:
        return to_markdown(masked, form)[1]
    except TextProblem as exc:
        raise AnswerProblem(str(exc), at) from None


def _choice(answers: str, brace: int, form: str) -> dict[str, Any]:
    options: list[tuple[float, str, str, int]] = []  # weight, text, feedback, start
    marked_right = False
    for piece in _pieces(answers, brace + 1, "~="):
        if not piece.marker:
            raise AnswerProblem(
                "text before the first option: start each option with = (right) or ~ (wrong)",
                piece.start,
            )
        weight, rest = _weight(piece)
        marked_right = marked_right or piece.marker == "="
        if weight is None:
            weight = FULL if piece.marker == "=" else 0.0
        text, _, feedback = rest.partition("#")
        text = markdown_at(text, form, piece.start)
        if not text:
            raise AnswerProblem("an option has no text", piece.start)
        options.append((weight, text, markdown_at(feedback, form, piece.start), piece.start))
    if len(options) < 2:
        raise AnswerProblem("a choice question needs at least 2 options", brace)
    full = [start for weight, _text, _feedback, start in options if weight >= FULL]
    positive = [weight for weight, _text, _feedback, _start in options if weight > 0]
    if marked_right or positive == [FULL]:
        if len(full) != 1:
            raise AnswerProblem(_single_message(len(full)), full[1] if full else brace)
        return {"type": "single", "options": _options(options, FULL)}
    if not positive:
        raise AnswerProblem(
            "no option is right: mark the right option with =, or give each right option "
            "a weight such as ~%50%",
            brace,
        )
    return {"type": "multiple", "scoring": "partial", "options": _options(options, 0.0)}


def _options(options: list[tuple[float, str, str, int]], above: float) -> list[dict[str, Any]]:
    """Options in the YAML form; right when the weight is at least ``above`` (and > 0)."""
    written: list[dict[str, Any]] = []
    for weight, text, feedback, _start in options:
        option: dict[str, Any] = {"text": text}
        if weight > 0 and weight >= above:
            option["correct"] = True
        if feedback:
            option["feedback"] = feedback
        written.append(option)
    return written


def _single_message(right: int) -> str:
    if not right:
        return "no option is worth 100%: mark the right option with ="
    return (
        f"{right} options are fully right; a single-choice question has exactly one "
        "(for choose-all-that-apply, give each right option a weight such as ~%50%)"
    )


def _matching(answers: str, brace: int, form: str) -> dict[str, Any]:
    pairs: list[dict[str, str]] = []
    distractors: list[str] = []
    pieces = _pieces(answers, brace + 1, "=")
    for piece in pieces:
        arrow = piece.text.find("->")
        if arrow < 0:
            raise AnswerProblem("a matching pair is written =left -> right", piece.start)
        left = markdown_at(piece.text[:arrow], form, piece.start)
        right = unmask(piece.text[arrow + 2 :]).strip()
        if not right:
            raise AnswerProblem("a matching pair has nothing after ->", piece.start)
        if left:
            pairs.append({"left": left, "right": right})
        else:
            distractors.append(right)  # Moodle: "= -> text" is a right-hand text only
    if len(pieces) < 2:
        raise AnswerProblem("a matching question needs at least 2 pairs", brace)
    fields: dict[str, Any] = {"type": "matching", "pairs": pairs}
    if distractors:
        fields["distractors"] = distractors
    return fields


def _true_false(answer: bool, feedback: list[str], brace: int, form: str) -> dict[str, Any]:
    """Moodle's ``{T#wrong#right}``: the first feedback is for a learner who answered
    wrongly, the second for one who answered rightly."""
    wrong, right = (markdown_at(text, form, brace) for text in [*feedback, "", ""][:2])
    when_true, when_false = (right, wrong) if answer else (wrong, right)
    fields: dict[str, Any] = {"type": "true_false", "answer": answer}
    if when_true:
        fields["feedback_true"] = when_true
    if when_false:
        fields["feedback_false"] = when_false
    return fields


def _short_text(answers: str, brace: int) -> dict[str, Any]:
    accepted: list[str] = []
    for piece in _pieces(answers, brace + 1, "="):
        weight, rest = _weight(piece)
        text = unmask(split_format(rest.partition("#")[0], "moodle")[1]).strip()
        if not text:
            raise AnswerProblem("an answer has no text", piece.start)
        if text == "*":  # Moodle's "any other answer", there for its feedback
            if weight is None or weight >= FULL:
                raise AnswerProblem("* (any answer) cannot be a right answer", piece.start)
            continue
        if (weight is None or weight >= FULL) and text not in accepted:
            accepted.append(text)
    if not accepted:
        raise AnswerProblem("no answer is worth 100%: mark the right answers with =", brace)
    return {"type": "short_text", "accepted": accepted}


def _numeric(answers: str, brace: int) -> dict[str, Any]:
    start = answers.index("#") + 1
    # After ~ comes Moodle's feedback for any other answer; numeric questions keep none.
    body = answers[start:].split("~", 1)[0]
    pieces = _pieces(body, brace + 1 + start, "=")
    if not pieces:
        raise AnswerProblem("a numeric question needs a value after #, e.g. {#19:2}", brace)
    right: list[dict[str, Any]] = []
    starts: list[int] = []
    for piece in pieces:
        weight, rest = _weight(piece)
        value = unmask(rest.partition("#")[0]).strip()
        if value == "*":
            if weight is None or weight >= FULL:
                raise AnswerProblem("* (any value) cannot be a right answer", piece.start)
            continue
        parsed = _numeric_value(value, piece.start)
        if (weight is None or weight >= FULL) and parsed not in right:
            right.append(parsed)
            starts.append(piece.start)
    if not right:
        raise AnswerProblem("no value is worth 100%: mark the right value with =", brace)
    if len(right) > 1:
        raise AnswerProblem(
            f"{len(right)} different values are fully right; a numeric question has one "
            "value (with a tolerance) or one range min..max",
            starts[1],
        )
    return {"type": "numeric", **right[0]}


def _numeric_value(text: str, at: int) -> dict[str, Any]:
    """``19``, ``19:2`` (value and tolerance) or ``17..21`` (range) as numeric fields."""
    if text.find("..") > 0:
        low, high = (_number(part, at) for part in text.split("..", 1))
        if low > high:
            raise AnswerProblem(f"range {text}: the minimum is above the maximum", at)
        return {"min": low, "max": high}
    if text.find(":") > 0:
        value, tolerance = (_number(part, at) for part in text.split(":", 1))
        if tolerance < 0:
            raise AnswerProblem(f"{text}: the tolerance must not be negative", at)
        return {"answer": value, "tolerance": tolerance} if tolerance else {"answer": value}
    return {"answer": _number(text, at)}


def _number(text: str, at: int) -> int | float:
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        raise AnswerProblem(f"{text!r} is not a number" if text else "a value is missing", at)
    value = float(text)
    return int(value) if re.fullmatch(r"[-+]?\d+", text) else value
