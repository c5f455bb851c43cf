"""Forms of the certificate administration pages (each carries its CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

_reason = [
    DataRequired(message="Give the reason: it is kept in the audit log."),
    Length(max=1000),
]


class RevokeForm(FlaskForm):
    # Both forms share a page and the field name ``reason``: distinct ids keep each
    # label (and hint) tied to its own box.
    reason = TextAreaField(
        "Reason for revoking",
        id="revoke-reason",
        validators=_reason,
        description="Shown on the public verification page and kept in the audit log.",
    )


class ReissueForm(FlaskForm):
    reason = TextAreaField(
        "Reason for reissuing",
        id="reissue-reason",
        validators=_reason,
        description="E.g. “legal name corrected”. The replacement prints the learner's "
        "current details; this certificate then shows as superseded.",
    )


class ApproveForm(FlaskForm):
    """Approve the completions ticked in the queue (``completion`` values, read from the
    request: a variable number of checkboxes)."""


class IssueAllForm(FlaskForm):
    """Issue every waiting completion of one module version."""

    module_version_id = IntegerField(validators=[InputRequired()])
