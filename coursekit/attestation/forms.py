"""The participant attestation form. The rules on the values are the operation's, so
they read the same wherever a revision is saved from."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from coursekit.attestation.queries import Attestation


class AttestationForm(FlaskForm):
    text = TextAreaField(
        "Attestation text",
        description="Shown above the Enrol button; each learner's enrolment keeps the exact "
        "wording they accepted.",
    )
    version = StringField(
        "Label",
        description="Stored with every acceptance, e.g. 2026-2. Use a new label for new "
        "wording: a label never names two texts.",
    )
    reason = TextAreaField("Reason for the change", description="Kept in the audit log.")

    @classmethod
    def for_attestation(cls, attestation: Attestation) -> AttestationForm:
        """The form filled in with the wording in force (on GET)."""
        return cls(data={"text": attestation.text, "version": attestation.version})
