"""Forms of the attempt pages. Answers are read by each question type from the posted
form (their fields depend on the question); these forms carry the CSRF token."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField

CONFIRMED = "final"
"""The ``confirm`` value of the check-your-answers page's submit form."""


class AttemptForm(FlaskForm):
    """Start, save an answer, or submit: no fields of its own."""


class SubmitForm(FlaskForm):
    """The final submission, on the check-your-answers page only: its ``confirm`` field
    says the learner submits from that step, so a post from an older page (or a script
    that did not mean to) is sent back to check its answers instead of closing the
    attempt (WCAG 3.3.4)."""

    confirm = HiddenField(default=CONFIRMED)
