"""The first-visit form of a host app's user (Flask-WTF: it carries its CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Length, Optional

from coursekit.accounts.forms import LEGAL_NAME_VALIDATORS


class CompleteProfileForm(FlaskForm):
    first_name = StringField(
        "Legal first name",
        validators=LEGAL_NAME_VALIDATORS,
        description="Exactly as on your state licence: certificates print it, boards match it.",
    )
    last_name = StringField("Legal last name", validators=LEGAL_NAME_VALIDATORS)
    email = EmailField(
        "Email",
        validators=[DataRequired(message="This field is required."), Length(max=254)],
        description="Where certificates and CE notices are sent.",
    )
    nccaom_id = StringField(
        "NCCAOM ID (optional)",
        validators=[Optional(), Length(max=6)],
        description="3 to 6 digits. Needed for NCCAOM PDA points; you can add it later.",
    )
