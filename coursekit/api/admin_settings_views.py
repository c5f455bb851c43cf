"""The participant attestation as JSON: the wording in force, and saving a new revision
through the attestation page's operation (its rules answer 422 with their messages)."""

from __future__ import annotations

from typing import Any

from coursekit.access import access, current_account
from coursekit.api.endpoint import endpoint
from coursekit.api.routes import bp
from coursekit.api.schemas.settings import AttestationInput, AttestationSettingsSchema
from coursekit.attestation.operations import save_attestation
from coursekit.attestation.queries import Attestation, current_attestation
from coursekit.db import utcnow

TAG = "admin: settings"


@bp.get("/admin/attestation")
@access("admin")
@endpoint("The participant attestation in force", tag=TAG, response=AttestationSettingsSchema)
def attestation() -> Attestation:
    return current_attestation()


@bp.put("/admin/attestation")
@access("admin")
@endpoint(
    "Save a new attestation revision, in force at once for new enrolments",
    tag=TAG,
    body=AttestationInput,
    response=AttestationSettingsSchema,
    description="422 when the text or label is empty, the label already names other "
    "wording, the reason is missing, or nothing changed.",
)
def save_attestation_revision(body: dict[str, Any]) -> Attestation:
    save_attestation(
        body["text"], body["version"], actor=current_account(), reason=body["reason"], now=utcnow()
    )
    return current_attestation()
