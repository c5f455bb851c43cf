"""Forms of the Users section (Flask-WTF: each carries its CSRF token). Every change to a
person's account asks for the reason, which the audit log keeps with it.

Several forms share one page, so each field has its own HTML id; the names stay plain.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from coursekit.accounts.forms import LEGAL_NAME_VALIDATORS
from coursekit.assessment.timing.models import MAX_EXTRA_MINUTES


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


class ExtraTimeForm(FlaskForm):
    """Extra minutes on one module's post-test time limit (module in the URL). The page
    holds one per timed module: build it with :meth:`for_module` for ids of its own."""

    module_id: str

    minutes = IntegerField(
        "Extra minutes",
        validators=[
            InputRequired(message="Give the extra minutes as a whole number."),
            NumberRange(
                min=0,
                max=MAX_EXTRA_MINUTES,
                message=f"Give a whole number from 0 to {MAX_EXTRA_MINUTES}.",
            ),
        ],
        description="Added to the limit of each attempt; 0 withdraws extra time.",
    )
    reason = TextAreaField(
        "Reason (for example, an accommodation)",
        validators=[
            DataRequired(message="Give the reason: it is kept in the audit log."),
            Length(max=1000),
        ],
    )

    @classmethod
    def for_module(cls, module_id: str, **kwargs: object) -> ExtraTimeForm:
        """The form for ``module_id``, its fields' HTML ids made unique on the page (a
        prefix would rename the fields, the CSRF token's too, which every POST checks)."""
        form = cls(**kwargs)
        form.module_id = module_id
        for field in (form.minutes, form.reason):
            field.id = field.label.field_id = f"time-{module_id}-{field.name}"
        return form
