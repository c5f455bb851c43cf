"""HTML forms of the accounts pages (Flask-WTF: each carries its CSRF token).

Forms say which fields exist and which are required; the rules on their values live in
``operations.py`` so pages and the command line share them.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional

from coursekit.accounts.states import STATE_NAMES

_required = DataRequired(message="This field is required.")
LEGAL_NAME_VALIDATORS = [_required, Length(max=100)]
"""A legal first or last name, wherever it is entered (the profile, an administrator's
correction): the same messages everywhere."""


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[_required, Length(max=254)])
    password = PasswordField("Password", validators=[_required])
    remember = BooleanField("Keep me signed in on this device")


class RegistrationForm(FlaskForm):
    first_name = StringField(
        "Legal first name",
        validators=[_required, Length(max=100)],
        description="Exactly as on your NCCAOM record and state licence.",
    )
    last_name = StringField("Legal last name", validators=[_required, Length(max=100)])
    email = EmailField("Email", validators=[_required, Length(max=254)])
    nccaom_id = StringField(
        "NCCAOM ID (optional)",
        validators=[Optional(), Length(max=6)],
        description="3 to 6 digits. Needed for NCCAOM PDA points.",
    )
    password = PasswordField(
        "Password",
        validators=[_required],
        description="A long passphrase you use nowhere else works best.",
    )


class ProfileForm(FlaskForm):
    first_name = StringField(
        "Legal first name",
        validators=LEGAL_NAME_VALIDATORS,
        description="Certificates print this name; boards match it exactly.",
    )
    last_name = StringField("Legal last name", validators=LEGAL_NAME_VALIDATORS)
    nccaom_id = StringField(
        "NCCAOM ID",
        validators=[Optional(), Length(max=6)],
        description="3 to 6 digits, no leading zero.",
    )


class LicenceForm(FlaskForm):
    state = SelectField(
        "State",
        choices=[SelectChoice("", "Choose a state")]
        + [
            SelectChoice(code, name)
            for code, name in sorted(STATE_NAMES.items(), key=lambda s: s[1])
        ],
        validators=[_required],
    )
    number = StringField("Licence number", validators=[_required, Length(max=40)])


class RemoveLicenceForm(FlaskForm):
    """A button; the licence id is in the URL."""


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[_required])
    new_password = PasswordField("New password", validators=[_required])


class ResetRequestForm(FlaskForm):
    email = EmailField("Email", validators=[_required, Length(max=254)])


class ResetPasswordForm(FlaskForm):
    new_password = PasswordField("New password", validators=[_required])


class LogoutForm(FlaskForm):
    """Signing out is a POST, so another site cannot sign a learner out."""
