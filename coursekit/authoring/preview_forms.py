"""The preview's one form: an answer to see how it would be graded (nothing is stored)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import DataRequired, Length


class CheckAnswerForm(FlaskForm):
    """Which question the answer is for; the answer's own fields are the question type's
    (read by its ``read_form``), so they are not declared here."""

    source = HiddenField(validators=[DataRequired(), Length(max=300)])
    question = HiddenField(validators=[DataRequired(), Length(max=64)])
