"""Forms of the Webhooks section (Flask-WTF: each carries its CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from coursekit.webhooks.events import EVENT_TYPES
from coursekit.webhooks.operations import DESCRIPTION_LENGTH
from coursekit.webhooks.targets import MAX_URL_LENGTH


class EndpointForm(FlaskForm):
    """A new endpoint: where, which events, and a note on what it is for."""

    url = StringField(
        "Receiver address",
        validators=[
            DataRequired(message="Give the receiver's address."),
            Length(max=MAX_URL_LENGTH),
        ],
        description="https://… on a public address; CourseKit posts each event there.",
    )
    description = StringField(
        "What it is for",
        validators=[Length(max=DESCRIPTION_LENGTH)],
        description="Shown in this console only, e.g. “CRM: enrolments”.",
    )
    events = SelectMultipleField(
        "Events",
        choices=[SelectChoice(name, label) for name, label in EVENT_TYPES.items()],
        validators=[DataRequired(message="Choose at least one event.")],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


class ConfirmForm(FlaskForm):
    """A button that changes something named by its URL (rotate, disable, enable,
    send again): nothing to fill in but the CSRF token."""
