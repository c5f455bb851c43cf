"""What anyone checking a certificate is told: its status, and what it prints.

The verification page and its JSON publish exactly what the certificate's PDF prints,
nothing more: the learner shares those fields by sharing the code. The snapshot also
keeps a few values the PDF does not print (the moment of completion, the split name,
the module's id); :func:`printed_fields` leaves them out.

The status combines the stored status with the expiry date: a revoked certificate is
revoked, a replaced one superseded, and a valid one whose ``expires_at`` has passed is
expired. Revocation and replacement are decisions about the certificate; expiry only
follows from the calendar, so it never hides them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from coursekit.certificates.codes import grouped
from coursekit.certificates.models import Certificate, CertificateStatus
from coursekit.certificates.queries import verification_row


class Standing(StrEnum):
    """A certificate's status as a verifier sees it."""

    VALID = "valid"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"
    EXPIRED = "expired"


HEADLINES = {
    Standing.VALID: "Valid certificate",
    Standing.REVOKED: "Revoked certificate",
    Standing.SUPERSEDED: "Superseded certificate",
    Standing.EXPIRED: "Expired certificate",
}


@dataclass(frozen=True)
class Replacement:
    """The certificate issued to replace the one being verified."""

    number: str
    code: str


@dataclass(frozen=True)
class Verification:
    """One certificate found by its code, with everything its page shows."""

    certificate: Certificate
    standing: Standing
    pdf_sha256: str | None
    replacement: Replacement | None

    @property
    def headline(self) -> str:
        return HEADLINES[self.standing]

    @property
    def fields(self) -> dict[str, Any]:
        """The snapshot, as far as the PDF prints it."""
        return printed_fields(self.certificate.fields)

    @property
    def grouped_code(self) -> str:
        return grouped(self.certificate.code)


def verify(code: str, *, now: datetime) -> Verification | None:
    """The verification of the certificate with the normalised ``code``, or None when no
    certificate has it (one query either way)."""
    row = verification_row(code)
    if row is None:
        return None
    certificate, sha256, replacement_code, replacement_number = row
    replacement = (
        Replacement(number=replacement_number, code=replacement_code)
        if replacement_code is not None
        else None
    )
    return Verification(
        certificate=certificate,
        standing=standing_of(certificate, now=now),
        pdf_sha256=sha256,
        replacement=replacement,
    )


def standing_of(certificate: Certificate, *, now: datetime) -> Standing:
    """Revoked, superseded, expired (a valid one past ``expires_at``) or valid."""
    if certificate.status == CertificateStatus.REVOKED:
        return Standing.REVOKED
    if certificate.status == CertificateStatus.SUPERSEDED:
        return Standing.SUPERSEDED
    if certificate.expires_at is not None and certificate.expires_at <= now:
        return Standing.EXPIRED
    return Standing.VALID


def printed_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """The snapshot's values that the certificate prints (see the module docstring)."""
    learner = fields.get("learner", {})
    module = fields.get("module", {})
    return {
        "snapshot_version": fields.get("snapshot_version"),
        "learner": {
            "legal_name": learner.get("legal_name", ""),
            "nccaom_id": learner.get("nccaom_id", ""),
            "licences": learner.get("licences", []),
        },
        "module": {
            **{
                key: module.get(key, "") for key in ("title", "version", "content_hash", "delivery")
            },
            "authors": module.get("authors", []),
        },
        "credits": fields.get("credits", []),
        "started_on": fields.get("started_on"),
        "completed_on": fields.get("completed_on"),
        "score": fields.get("score"),
        "provider": fields.get("provider", {}),
        "signatory": fields.get("signatory", {}),
        "disclaimer": fields.get("disclaimer", ""),
        "retention_notice": fields.get("retention_notice", ""),
    }


def as_json(verification: Verification, *, url_of: Any) -> dict[str, Any]:
    """The verification as the JSON document ``/verify/<code>.json`` returns.

    ``url_of(code)`` gives the public verification address of a code.
    """
    certificate = verification.certificate
    revoked = verification.standing == Standing.REVOKED
    replacement = verification.replacement
    return {
        "status": str(verification.standing),
        "revoked_at": _iso(certificate.revoked_at) if revoked else None,
        "revoked_reason": certificate.revoked_reason if revoked else None,
        "replaced_by": (
            {"number": replacement.number, "verification_url": url_of(replacement.code)}
            if replacement is not None
            else None
        ),
        "number": certificate.number,
        "code": certificate.code,
        "code_grouped": verification.grouped_code,
        "verification_url": url_of(certificate.code),
        "issued_at": _iso(certificate.issued_at),
        "issued_on": certificate.issued_at.date().isoformat(),
        "expires_at": _iso(certificate.expires_at),
        "expires_on": certificate.expires_at.date().isoformat() if certificate.expires_at else None,
        "fields": verification.fields,
        "pdf_sha256": verification.pdf_sha256,
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
