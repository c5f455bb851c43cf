"""Open Badges 3.0: the signed credential, its public keys and documents, download
rules, and the signing key's life in the instance folder."""

from __future__ import annotations

import base64
import hashlib
import json
import multiprocessing
import stat
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import Role, StateLicence, User
from coursekit.certificates.badges.keys import KEY_FILE, load_or_create, public_key_of
from coursekit.certificates.models import Certificate
from coursekit.certificates.operations import revoke_certificate
from tests.certificate_records import PUBLIC_URL, certificate_settings, completed, issue
from tests.helpers import login, make_user
from tests.package_factory import write_package

LEARNER = "zoe@example.org"


@pytest.fixture
def instance(tmp_path, monkeypatch):
    folder = tmp_path / "instance"
    monkeypatch.setenv("COURSEKIT_INSTANCE_PATH", str(folder))
    return folder


@pytest.fixture
def build(make_app, tmp_path, instance):
    write_package(tmp_path, "calf")

    def build(**settings):
        return make_app(
            COURSEKIT_MODULES_PATH=str(tmp_path / "modules"),
            COURSEKIT_PUBLISH_ON_START=True,
            **certificate_settings(provider={"issuing": "approval"}),
            **settings,
        )

    return build


@pytest.fixture
def app(build):
    return build()


def certified(app, email=LEARNER, **profile):
    """A learner with a password, a California licence and an issued certificate."""
    make_user(app, email, first_name="Zoë", last_name="Łukasz-Ørsted", nccaom_id="12345", **profile)
    completion = completed(app, email, licences={"CA": "AC 12345"})
    return issue(app, completion)


def signed_in(app, email=LEARNER):
    client = app.test_client()
    login(client, email)
    return client


def verified_claims(client, token):
    """Verify ``token`` as a verifier would: the key named by ``kid``, from the JWKS."""
    kid = jwt.get_unverified_header(token)["kid"]
    jwks = client.get("/badges/keys.json").get_json()
    key = jwt.PyJWKSet.from_dict(jwks)[kid]
    return jwt.decode(token, key.key, algorithms=["RS256"], issuer=f"{PUBLIC_URL}/badges/issuer")


def test_the_credential_verifies_against_the_published_key(app):
    certificate = certified(app)
    client = signed_in(app)
    response = client.get(f"/certificates/{certificate.number}/badge.jwt")
    assert response.status_code == 200
    assert response.mimetype == "application/jwt"
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="{certificate.number}-open-badge.jwt"'
    token = response.text
    header = jwt.get_unverified_header(token)
    assert set(header) == {"alg", "typ", "kid"}
    assert (header["alg"], header["typ"]) == ("RS256", "JWT")
    # The kid is an address that serves the public key as a JWK.
    assert header["kid"].startswith(f"{PUBLIC_URL}/badges/keys/")
    served = client.get(header["kid"].removeprefix(PUBLIC_URL)).get_json()
    assert served["kid"] == header["kid"]
    assert (served["alg"], served["use"], served["kty"]) == ("RS256", "sig", "RSA")
    assert "d" not in served
    claims = verified_claims(client, token)
    assert claims["jti"] == claims["id"] == f"{PUBLIC_URL}/verify/{certificate.code}"
    assert claims["iss"] == claims["issuer"]["id"]
    assert claims["sub"] == claims["credentialSubject"]["id"]
    assert claims["sub"].startswith("urn:uuid:")
    assert claims["nbf"] == int(certificate.issued_at.timestamp())
    assert claims["validFrom"] == "2026-11-03T15:31:00Z"
    assert "exp" not in claims and "validUntil" not in claims
    # Every download is the same credential.
    assert client.get(f"/certificates/{certificate.number}/badge.jwt").text == token


