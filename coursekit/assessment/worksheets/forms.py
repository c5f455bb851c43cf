"""The worksheet and review forms.

The worksheet's answer fields come from its questions, so each question type reads its
own fields from the request (``QuestionType.read_form``); the form itself carries only
the CSRF token.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length

from coursekit.assessment.worksheets.operations import MAX_COMMENT


class WorksheetForm(FlaskForm):
    """Submitting the worksheet: answers are read per question, not declared here."""


class ReviewForm(FlaskForm):
    """An instructor marks a worksheet reviewed, with an optional comment."""

    comment = TextAreaField(
        "Comment for the learner (optional)",
        validators=[Length(max=MAX_COMMENT, message=f"Keep it to {MAX_COMMENT} characters.")],
        description="The learner sees this with the review. It is not a grade.",
    )
