"""Forms of the module page (each carries its CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

_optional_reason = [Optional(), Length(max=1000)]


class ReloadForm(FlaskForm):
    reason = TextAreaField(
        "Reason (optional)",
        validators=_optional_reason,
        description="Kept in the audit log with each version published.",
    )


class RetireForm(FlaskForm):
    reason = TextAreaField(
        "Reason for retiring",
        validators=[
            DataRequired(message="Give the reason: it is kept in the audit log."),
            Length(max=1000),
        ],
        description="No new learner can enrol in this version; enrolled learners finish it.",
    )


class AssignForm(FlaskForm):
    """Assign an instructor to a module id. The choices are the active instructors; any
    other account id is refused by the operation, with its own message."""

    instructor = SelectField(
        "Instructor",
        coerce=int,
        validate_choice=False,
        validators=[InputRequired(message="Choose an instructor.")],
    )
    reason = TextAreaField("Reason (optional)", validators=_optional_reason)


class UnassignForm(FlaskForm):
    instructor = IntegerField(validators=[InputRequired(message="Choose an instructor.")])
    reason = TextAreaField("Reason (optional)", validators=_optional_reason)
