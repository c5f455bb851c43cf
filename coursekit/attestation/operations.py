"""Saving the participant attestation: a new revision each time, never an edit.

Every enrolment copies the text and label its learner accepted, so a new revision
changes only enrolments made after it. A label names one wording for good: it cannot be
reused for other text, by a revision or by any acceptance already recorded.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from coursekit import db
from coursekit.accounts.models import User
from coursekit.attestation.models import AttestationRevision
from coursekit.attestation.queries import current_attestation
from coursekit.audit.operations import record
from coursekit.catalog.models import Enrolment
from coursekit.errors import ValidationFailed

MAX_TEXT = 5000
"""Characters in the attestation text."""
MAX_VERSION = 40
"""Characters in a label (the width of ``Enrolment.attestation_version``)."""


def save_attestation(
    text: str, version: str, *, actor: User, reason: str, now: datetime
) -> AttestationRevision:
    """Append a revision with ``text`` under the label ``version``, in force at once, and
    an audit entry with the wording before and after. ``ValidationFailed`` (nothing is
    written) when the text or label is empty or too long, the reason is missing, the
    label already names other wording, or nothing changed."""
    text, version, reason = text.strip(), version.strip(), reason.strip()
    errors = _field_errors(text, version, reason)
    if errors:
        raise ValidationFailed(errors)
    before = current_attestation()
    if before.text == text and before.version == version:
        raise ValidationFailed({"": ["Nothing changed: this is the attestation in force."]})
    taken = ValidationFailed(
        {"version": [f"The label {version!r} already names other wording: give a new label."]}
    )
    if _label_taken(version, text):
        raise taken
    revision = AttestationRevision(
        version=version, text=text, saved_at=now, saved_by_id=actor.id, reason=reason
    )
    try:
        with db.session.begin_nested():
            db.session.add(revision)
    except IntegrityError:
        # Another administrator saved the same label at the same moment.
        raise taken from None
    record(
        "attestation.saved",
        "attestation",
        actor=actor,
        at=now,
        reason=reason,
        revision=revision.id,
        before={"version": before.version, "text": before.text},
        after={"version": version, "text": text},
    )
    return revision


def _field_errors(text: str, version: str, reason: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not text:
        errors["text"] = ["Write the attestation text."]
    elif len(text) > MAX_TEXT:
        errors["text"] = [f"Keep the text within {MAX_TEXT} characters."]
    if not version:
        errors["version"] = ["Give the wording a label, e.g. 2026-2."]
    elif len(version) > MAX_VERSION:
        errors["version"] = [f"Keep the label within {MAX_VERSION} characters."]
    if not reason:
        errors["reason"] = ["Give the reason: it is kept in the audit log."]
    return errors


def _label_taken(version: str, text: str) -> bool:
    """Whether ``version`` already labels a revision, or an acceptance of other text
    (e.g. the wording from the settings, before any revision was saved)."""
    revision = db.session.scalar(
        select(AttestationRevision.id).where(AttestationRevision.version == version)
    )
    if revision is not None:
        return True
    accepted_other = db.session.scalar(
        select(Enrolment.id)
        .where(Enrolment.attestation_version == version, Enrolment.attestation_text != text)
        .limit(1)
    )
    return accepted_other is not None
