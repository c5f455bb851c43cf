"""A certificate as an Open Badges 3.0 ``OpenBadgeCredential``, and signed as a VC-JWT.

Everything the certificate prints comes from its snapshot (``Certificate.fields``); the
achievement comes from the module version's package, which never changes once
published. The one value read at download time is the learner's account e-mail, and
it only ever appears salted and hashed (docs/open-badges.md explains why).
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import jwt
from flask import current_app

from coursekit import db
from coursekit.certificates.badges.achievement import CONTEXTS, achievement_of, issuer_profile
from coursekit.certificates.badges.keys import ALGORITHM, badge_keys
from coursekit.certificates.models import Certificate
from coursekit.certificates.urls import public_url, verification_url
from coursekit.packages.models import ModuleVersion
from coursekit.packages.queries import package_for

CREDENTIAL_TYPES = ["VerifiableCredential", "OpenBadgeCredential"]
SCHEMA = {
    "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
    "ob_v3p0_achievementcredential_schema.json",
    "type": "1EdTechJsonSchemaValidator2019",
}


def credential_for(certificate: Certificate, *, email: str) -> dict[str, Any]:
    """The unsigned credential of ``certificate``, issued to the account ``email``."""
    fields = certificate.fields
    learner, module, provider = fields["learner"], fields["module"], fields["provider"]
    version = db.session.get_one(ModuleVersion, certificate.module_version_id)
    verify_url = verification_url(certificate.code)
    subject: dict[str, Any] = {
        "id": subject_id(certificate.user_id),
        "type": ["AchievementSubject"],
        "achievement": achievement_of(package_for(version)),
        "identifier": [
            # The legal name is printed on the certificate and its public verification
            # page already; the e-mail address is not, so it only travels hashed.
            _identity("name", learner["legal_name"]),
            _hashed_identity("emailAddress", email, salt=_salt(certificate.code)),
        ],
        "activityEndDate": _stamp(datetime.fromisoformat(fields["completed_at"])),
    }
    if fields["credits"]:
        subject["creditsEarned"] = float(Decimal(fields["credits"][0]["total"]))
    licence = licence_number(learner)
    if licence:
        subject["licenseNumber"] = licence
    credential: dict[str, Any] = {
        "@context": CONTEXTS,
        "id": verify_url,
        "type": CREDENTIAL_TYPES,
        "issuer": issuer_profile(
            name=provider["name"],
            website=provider["website"],
            contact=provider["contact"],
            nccaom_number=provider["nccaom_provider_number"],
        ),
        "validFrom": _stamp(certificate.issued_at),
        "name": f"{module['title']}: certificate of completion",
        "description": (
            f"Certificate {certificate.number}: {learner['legal_name']} completed "
            f"{module['title']} (version {module['version']}) on {fields['completed_on']}. "
            f"Check its current status at {verify_url}"
        ),
        "credentialSubject": subject,
        "credentialSchema": [SCHEMA],
    }
    if certificate.expires_at is not None:
        credential["validUntil"] = _stamp(certificate.expires_at)
    return credential


def signed_credential(credential: dict[str, Any]) -> str:
    """The credential as a compact JWS, following Open Badges 3.0 §8.2 for VC Data
    Model 2.0: the payload is the credential itself, plus the registered claims that
    repeat its issuer, id, subject and validity."""
    keys = badge_keys()
    claims: dict[str, Any] = {
        **credential,
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "sub": credential["credentialSubject"]["id"],
        "nbf": _seconds(credential["validFrom"]),
    }
    if "validUntil" in credential:
        claims["exp"] = _seconds(credential["validUntil"])
    headers = {"kid": key_url(keys.current.thumbprint), "typ": "JWT"}
    return jwt.encode(claims, keys.private_key, algorithm=ALGORITHM, headers=headers)


def key_url(thumbprint: str) -> str:
    """The ``kid`` of a key: the public address that serves it as a JWK."""
    return public_url("coursekit.badges.key", thumbprint=thumbprint)


def licence_number(learner: dict[str, Any]) -> str | None:
    """The learner's first state licence number as printed (``CA AC 12345``), else
    their NCCAOM ID (``NCCAOM 12345``), else None."""
    if learner["licences"]:
        first = learner["licences"][0]
        return f"{first['state']} {first['number']}"
    if learner["nccaom_id"]:
        return f"NCCAOM {learner['nccaom_id']}"
    return None


def subject_id(user_id: int) -> str:
    """A stable, opaque id for the learner across their credentials: it reveals neither
    the account number nor anything else without the site's secret key."""
    digest = _mac(f"coursekit-badge-subject:{user_id}")
    return uuid.UUID(bytes=digest[:16], version=4).urn


def _identity(kind: str, value: str) -> dict[str, Any]:
    return {"type": "IdentityObject", "identityType": kind, "hashed": False, "identityHash": value}


def _hashed_identity(kind: str, value: str, *, salt: str) -> dict[str, Any]:
    digest = hashlib.sha256((value + salt).encode("utf-8")).hexdigest()
    return {
        "type": "IdentityObject",
        "identityType": kind,
        "hashed": True,
        "identityHash": f"sha256${digest}",
        "salt": salt,
    }


def _salt(code: str) -> str:
    # Derived, not random: every download of one certificate is the same credential.
    return _mac(f"coursekit-badge-salt:{code}").hex()[:32]


def _mac(message: str) -> bytes:
    secret = current_app.config.get("SECRET_KEY")
    if not secret:
        raise RuntimeError("Open Badges credentials need the app's SECRET_KEY.")
    key = secret if isinstance(secret, bytes) else str(secret).encode()
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def _stamp(moment: datetime) -> str:
    """An ISO 8601 date-time in UTC with a ``Z``, to the second (what JWT dates hold)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _seconds(stamp: str) -> int:
    return int(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp())
