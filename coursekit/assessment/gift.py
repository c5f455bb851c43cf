"""Moodle GIFT banks, read into CourseKit's question form.

``read_gift`` turns the text of a ``.gift`` file into questions written as a YAML bank
holds them (``{"id", "type", "tags", "text", ...}``, before schema loading), each with the
line where it starts, and collects every problem in the file instead of stopping at the
first. ``parse_gift`` is the same, raising ``GiftError`` when anything is wrong.

The file is read as Moodle reads it (``question/format/gift/format.php``): questions are
separated by blank lines; lines starting with ``//`` are comments; ``$CATEGORY: path``
sets the category of the questions after it; a question is ``::title::`` (optional), its
text, and one answer block ``{...}`` (none for a description). An answer block in the
middle of the text leaves a blank ``_____`` in its place. ``####`` in the answer block
starts the general feedback, which becomes the ``explanation``. How the answer block
decides the type is in ``gift_answers``; text formats and escapes in ``gift_text``.
Where Moodle would quietly misread a question (a second answer block, text before the
first option, a category line followed by a question without a blank line between), we
report a problem or read what was meant.

Ids and tags, in CourseKit terms:

- ``// [id:X]`` (Moodle's id number) is the id; else the title, when it is a valid id
  (1 to 64 letters, digits, ``_`` or ``-``); else an id derived from the title (as a
  slug) or, without a title, ``gift-`` and 12 hex digits of the SHA-1 of the text. A
  derived id that is already taken gets ``-2``, ``-3`` ... in file order.
- ``// [tag:X]`` comments are tags, and so is the category: the last part of its path
  as a slug (``$course$/top/Posterior leg`` gives ``posterior-leg``), for bank draws.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from coursekit.assessment.gift_answers import AnswerProblem, answer_fields, markdown_at
from coursekit.assessment.gift_text import (
    RESERVED,
    mask,
    split_format,
    unmask,
)
from coursekit.assessment.types.base import ID_PATTERN

BLANK = "_____"
"""Stands for an answer block written inside the question text."""
CATEGORY = "$CATEGORY:"
_ID = re.compile(ID_PATTERN)
_ID_COMMENT = re.compile(r"\[id:([^\]]*)\]")
_TAG_COMMENT = re.compile(r"\[tag:([^\]]+)\]")
_MAX_TAG = 60
MAX_GIFT_CHARACTERS = 1_000_000
"""The longest GIFT text read (a bank of a thousand questions; about two seconds)."""


class GiftError(ValueError):
    """Malformed GIFT at ``line`` and ``column`` (from 1). Raised by ``parse_gift``,
    ``errors`` holds every problem in the file, this one first."""

    def __init__(
        self, message: str, line: int, column: int, errors: Sequence[GiftError] = ()
    ) -> None:
        super().__init__(f"line {line}, column {column}: {message}")
        self.message, self.line, self.column = message, line, column
        self.errors: tuple[GiftError, ...] = tuple(errors) or (self,)


@dataclass
class GiftQuestion:
    """One question in CourseKit's YAML form, where it starts, and its GIFT title."""

    data: dict[str, Any]
    line: int
    column: int
    title: str | None = None


@dataclass
class GiftFile:
    """What a GIFT file holds: its questions, its categories (in file order) and every
    problem found."""

    questions: list[GiftQuestion] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    errors: list[GiftError] = field(default_factory=list)


def parse_gift(text: str) -> list[GiftQuestion]:
    """The questions of a GIFT file; ``GiftError`` (with all problems) if any is wrong."""
    read = read_gift(text)
    if read.errors:
        first = read.errors[0]
        raise GiftError(first.message, first.line, first.column, read.errors)
    return read.questions


def read_gift(text: str) -> GiftFile:
    """Every question and every problem in the text of a GIFT file."""
    result = GiftFile()
    if len(text) > MAX_GIFT_CHARACTERS:
        message = (
            f"the file is {len(text):,} characters long; at most {MAX_GIFT_CHARACTERS:,} "
            "are read (split it into smaller files)"
        )
        result.errors.append(GiftError(message, 1, 1))
        return result
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    reserved = RESERVED.search(text)
    if reserved:
        line = text.count("\n", 0, reserved.start()) + 1
        column = reserved.start() - (text.rfind("\n", 0, reserved.start()) + 1) + 1
        result.errors.append(GiftError("unexpected private-use character", line, column))
        return result
    tag: str | None = None
    explicit: set[str] = set()
    for block in _blocks(lines):
        first = block[0][1]
        if first.strip().startswith(CATEGORY):
            path = unmask(mask(first.strip()[len(CATEGORY) :])).strip()
            result.categories.append(path)
            tag = category_tag(path)
            continue
        try:
            question = _question(block, tag)
        except GiftError as exc:
            result.errors.append(exc)
            continue
        if question is None:
            continue
        question_id = question.data["id"]
        if question_id in explicit:
            result.errors.append(
                GiftError(f"question id {question_id!r} is used twice", *_start(question))
            )
            continue
        if question_id:
            explicit.add(question_id)
        result.questions.append(question)
    _derive_ids(result.questions, explicit)
    result.errors.sort(key=lambda error: (error.line, error.column))
    return result


