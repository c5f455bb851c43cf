"""The enrolment form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField


class EnrolForm(FlaskForm):
    """Enrolment: the learner ticks that they accept the participant attestation.

    The box is checked by ``operations.enrol`` (not a form validator), so the refusal
    reads the same from every entry point."""

    accept = BooleanField("I accept the participant attestation above")
