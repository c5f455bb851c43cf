"""Forms of the attempt pages. Answers are read by each question type from the posted
form (their fields depend on the question); these forms carry the CSRF token."""

from __future__ import annotations

from flask_wtf import FlaskForm


class AttemptForm(FlaskForm):
    """Start, save an answer, or submit: no fields of its own."""
