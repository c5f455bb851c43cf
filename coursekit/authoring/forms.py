"""Forms of the upload pages (each carries its CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class UploadForm(FlaskForm):
    archive = FileField(
        "Packed module (.zip)",
        validators=[FileRequired(message="Choose the zip that `coursekit pack` wrote.")],
        description="Made with `coursekit pack modules/<id> -o <id>.zip`. It is checked "
        "whole before anything is kept.",
    )


class PublishForm(FlaskForm):
    """Publish (or approve) the version whose diff was shown against ``base_hash``."""

    base_hash = HiddenField()
    # The upload page holds several forms with a ``reason``: each box has its own id.
    reason = TextAreaField(
        "Note for the audit log (optional)",
        id="publish-reason",
        validators=[Optional(), Length(max=1000)],
        description="E.g. what this version fixes.",
    )


class SubmitForm(FlaskForm):
    """Submit a staged version for an administrator's approval."""


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        "Why withdraw it (optional)",
        id="withdraw-reason",
        validators=[Optional(), Length(max=1000)],
    )


class RejectForm(FlaskForm):
    reason = TextAreaField(
        "Reason for rejecting",
        id="reject-reason",
        validators=[
            DataRequired(message="Give the reason: the instructor reads it, and it is kept."),
            Length(max=1000),
        ],
    )