def test_the_credential_carries_the_snapshot(app):
    certificate = certified(app)
    client = signed_in(app)
    token = client.get(f"/certificates/{certificate.number}/badge.jwt").text
    claims = verified_claims(client, token)
    assert claims["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert claims["issuer"] == {
        "id": f"{PUBLIC_URL}/badges/issuer",
        "type": ["Profile"],
        "name": "Blue Heron Acupuncture Seminars",
        "url": "https://blueheron.example",
        "email": "ce@blueheron.example",
        "otherIdentifier": [
            {
                "type": "IdentifierEntry",
                "identifier": "602",
                "identifierType": "ext:NCCAOMProviderNumber",
            }
        ],
    }
    subject = claims["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["creditsEarned"] == 2.0
    assert subject["licenseNumber"] == "CA AC 12345"
    assert subject["activityEndDate"] == "2026-11-03T15:30:00Z"
    achievement = subject["achievement"]
    assert achievement["id"] == f"{PUBLIC_URL}/badges/achievements/calf/1.0.0"
    assert achievement["type"] == ["Achievement"]
    assert achievement["name"] == certificate.fields["module"]["title"]
    assert achievement["humanCode"] == "PDA-000-001"
    assert achievement["creditsAvailable"] == 2.0
    assert achievement["achievementType"] == "Course"
    assert "Pass the post-test with at least 75 %" in achievement["criteria"]["narrative"]
    name, email = subject["identifier"]
    assert name == {
        "type": "IdentityObject",
        "identityType": "name",
        "hashed": False,
        "identityHash": "Zoë Łukasz-Ørsted",
    }
    assert (email["identityType"], email["hashed"]) == ("emailAddress", True)
    expected = hashlib.sha256((LEARNER + email["salt"]).encode()).hexdigest()
    assert email["identityHash"] == f"sha256${expected}"
    assert len(email["salt"]) == 32
    # The address itself is nowhere in the token, encoded or decoded.
    assert LEARNER not in json.dumps(claims) and LEARNER not in token
    assert "zoe" not in base64.urlsafe_b64decode(token.split(".")[1] + "==").decode()


def test_the_credential_does_not_follow_later_changes_to_the_account(app):
    certificate = certified(app)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == LEARNER))
        user.first_name, user.last_name, user.nccaom_id = "Renamed", "Person", "99999"
        db.session.add(StateLicence(user_id=user.id, state="AZ", number="AZ-1"))
        db.session.commit()
    client = signed_in(app)
    credential = client.get(f"/certificates/{certificate.number}/badge.json").get_json()
    assert credential["credentialSubject"]["identifier"][0]["identityHash"] == "Zoë Łukasz-Ørsted"
    assert credential["credentialSubject"]["licenseNumber"] == "CA AC 12345"


def test_only_the_owner_and_admins_download_a_valid_certificate(app):
    certificate = certified(app)
    url = f"/certificates/{certificate.number}/badge.jwt"
    make_user(app, "other@example.org")
    make_user(app, "admin@example.org", Role.ADMIN)
    anonymous = app.test_client().get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert signed_in(app, "other@example.org").get(url).status_code == 404
    assert signed_in(app, "other@example.org").get(url.replace(".jwt", ".json")).status_code == 404
    admin = signed_in(app, "admin@example.org")
    assert admin.get(url).status_code == 200
    assert admin.get("/certificates/CK-2026-999999/badge.jwt").status_code == 404
    readable = signed_in(app).get(url.replace(".jwt", ".json"))
    assert readable.status_code == 200 and readable.mimetype == "application/json"
    assert readable.headers["Cache-Control"] == "private, no-store"
    with app.app_context():
        stored = db.session.get(Certificate, certificate.id)
        admin_user = db.session.scalar(select(User).where(User.email == "admin@example.org"))
        revoke_certificate(
            stored, actor=admin_user, reason="Attendance not verified", now=datetime.now(UTC)
        )
        db.session.commit()
    refused = signed_in(app).get(url)
    assert refused.status_code == 409
    assert "revoked" in refused.text and f"/verify/{certificate.code}" in refused.text


