"""The evaluation form as a web form: one field per item, named by the item's id."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Field, RadioField, SelectChoice, TextAreaField

from coursekit.assessment.evaluations.evaluation_form import (
    NOT_APPLICABLE,
    SCALE,
    EvaluationForm,
    EvaluationItem,
)


def _field(item: EvaluationItem) -> Field:
    # Fields carry no validators: ``operations.clean_answers`` checks every answer, so the
    # rules and messages are the same whichever way an evaluation arrives.
    if item.kind == "scale":
        choices = [SelectChoice(str(value), label) for value, label in SCALE]
        if item.not_applicable:
            choices.append(SelectChoice(NOT_APPLICABLE, "Not applicable"))
        return RadioField(item.text, choices=choices, validate_choice=False)
    if item.kind == "choice":
        options = [SelectChoice(option, option) for option in item.options]
        return RadioField(item.text, choices=options, validate_choice=False)
    return TextAreaField(item.text)


def evaluation_web_form(form: EvaluationForm) -> FlaskForm:
    """A Flask-WTF form (CSRF included) for ``form``, bound to the request's data."""

    class WebForm(FlaskForm):
        pass

    for item in form.items:
        setattr(WebForm, item.id, _field(item))
    return WebForm()
