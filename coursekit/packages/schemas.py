"""marshmallow schemas for every file kind in a package.

Schemas check shape and values of one file; references between files (lesson paths,
media, banks, prerequisites) are checked by the loader, which knows the whole package.
Unknown fields are errors, so a misspelt key never silently does nothing.
"""

from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from coursekit.accounts.states import STATE_NAMES
from coursekit.packages.values import WORKSHEET_STEPS

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$"
)
ACUPOINT = re.compile(r"^(?:[A-Z]{2,3}\d{1,2}|EX-[A-Z]{1,3}\d{1,2})$")
NCCAOM_COURSE_NUMBER = re.compile(r"^PDA-\d+-\d+$")

REGIONS = (
    "head-neck",
    "shoulder",
    "upper-limb",
    "thorax",
    "abdomen",
    "low-back",
    "hip-pelvis",
    "thigh",
    "knee",
    "lower-leg",
    "ankle-foot",
    "whole-body",
)
"""Body regions a module may cover; a fixed list so the catalogue can filter on them."""

NCCAOM_CATEGORIES = (
    "AOM-AC",
    "AOM-BIO",
    "AOM-CH",
    "AOM-OM",
    "SA",
    "ET",
    "CPR",
    "PE-CW",
    "PE-AT",
)
DELIVERY_MODES = ("distance-learning-home-study", "distance-learning-live", "in-person")
REVIEW_POLICIES = ("never", "after-submit", "after-pass", "after-last-attempt")


def _slug(**kwargs: Any) -> fields.String:
    return fields.String(
        validate=validate.Regexp(SLUG, error="must be lowercase words joined by hyphens"),
        **kwargs,
    )


def _text(max_length: int, **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=max_length), **kwargs)


def _text_list(max_length: int = 300, **kwargs: Any) -> fields.List:
    return fields.List(_text(max_length), **kwargs)


def _package_path(folder: str, suffixes: tuple[str, ...], *, required: bool) -> fields.String:
    pattern = rf"^{folder}/[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*\.(?:{'|'.join(suffixes)})$"
    return fields.String(
        validate=validate.Regexp(
            pattern, error=f"must be a file under {folder}/ ending in .{' or .'.join(suffixes)}"
        ),
        required=required,
    )


