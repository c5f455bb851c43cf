"""Recording a learner's course evaluation, once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from coursekit import db
from coursekit.assessment.evaluations.evaluation_form import (
    NOT_APPLICABLE,
    EvaluationForm,
    EvaluationItem,
)
from coursekit.assessment.evaluations.models import EvaluationResponse
from coursekit.catalog.models import Enrolment
from coursekit.db import utcnow
from coursekit.errors import ValidationFailed
from coursekit.progress.operations import complete_if_due

MAX_COMMENT = 4000
"""Characters a comment may hold: room for a thoughtful paragraph, not for a file."""


def clean_answers(form: EvaluationForm, raw: Mapping[str, str]) -> dict[str, Any]:
    """The answers to store, from form input keyed by item id: scale ratings as 1..5 or
    ``"na"``, comments stripped, choices as the option's text; blanks left out.

    ``ValidationFailed`` (messages keyed by item id) when a required item is blank or an
    answer is not one the item offers.
    """
    answers: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for item in form.items:
        value = (raw.get(item.id) or "").strip()
        if not value:
            if item.required:
                errors[item.id] = ["Answer this question."]
            continue
        try:
            answers[item.id] = _answer(item, value)
        except ValueError as exc:
            errors[item.id] = [str(exc)]
    if errors:
        raise ValidationFailed(errors)
    return answers


def _answer(item: EvaluationItem, value: str) -> Any:
    if item.kind == "scale":
        if value == NOT_APPLICABLE and item.not_applicable:
            return NOT_APPLICABLE
        if value in {"1", "2", "3", "4", "5"}:
            return int(value)
        raise ValueError("Choose one of the answers.")
    if item.kind == "choice":
        if value not in item.options:
            raise ValueError("Choose one of the answers.")
        return value
    if len(value) > MAX_COMMENT:
        raise ValueError(f"Keep this under {MAX_COMMENT} characters.")
    return value


def submit_evaluation(
    enrolment: Enrolment, form: EvaluationForm, raw: Mapping[str, str]
) -> EvaluationResponse:
    """Store the learner's evaluation with the items shown, or ``ValidationFailed``.

    A learner evaluates a module version once: when a response already exists (a double
    click, a second tab, another server a moment earlier) that one is returned and
    nothing more is stored.
    """
    answers = clean_answers(form, raw)
    response = EvaluationResponse(
        enrolment_id=enrolment.id,
        form=form.name,
        items=[item.as_record() for item in form.items],
        answers=answers,
        submitted_at=utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(response)
    except IntegrityError:
        # The unique enrolment_id: another request stored this learner's evaluation first.
        existing = db.session.scalar(
            select(EvaluationResponse).where(EvaluationResponse.enrolment_id == enrolment.id)
        )
        if existing is None:
            raise
        return existing
    complete_if_due(enrolment, now=response.submitted_at)
    return response
