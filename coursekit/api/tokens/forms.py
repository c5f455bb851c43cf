"""The form that creates an API token (personal or integration)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from coursekit.api.tokens.models import Scope

EXPIRY_CHOICES = [
    SelectChoice("30", "30 days"),
    SelectChoice("90", "90 days"),
    SelectChoice("365", "1 year"),
    SelectChoice("0", "Never"),
]


class TokenForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[DataRequired(message="This field is required."), Length(max=100)],
        description="Where the token is used, e.g. “CE Broker sync” or “my laptop”.",
    )
    scope_read = BooleanField("read: see what you can see (GET requests)", default=True)
    scope_write = BooleanField("write: act as you (enrol, lessons, attempts, profile)")
    scope_admin = BooleanField("admin: instructor and administrator endpoints")
    expires_days = SelectField("Expires after", choices=EXPIRY_CHOICES, default="90")

    def scopes(self) -> list[str]:
        """The scopes ticked."""
        ticked = {
            Scope.READ: self.scope_read.data,
            Scope.WRITE: self.scope_write.data,
            Scope.ADMIN: self.scope_admin.data,
        }
        return [scope for scope, on in ticked.items() if on]


class RevokeTokenForm(FlaskForm):
    """A revoke button (its CSRF token)."""
