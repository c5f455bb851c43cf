"""The enrolment form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField


class EnrolForm(FlaskForm):
    """Enrolment: the learner ticks that they accept the participant attestation.

    The box is checked by ``operations.enrol`` (not a form validator), so the refusal
    reads the same from every entry point. ``shown_version`` is the label of the wording
    the page showed: if an administrator saved new wording meanwhile, the learner is
    shown it and asked again, so an enrolment never stores text its learner did not see.
    """

    accept = BooleanField("I accept the participant attestation above")
    shown_version = HiddenField()
