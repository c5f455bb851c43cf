"""Forms of the Users section (Flask-WTF: each carries its CSRF token). Every change to a
person's account asks for the reason, which the audit log keeps with it.

Several forms share one page, so each field has its own HTML id; the names stay plain.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from coursekit.accounts.forms import LEGAL_NAME_VALIDATORS


def _reason(form: str, label: str) -> TextAreaField:
    return TextAreaField(
        label,
        id=f"{form}-reason",
        validators=[
            DataRequired(message="Give the reason: it is kept in the audit log."),
            Length(max=1000),
        ],
    )


class RolesForm(FlaskForm):
    """The roles beyond learner, which every account holds."""

    instructor = BooleanField("Instructor: the instructor area (assigned modules)")
    admin = BooleanField("Administrator: the administrator console")
    reason = _reason("roles", "Reason for the change")


class NameForm(FlaskForm):
    """A legal-name correction: the learner's own profile fields and rules, and a reason."""

    first_name = StringField(
        "Legal first name",
        id="name-first_name",
        validators=LEGAL_NAME_VALIDATORS,
        description="Certificates print this name; boards match it exactly.",
    )
    last_name = StringField(
        "Legal last name", id="name-last_name", validators=LEGAL_NAME_VALIDATORS
    )
    reason = _reason("name", "Reason for the correction")


class StatusForm(FlaskForm):
    """Disable or enable the account (which one is in the URL)."""

    reason = _reason("status", "Reason")


class NameReissueForm(FlaskForm):
    """Reissue one certificate that prints an earlier legal name (number in the URL)."""

    reason = TextAreaField(validators=[DataRequired(), Length(max=1000)])