def category_name(path: str) -> str | None:
    """The last part of a ``$CATEGORY:`` path that is a real category name (not ``top``
    or a context such as ``$course$``); ``//`` in a name is a literal ``/``."""
    parts = [part.replace("//", "/").strip() for part in re.split(r"(?<!/)/(?!/)", path)]
    names = [part for part in parts if part and part != "top" and not part.startswith("$")]
    return names[-1] if names else None


def category_tag(path: str) -> str | None:
    """The tag for the questions of a category: its name as a slug."""
    name = category_name(path)
    return (_slug(name)[:_MAX_TAG].strip("-") or None) if name else None


def _start(question: GiftQuestion) -> tuple[int, int]:
    return question.line, question.column


def _blocks(lines: list[str]) -> Iterator[list[tuple[int, str]]]:
    """Runs of non-blank lines, with their line numbers; a category line on its own."""
    block: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        if line.strip() and not line.strip().startswith(CATEGORY):
            block.append((number, line))
            continue
        if block:
            yield block
            block = []
        if line.strip():
            yield [(number, line)]
    if block:
        yield block


class _Where:
    """Line and column of an offset in a block's text (its lines joined by newlines)."""

    def __init__(self, first_line: int, lines: list[str]) -> None:
        self.first_line = first_line
        self.starts = list(accumulate([0] + [len(line) + 1 for line in lines[:-1]]))

    def __call__(self, offset: int) -> tuple[int, int]:
        index = bisect_right(self.starts, offset) - 1
        return self.first_line + index, offset - self.starts[index] + 1


def _question(block: list[tuple[int, str]], tag: str | None) -> GiftQuestion | None:
    comments = [(number, line) for number, line in block if line.strip().startswith("//")]
    lines = ["" if line.strip().startswith("//") else line for _number, line in block]
    masked = mask("\n".join(lines))
    if not masked.strip():
        return None  # only comments
    where = _Where(block[0][0], lines)
    start = len(masked) - len(masked.lstrip())
    try:
        question = _parse(masked, start)
    except AnswerProblem as exc:
        raise GiftError(exc.message, *where(exc.offset)) from None
    question.line, question.column = where(start)
    tags = [tag] if tag else []
    for number, comment in comments:
        for found in _ID_COMMENT.finditer(comment):
            if not _ID.match(found.group(1).strip()):
                message = f"[id:{found.group(1)}] is not an id: use 1 to 64 letters, digits, _ or -"
                raise GiftError(message, number, found.start() + 1)
            question.data["id"] = found.group(1).strip()
        tags += [found.group(1).strip() for found in _TAG_COMMENT.finditer(comment)]
    data = question.data
    ordered = {"id": data.pop("id"), "type": data.pop("type")}
    if tags:
        ordered["tags"] = list(dict.fromkeys(tags))
    question.data = ordered | data
    return question


def _parse(masked: str, start: int) -> GiftQuestion:
    """The question in a block's masked text; ``AnswerProblem`` at an offset if malformed."""
    title, body = None, start
    if masked.startswith("::", start):
        end = masked.find("::", start + 2)
        if end < 0:
            raise AnswerProblem("the title is not closed: write ::title:: before the text", start)
        title, body = unmask(masked[start + 2 : end]).strip() or None, end + 2
    braces = _braces(masked, body)
    fields: dict[str, Any] = {"type": "description"}
    text, explained = masked[body:], ""
    if braces:
        opening, closing = braces
        answers, after = masked[opening + 1 : closing], masked[closing + 1 :]
        text = masked[body:opening] + (BLANK + after if after.strip() else "")
        general = answers.rfind("####")
        if general >= 0:
            answers, explanation = answers[:general], answers[general + 4 :]
            explained = markdown_at(explanation, _form(text), opening + general + 5)
        fields = answer_fields(answers, opening, _form(text))
    markdown = markdown_at(text, "moodle", body)
    if not markdown:
        raise AnswerProblem("the question has no text", body)
    data = {"id": title if title and _ID.match(title) else None, "type": fields.pop("type")}
    data |= {"text": markdown, **fields}
    if explained:
        data["explanation"] = explained
    return GiftQuestion(data, 0, 0, title)


def _form(masked_text: str) -> str:
    """The question text's format, the default for its answers and feedback."""
    return split_format(masked_text, "moodle")[0]


def _braces(masked: str, body: int) -> tuple[int, int] | None:
    """Where the answer block opens and closes (None without one)."""
    opens = [index for index in range(body, len(masked)) if masked[index] == "{"]
    closes = [index for index in range(body, len(masked)) if masked[index] == "}"]
    if not opens and not closes:
        return None
    if not closes:
        raise AnswerProblem("this { is not closed by }", opens[0])
    if not opens or closes[0] < opens[0]:
        raise AnswerProblem("} without an opening {: write a literal } as \\}", closes[0])
    if len(opens) > 1 or len(closes) > 1:
        extra = opens[1] if len(opens) > 1 else closes[1]
        raise AnswerProblem(
            "a second answer block in one question: separate questions with a blank line, "
            "or write a literal brace as \\{ or \\}",
            extra,
        )
    return opens[0], closes[0]


def _derive_ids(questions: list[GiftQuestion], taken: set[str]) -> None:
    for question in questions:
        if question.data["id"]:
            continue
        text = question.data["text"]
        base = _slug(question.title or "")[:64].strip("-")
        base = base or "gift-" + hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:12]
        candidate, number = base, 2
        while candidate in taken:
            candidate, number = f"{base[:58]}-{number}", number + 1
        taken.add(candidate)
        question.data["id"] = candidate


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
