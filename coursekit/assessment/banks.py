"""Quiz, worksheet and bank files, YAML or GIFT: one reader for the package loader, the
command line and attempts.

``read_questions`` returns a file's questions, each loaded by its type's schema (defaults
filled), or raises ``PackageInvalid`` with every problem at ``path:line:column``.
``read_question_file`` reads without raising, keeping each question as written and where
it is, for the loader's own checks (media, counts, draws). Nothing is cached here: a file
is read again on every call, and callers keep what they need.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from marshmallow import ValidationError

from coursekit.assessment.gift import category_name, read_gift
from coursekit.assessment.registry import registry
from coursekit.packages.problems import PackageInvalid, Problem, schema_problems
from coursekit.packages.schemas import QuizFileSchema
from coursekit.packages.yamlpos import KeyPath, PositionedDocument, YAMLProblem, load_positioned

SUFFIXES = (".yaml", ".gift")
_FILE_SCHEMA = QuizFileSchema()


@dataclass
class FileQuestion:
    """One question of a file: as written (YAML) or converted (GIFT), as its type's schema
    loaded it (None when it has problems), and where it is."""

    raw: Any
    loaded: dict[str, Any] | None
    document: PositionedDocument
    prefix: KeyPath
    """Where the question is in ``document``: ``("questions", index)`` in YAML, ``()`` in
    GIFT, whose documents hold one question each."""
    title: str | None = None
    """The GIFT title (``::title::``), whether or not it became the id."""

    @property
    def type_name(self) -> Any:
        """The ``type`` as written (anything, in a broken file)."""
        return self.raw.get("type") if isinstance(self.raw, dict) else None

    @property
    def graded(self) -> bool:
        """Whether it counts as a post-test question. An unknown type is already a
        problem; it counts, so that no second problem follows from it."""
        name = self.type_name
        return registry()[name].graded if isinstance(name, str) and name in registry() else True

    @property
    def tags(self) -> list[str]:
        """Its tags, for bank draws."""
        tags = self.raw.get("tags") if isinstance(self.raw, dict) else None
        return [tag for tag in tags if isinstance(tag, str)] if isinstance(tags, list) else []

    def position(self, key_path: KeyPath = ()) -> tuple[int, int]:
        """Line and column of a value within the question (its start when not found)."""
        return self.document.position((*self.prefix, *key_path))

    def problems(self, path: str, key_path: KeyPath, message: str) -> list[Problem]:
        """A problem about the value at ``key_path`` within the question."""
        messages: Any = [message]
        for part in reversed((*self.prefix, *key_path)):
            messages = {part: messages}
        return list(schema_problems(ValidationError(messages), self.document, path))


@dataclass
class QuestionFile:
    """A quiz, worksheet or bank file: every question and every problem."""

    path: str
    title: str | None = None
    entries: list[FileQuestion] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def questions(self) -> list[dict[str, Any]]:
        """The questions without problems, as their types' schemas loaded them."""
        return [entry.loaded for entry in self.entries if entry.loaded is not None]


def read_questions(name: str, data: bytes, *, label: str | None = None) -> list[dict[str, Any]]:
    """The questions of ``name`` (``*.yaml`` or ``*.gift``) whose bytes are ``data``, each
    loaded by its type's schema; ``PackageInvalid`` with every problem, each at
    ``label`` (default ``name``), line and column."""
    read = read_question_file(name, data, label=label)
    if read.problems:
        raise PackageInvalid(read.problems)
    return read.questions


def read_question_file(name: str, data: bytes, *, label: str | None = None) -> QuestionFile:
    """Read a quiz or bank file without raising: problems are in the result."""
    result = QuestionFile(label or name)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        result.problems.append(Problem(result.path, 1, 1, "the file is not UTF-8 text"))
        return result
    if name.endswith(".gift"):
        _read_gift(text, result)
    elif name.endswith(".yaml"):
        _read_yaml(text, result)
    else:
        message = f"a quiz or bank file ends in {' or '.join(SUFFIXES)}"
        result.problems.append(Problem(result.path, 0, 0, message))
    return result


def _read_yaml(text: str, result: QuestionFile) -> None:
    try:
        document = load_positioned(text)
    except YAMLProblem as exc:
        result.problems.append(Problem(result.path, exc.line, exc.column, exc.message))
        return
    if not isinstance(document.data, dict):
        message = "expected a YAML mapping (key: value lines)"
        result.problems.append(Problem(result.path, 1, 1, message))
        return
    try:
        result.title = _FILE_SCHEMA.load(document.data)["title"]
    except ValidationError as exc:
        result.problems.extend(schema_problems(exc, document, result.path))
    questions = document.data.get("questions")
    for index, raw in enumerate(questions if isinstance(questions, list) else []):
        entry = FileQuestion(raw, None, document, ("questions", index))
        entry.loaded = _load(entry, result)
        result.entries.append(entry)


def _read_gift(text: str, result: QuestionFile) -> None:
    gift = read_gift(text)
    result.problems.extend(
        Problem(result.path, error.line, error.column, error.message) for error in gift.errors
    )
    names = [name for name in map(category_name, gift.categories) if name]
    result.title = names[0] if names else None
    for question in gift.questions:
        document = PositionedDocument(question.data, {(): (question.line, question.column)})
        entry = FileQuestion(question.data, None, document, (), question.title)
        entry.loaded = _load(entry, result)
        result.entries.append(entry)


def _load(entry: FileQuestion, result: QuestionFile) -> dict[str, Any] | None:
    """The question loaded by its type's schema; None, with problems, when it has any."""
    if not isinstance(entry.raw, dict):
        message = "a question is a mapping: id, type, text and its type's fields"
        result.problems.extend(entry.problems(result.path, (), message))
        return None
    name = entry.raw.get("type")
    if name is None:
        message = "Missing data for required field."
        result.problems.extend(entry.problems(result.path, ("type",), message))
        return None
    if not isinstance(name, str) or name not in registry():
        message = f"unknown question type {name!r}; the types are {', '.join(registry().names)}"
        result.problems.extend(entry.problems(result.path, ("type",), message))
        return None
    try:
        return registry()[name].schema.load(entry.raw)
    except ValidationError as exc:
        messages: Any = exc.messages
        for part in reversed(entry.prefix):
            messages = {part: messages}
        result.problems.extend(
            schema_problems(ValidationError(messages), entry.document, result.path)
        )
        return None