def test_the_public_documents_describe_issuer_keys_and_achievement(app):
    certificate = certified(app)
    client = app.test_client()
    issuer = client.get("/badges/issuer")
    assert issuer.status_code == 200
    profile = issuer.get_json()
    assert profile["id"] == f"{PUBLIC_URL}/badges/issuer"
    assert profile["name"] == "Blue Heron Acupuncture Seminars"
    assert profile["jwks_uri"] == f"{PUBLIC_URL}/badges/keys.json"
    (jwk,) = client.get("/badges/keys.json").get_json()["keys"]
    assert set(jwk) == {"kty", "n", "e", "kid", "alg", "use"}
    achievement = client.get("/badges/achievements/calf/1.0.0").get_json()
    owner = signed_in(app).get(f"/certificates/{certificate.number}/badge.json").get_json()
    assert {**achievement, "@context": None} == {
        **owner["credentialSubject"]["achievement"],
        "@context": None,
    }
    assert client.get("/badges/achievements/calf/9.9.9").status_code == 404
    assert client.get("/badges/achievements/nothing/1.0.0").status_code == 404
    assert client.get(f"/badges/keys/{'A' * 43}").status_code == 404


def test_a_tampered_credential_fails_verification(app):
    certificate = certified(app)
    client = signed_in(app)
    token = client.get(f"/certificates/{certificate.number}/badge.jwt").text
    head, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["credentialSubject"]["creditsEarned"] = 20.0
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(jwt.InvalidSignatureError):
        verified_claims(client, f"{head}.{forged}.{signature}")


def test_the_key_is_generated_once_privately_and_shared_by_the_next_app(build, instance):
    first = build()
    path = instance / KEY_FILE
    assert path.exists()  # generated when the app started
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    content = path.read_bytes()
    keys = first.test_client().get("/badges/keys.json").get_json()
    second = build()
    assert path.read_bytes() == content
    assert second.test_client().get("/badges/keys.json").get_json() == keys
    assert not [name for name in instance.iterdir() if name.name.startswith(".")]


def test_a_configured_key_is_used_and_nothing_is_generated(build, instance):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    app = build(COURSEKIT_BADGE_SIGNING_KEY=pem)
    certificate = certified(app)
    client = signed_in(app)
    (jwk,) = client.get("/badges/keys.json").get_json()["keys"]
    assert jwk["kid"].endswith("/" + public_key_of(key.public_key()).thumbprint)
    token = client.get(f"/certificates/{certificate.number}/badge.jwt").text
    claims = jwt.decode(token, key.public_key(), algorithms=["RS256"])
    assert claims["jti"].endswith(certificate.code)
    assert not (instance / KEY_FILE).exists()


def test_a_configured_key_that_is_not_rsa_stops_the_app(build):
    with pytest.raises(RuntimeError, match="COURSEKIT_BADGE_SIGNING_KEY"):
        build(COURSEKIT_BADGE_SIGNING_KEY="-----BEGIN PRIVATE KEY-----\nnonsense\n")


def _thumbprint_from(path: str) -> str:
    from pathlib import Path

    return public_key_of(load_or_create(Path(path)).public_key()).thumbprint


def test_processes_starting_together_agree_on_one_key(tmp_path):
    path = str(tmp_path / KEY_FILE)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=4, mp_context=context) as pool:
        thumbprints = set(pool.map(_thumbprint_from, [path] * 8))
    assert thumbprints == {_thumbprint_from(path)}
    assert [item.name for item in tmp_path.iterdir()] == [KEY_FILE]


def test_credentials_signed_before_a_rotation_still_verify(build, instance):
    first = build()
    certificate = certified(first)
    old_token = signed_in(first).get(f"/certificates/{certificate.number}/badge.jwt").text
    # Rotation: the old key moves to the retired folder; the next start makes a new one.
    retired = instance / "badge_retired_keys"
    retired.mkdir()
    (instance / KEY_FILE).rename(retired / "2026.pem")
    second = build()
    client = signed_in(second)
    kids = [key["kid"] for key in client.get("/badges/keys.json").get_json()["keys"]]
    assert len(kids) == 2
    new_token = client.get(f"/certificates/{certificate.number}/badge.jwt").text
    assert jwt.get_unverified_header(new_token)["kid"] == kids[0]
    assert jwt.get_unverified_header(old_token)["kid"] == kids[1]
    assert verified_claims(client, old_token)["jti"] == verified_claims(client, new_token)["jti"]
    # The retired key's JWK carries only its public half.
    assert "d" not in client.get(kids[1].removeprefix(PUBLIC_URL)).get_json()