class Code(fields.String):
    """A short code that YAML may read as a number (``category: 1``): kept as text."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        return super()._deserialize(value, attr, data, **kwargs)


class AuthorSchema(Schema):
    name = _text(120, required=True)
    credentials = _text(120, required=True)
    bio = _text(1000)


class CoversSchema(Schema):
    regions = fields.List(fields.String(validate=validate.OneOf(REGIONS)), load_default=list)
    muscles = _text_list(80, load_default=list)
    pain_patterns = _text_list(80, load_default=list)
    acupoints = fields.List(
        fields.String(
            validate=validate.Regexp(ACUPOINT, error="must be a WHO point code such as BL57")
        ),
        load_default=list,
    )


class CreditSchema(Schema):
    """CE credit for one board: NCCAOM PDA points by category, or a state board's hours."""

    board = fields.String(
        required=True,
        validate=validate.OneOf(
            ("NCCAOM", *sorted(STATE_NAMES)), error="must be NCCAOM or a two-letter state code"
        ),
    )
    course_number = _text(40)
    provider_number = _text(40)
    points = fields.Dict(
        keys=fields.String(validate=validate.OneOf(NCCAOM_CATEGORIES)),
        values=fields.Float(validate=validate.Range(min=0.25, max=100)),
    )
    hours = fields.Float(validate=validate.Range(min=1, max=100))
    category = Code(validate=validate.Length(min=1, max=40))
    approved_from = fields.Date()
    approved_until = fields.Date()

    @validates_schema(skip_on_field_errors=False)
    def check_board_fields(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("board") == "NCCAOM":
            _nccaom_credit(data)
        elif data.get("board"):
            _state_credit(data)
        start, end = data.get("approved_from"), data.get("approved_until")
        if start and end and end < start:
            raise ValidationError("must not be before approved_from", "approved_until")


def _nccaom_credit(data: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    number = data.get("course_number")
    if not number:
        errors["course_number"] = "NCCAOM credit needs its course number, PDA-<provider>-<course>"
    elif not NCCAOM_COURSE_NUMBER.match(number):
        errors["course_number"] = "must read PDA-<provider number>-<course number>"
    if not data.get("points"):
        errors["points"] = "NCCAOM credit needs points by category, e.g. {AOM-AC: 2.5}"
    for name in ("hours", "category"):
        if name in data:
            errors[name] = "NCCAOM credit is given as points by category, not hours"
    if errors:
        raise ValidationError(errors)


def _state_credit(data: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    for name in ("hours", "provider_number"):
        if name not in data:
            errors[name] = "state-board credit needs hours and the provider number"
    if "points" in data:
        errors["points"] = "points by category are for NCCAOM; give a state board hours"
    if errors:
        raise ValidationError(errors)


class BankDrawSchema(Schema):
    bank = _slug(required=True)
    count = fields.Integer(required=True, validate=validate.Range(min=1, max=200))
    tags = _text_list(60, load_default=list)


class AssessmentSchema(Schema):
    quiz = _package_path("quizzes", ("yaml",), required=False)
    draw = fields.List(fields.Nested(BankDrawSchema), load_default=list)
    pass_mark = fields.Integer(required=True, validate=validate.Range(min=1, max=100))
    attempts = fields.Integer(load_default=None, validate=validate.Range(min=1, max=100))
    time_limit_minutes = fields.Integer(load_default=None, validate=validate.Range(min=1))
    shuffle_questions = fields.Boolean(load_default=True)
    shuffle_options = fields.Boolean(load_default=True)
    retry_wait_minutes = fields.Integer(load_default=0, validate=validate.Range(min=0, max=43200))
    review = fields.String(load_default="after-pass", validate=validate.OneOf(REVIEW_POLICIES))
    show_which_wrong = fields.Boolean(load_default=True)

    @validates_schema(skip_on_field_errors=False)
    def check_questions_source(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if not data.get("quiz") and not data.get("draw"):
            raise ValidationError("give a quiz file, bank draws, or both", "quiz")


class CompletionSchema(Schema):
    """``completion``: what completes the module. Omitted fields take the CE defaults,
    which the loader works out from the rest of the manifest."""

    attestation = fields.Boolean()
    lessons = fields.Boolean()
    seat_minutes = fields.Integer(validate=validate.Range(min=0, max=6000))
    worksheet = fields.String(validate=validate.OneOf(WORKSHEET_STEPS))
    post_test = fields.Boolean()
    evaluation = fields.Boolean()


class ManifestSchema(Schema):
    """``module.yaml``."""

    id = fields.String(
        required=True,
        validate=[
            validate.Regexp(SLUG, error="must be lowercase words joined by hyphens"),
            validate.Length(max=64),
        ],
    )
    title = _text(200, required=True)
    version = fields.String(
        required=True,
        error_messages={"invalid": "must be a semantic version such as 1.2.0, in quotes"},
        validate=validate.Regexp(SEMVER, error="must be a semantic version such as 1.2.0"),
    )
    summary = _text(600, required=True)
    objectives = _text_list(required=True, validate=validate.Length(min=1))
    authors = fields.List(
        fields.Nested(AuthorSchema), required=True, validate=validate.Length(min=1)
    )
    covers = fields.Nested(CoversSchema, load_default=dict)
    prerequisites = fields.List(_slug(), load_default=list)
    lessons = fields.List(
        _package_path("lessons", ("md",), required=True),
        required=True,
        validate=validate.Length(min=1),
    )
    credits = fields.List(
        fields.Nested(CreditSchema), required=True, validate=validate.Length(min=1)
    )
    delivery = fields.String(required=True, validate=validate.OneOf(DELIVERY_MODES))
    assessment = fields.Nested(AssessmentSchema, required=True)
    worksheet = _package_path("quizzes", ("yaml",), required=False)
    evaluation = fields.String(load_default="standard", validate=validate.OneOf(("standard",)))
    evaluation_questions = _package_path("quizzes", ("yaml",), required=False)
    completion = fields.Nested(CompletionSchema, load_default=dict)


class LessonFrontMatterSchema(Schema):
    """The YAML between ``---`` lines at the top of a lesson."""

    title = _text(200, required=True)
    minutes = fields.Integer(required=True, validate=validate.Range(min=1, max=600))
    objectives = _text_list(load_default=list)
    required = fields.Boolean(load_default=True)


class QuizFileSchema(Schema):
    """A quiz, worksheet or shared bank file in YAML. Each question is checked by its
    type's schema (``coursekit.assessment.banks``), which reports it at its own lines."""

    title = _text(200, required=True)
    instructions = _text(5000)
    questions = fields.List(fields.Raw(), required=True, validate=validate.Length(min=1))

    @validates_schema(skip_on_field_errors=False)
    def check_unique_ids(self, data: dict[str, Any], **_kwargs: Any) -> None:
        seen: set[str] = set()
        duplicates: dict[int, dict[str, list[str]]] = {}
        for index, question in enumerate(data.get("questions", [])):
            if not isinstance(question, dict) or not isinstance(question.get("id"), str):
                continue
            if question["id"] in seen:
                duplicates[index] = {"id": [f"question id {question['id']!r} is used twice"]}
            seen.add(question["id"])
        if duplicates:
            raise ValidationError({"questions": duplicates})
