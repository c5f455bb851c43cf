"""Course evaluation forms as data: the standard CE form, a provider's own form and a
module's extra questions (both YAML files of items).

California requires every course to include a participant evaluation asking whether the
course met its objectives, whether the instructor knew the subject, whether the teaching
methods were appropriate and whether the material applies to practice (CE-RULES.md); the
standard form asks those four and a few more. This module is pure: it imports no app,
request or database code, so the package loader can check a module's questions with it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from coursekit.packages.problems import Problem, schema_problems
from coursekit.packages.yamlpos import YAMLProblem, load_positioned

KINDS = ("scale", "text", "choice")
SCALE = (
    (1, "Strongly disagree"),
    (2, "Disagree"),
    (3, "Neither agree nor disagree"),
    (4, "Agree"),
    (5, "Strongly agree"),
)
NOT_APPLICABLE = "na"
"""The stored answer of a scale item answered "Not applicable"."""
STANDARD_VERSION = "2026-1"
"""Change it whenever the standard items change: responses store the form's name."""
MODULE_PREFIX = "module."
"""Module questions' ids get this prefix, which provider ids cannot contain, so the two
never collide."""
ITEM_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class EvaluationItem:
    """One question of an evaluation form.

    ``scale`` items are answered 1 (strongly disagree) to 5 (strongly agree), or "not
    applicable" when ``not_applicable`` is set; ``text`` items take a free comment;
    ``choice`` items take one of ``options``.
    """

    id: str
    kind: str
    text: str
    required: bool = False
    not_applicable: bool = False
    options: tuple[str, ...] = ()

    def as_record(self) -> dict[str, Any]:
        """The item as stored with each response."""
        return {
            "id": self.id,
            "kind": self.kind,
            "text": self.text,
            "required": self.required,
            "not_applicable": self.not_applicable,
            "options": list(self.options),
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> EvaluationItem:
        """An item as a response stored it."""
        return cls(
            id=record["id"],
            kind=record["kind"],
            text=record["text"],
            required=record.get("required", False),
            not_applicable=record.get("not_applicable", False),
            options=tuple(record.get("options", ())),
        )


@dataclass(frozen=True)
class EvaluationForm:
    """A whole form. ``name`` identifies it in stored responses (at most 80 characters):
    ``standard:2026-1``, or a provider file's title and content hash."""

    name: str
    title: str
    items: tuple[EvaluationItem, ...]


def _scale(item_id: str, text: str, *, not_applicable: bool = False) -> EvaluationItem:
    return EvaluationItem(item_id, "scale", text, required=True, not_applicable=not_applicable)


def _comment(item_id: str, text: str) -> EvaluationItem:
    return EvaluationItem(item_id, "text", text)


STANDARD_FORM = EvaluationForm(
    name=f"standard:{STANDARD_VERSION}",
    title="Course evaluation",
    items=(
        _scale("objectives-met", "The course met its stated objectives."),
        _scale("instructor-knowledge", "The instructor knew the subject well."),
        _scale("teaching-methods", "The teaching methods were appropriate for the content."),
        _scale("applicable-to-practice", "What I learned is applicable to my practice."),
        # A module may have no diagrams or handouts to judge.
        _scale(
            "materials-clear",
            "The written materials and diagrams were clear.",
            not_applicable=True,
        ),
        _scale("would-recommend", "I would recommend this course to a colleague."),
        _scale(
            "time-matched-hours",
            "The time the course took matched the hours it is approved for.",
        ),
        _comment("most-useful", "What was most useful?"),
        _comment("to-improve", "What should be improved?"),
        _comment("other-comments", "Any other comments?"),
    ),
)


class EvaluationItemSchema(Schema):
    id = fields.String(
        required=True,
        validate=[
            validate.Regexp(ITEM_ID, error="must be lowercase words joined by hyphens"),
            validate.Length(max=40),
        ],
    )
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    text = fields.String(required=True, validate=validate.Length(min=1, max=300))
    required = fields.Boolean(load_default=False)
    not_applicable = fields.Boolean(load_default=False)
    options = fields.List(
        fields.String(validate=validate.Length(min=1, max=120)),
        validate=validate.Length(min=2, max=10),
    )

    @validates_schema(skip_on_field_errors=False)
    def check_kind_fields(self, data: dict[str, Any], **_kwargs: Any) -> None:
        kind = data.get("kind")
        if kind == "choice" and "options" not in data:
            raise ValidationError("a choice item needs options", "options")
        if kind != "choice" and "options" in data:
            raise ValidationError("only choice items have options", "options")
        if kind != "scale" and data.get("not_applicable"):
            raise ValidationError("only scale items offer 'not applicable'", "not_applicable")


class EvaluationItemsSchema(Schema):
    """A file of evaluation items: a provider's form or a module's extra questions."""

    title = fields.String(required=True, validate=validate.Length(min=1, max=120))
    items = fields.List(
        fields.Nested(EvaluationItemSchema), required=True, validate=validate.Length(min=1, max=40)
    )

    @validates_schema(skip_on_field_errors=False)
    def check_unique_ids(self, data: dict[str, Any], **_kwargs: Any) -> None:
        seen: set[str] = set()
        duplicates: dict[int, dict[str, list[str]]] = {}
        for index, item in enumerate(data.get("items", [])):
            if not isinstance(item, dict) or "id" not in item:
                continue
            if item["id"] in seen:
                duplicates[index] = {"id": [f"item id {item['id']!r} is used twice"]}
            seen.add(item["id"])
        if duplicates:
            raise ValidationError({"items": duplicates})


_SCHEMA = EvaluationItemsSchema()


class EvaluationFormInvalid(ValueError):
    """An evaluation items file with problems, each at its file, line and column."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def parse_items(data: bytes, path: str) -> tuple[str, tuple[EvaluationItem, ...]]:
    """The title and items of an items file; ``EvaluationFormInvalid`` listing every
    problem (``path:line:column: message``) if it is not valid."""
    try:
        document = load_positioned(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise EvaluationFormInvalid([Problem(path, 1, 1, "the file is not UTF-8 text")]) from None
    except YAMLProblem as exc:
        raise EvaluationFormInvalid([Problem(path, exc.line, exc.column, exc.message)]) from None
    if not isinstance(document.data, dict):
        problem = Problem(path, 1, 1, "expected a YAML mapping (key: value lines)")
        raise EvaluationFormInvalid([problem])
    try:
        loaded = _SCHEMA.load(document.data)
    except ValidationError as exc:
        raise EvaluationFormInvalid(list(schema_problems(exc, document, path))) from None
    items = tuple(
        EvaluationItem(**{**item, "options": tuple(item.get("options", ()))})
        for item in loaded["items"]
    )
    return loaded["title"], items


def load_form_file(path: str | None) -> EvaluationForm:
    """The provider's form from ``COURSEKIT_EVALUATION_FORM``, or the standard form when
    the setting is empty. The form's name is its title and the start of its content
    hash, so editing the file gives responses a new form name."""
    if not path:
        return STANDARD_FORM
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise EvaluationFormInvalid([Problem(path, 0, 0, f"cannot read: {exc.strerror}")]) from exc
    title, items = parse_items(data, path)
    digest = hashlib.sha256(data).hexdigest()[:12]
    return EvaluationForm(f"{title[:50]}:{digest}", title, items)


def with_module_items(form: EvaluationForm, data: bytes, path: str) -> EvaluationForm:
    """``form`` followed by a module's own questions (the items file ``data``), their ids
    prefixed with ``module.``; the name gains the start of the file's hash."""
    _title, items = parse_items(data, path)
    extra = tuple(replace(item, id=f"{MODULE_PREFIX}{item.id}") for item in items)
    digest = hashlib.sha256(data).hexdigest()[:8]
    return EvaluationForm(f"{form.name}+module:{digest}", form.title, form.items + extra)
