"""The lesson completion form."""

from __future__ import annotations

from flask_wtf import FlaskForm


class CompleteLessonForm(FlaskForm):
    """ "I have finished this lesson": no fields, only the CSRF token."""
