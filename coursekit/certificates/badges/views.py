"""Open Badges 3.0: the public issuer profile, keys and achievements, and the learner's
credential downloads.

The public documents are what a verifier fetches to check a credential; the downloads
are the certificate's owner's (and admins') alone: anyone else gets 404, exactly as for
a certificate that does not exist.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, abort
from sqlalchemy import select
from werkzeug.wrappers import Response

from coursekit import db
from coursekit.access import access, current_account
from coursekit.accounts.models import Role, User
from coursekit.certificates.badges.achievement import (
    CONTEXTS,
    achievement_of,
    issuer_profile,
)
from coursekit.certificates.badges.credential import credential_for, key_url, signed_credential
from coursekit.certificates.badges.keys import badge_keys, prepare, published_jwk
from coursekit.certificates.models import Certificate, CertificateStatus
from coursekit.certificates.provider.queries import current_provider
from coursekit.certificates.urls import public_url, verification_url
from coursekit.packages.models import ModuleVersion
from coursekit.packages.queries import package_for

bp = Blueprint("badges", __name__)
# The signing key is checked, or generated, when the app starts (not on a first download).
bp.record_once(lambda state: prepare(state.app))

JWT_MEDIA_TYPE = "application/jwt"
# Public documents change rarely (a provider rename, a key rotation): let verifiers and
# caches keep them for an hour.
PUBLIC_CACHE = "public, max-age=3600"


def _json(document: dict[str, Any], *, cache: str = PUBLIC_CACHE) -> Response:
    response = Response(
        json.dumps(document, ensure_ascii=False, indent=2), mimetype="application/json"
    )
    response.headers["Cache-Control"] = cache
    # Verifiers run in other sites' browsers too (wallets, backpacks).
    if cache == PUBLIC_CACHE:
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/badges/issuer")
@access("public")
def issuer() -> Response:
    provider = current_provider(images=False)
    profile = issuer_profile(
        name=provider.name,
        website=provider.website,
        contact=provider.contact,
        nccaom_number=provider.nccaom_provider_number,
    )
    # Not an Open Badges term: where the keys that sign this issuer's credentials are.
    profile["jwks_uri"] = public_url("coursekit.badges.keys")
    return _json({"@context": CONTEXTS, **profile})


@bp.get("/badges/keys.json")
@access("public")
def keys() -> Response:
    published = badge_keys().published
    return _json({"keys": [published_jwk(key, key_url(key.thumbprint)) for key in published]})


@bp.get("/badges/keys/<thumbprint>")
@access("public")
def key(thumbprint: str) -> Response:
    found = badge_keys().find(thumbprint)
    if found is None:
        abort(404)
    return _json(published_jwk(found, key_url(found.thumbprint)))


@bp.get("/badges/achievements/<module_id>/<version>")
@access("public")
def achievement(module_id: str, version: str) -> Response:
    found = db.session.scalar(
        select(ModuleVersion).where(
            ModuleVersion.module_id == module_id, ModuleVersion.version == version
        )
    )
    if found is None:
        abort(404)
    return _json({"@context": CONTEXTS, **achievement_of(package_for(found))})


def _downloadable(number: str) -> tuple[Certificate, str]:
    """The certificate ``number`` and its owner's e-mail, if the signed-in user may
    download its credential: 404 for anyone but the owner and admins, 409 once it is
    revoked or replaced (a credential must not outlive the certificate's validity)."""
    account = current_account()
    row = db.session.execute(
        select(Certificate, User.email)
        .join(User, User.id == Certificate.user_id)
        .where(Certificate.number == number.strip().upper())
    ).first()
    if row is None:
        abort(404)
    certificate, email = row
    if certificate.user_id != account.id and Role.ADMIN not in account.role_names:
        abort(404)
    if certificate.status != CertificateStatus.VALID:
        abort(
            409,
            description=(
                f"Certificate {certificate.number} is {certificate.status}, so it has no "
                f"Open Badges credential. Its status: {verification_url(certificate.code)}"
            ),
        )
    return certificate, email


def _attachment(body: str, mimetype: str, filename: str, *, inline: bool = False) -> Response:
    response = Response(body, mimetype=mimetype)
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    # A learner's record: no shared cache may keep a copy.
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/certificates/<number>/badge.jwt")
@access("learner")
def download(number: str) -> Response:
    certificate, email = _downloadable(number)
    token = signed_credential(credential_for(certificate, email=email))
    return _attachment(token, JWT_MEDIA_TYPE, f"{certificate.number}-open-badge.jwt")


@bp.get("/certificates/<number>/badge.json")
@access("learner")
def readable(number: str) -> Response:
    certificate, email = _downloadable(number)
    body = json.dumps(credential_for(certificate, email=email), ensure_ascii=False, indent=2)
    return _attachment(
        body, "application/json", f"{certificate.number}-open-badge.json", inline=True
    )
