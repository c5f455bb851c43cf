"""Public verification: the page shows what the PDF prints, with the status (valid,
revoked, superseded, expired) and the PDF's hash; the JSON says the same; typed variants
redirect to the canonical address."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import update

from coursekit import db
from coursekit.certificates.codes import grouped
from coursekit.certificates.models import Certificate, CertificateFile
from coursekit.certificates.operations import reissue_certificate, revoke_certificate
from coursekit.certificates.verification import printed_fields
from tests.certificate_records import PUBLIC_URL, completed, issue
from tests.verification_records import modify, text_of, verification_app

PDFTOTEXT = shutil.which("pdftotext") or "pdftotext"


@pytest.fixture
def app(make_app, tmp_path):
    return verification_app(make_app, tmp_path)


def printed_text(content: bytes) -> str:
    """The text a PDF prints, its whitespace collapsed."""
    printed = subprocess.run(  # noqa: S603 (a constant command; the PDF is stdin)
        [PDFTOTEXT, "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode("utf-8")
    return " ".join(printed.split())


def pdf_text(app, certificate_id: int) -> str:
    with app.app_context():
        return printed_text(db.session.get_one(CertificateFile, certificate_id).content)


def shows(text: str, value: str) -> bool:
    """Whether ``value`` appears in ``text`` as a whole (``FL`` is not in ``Florida``)."""
    return re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text) is not None


def leaves(value: Any) -> Iterator[str]:
    """Every scalar in a snapshot, as text."""
    if isinstance(value, dict):
        for item in value.values():
            yield from leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from leaves(item)
    elif value is not None and value != "":
        yield str(value)


def test_the_page_shows_every_value_the_pdf_prints(app, client):
    completion = completed(
        app,
        "zoe@example.org",
        first_name="Zoë",
        last_name="Łukasz-Ørsted",
        licences={"CA": "AC 12345", "FL": "AP 777"},
        percent=87.5,
    )
    certificate = issue(app, completion)
    response = client.get(f"/verify/{certificate.code}")
    assert response.status_code == 200
    page = text_of(response.text)
    printed = pdf_text(app, certificate.id)
    identifiers = [
        certificate.number,
        grouped(certificate.code),
        certificate.issued_at.date().isoformat(),
        f"{PUBLIC_URL}/verify/{certificate.code}",
    ]
    on_pdf = [value for value in leaves(certificate.fields) if shows(printed, value)]
    # Not a vacuous check: the values a board reads are among those the PDF prints.
    fields = certificate.fields
    for required in (
        fields["learner"]["legal_name"],
        "AC 12345",
        fields["module"]["content_hash"],
        fields["provider"]["address"],
        fields["disclaimer"],
        fields["retention_notice"],
        "PDA-000-001",
        "87.5",
    ):
        assert required in on_pdf, required
    for value in [*on_pdf, *identifiers]:
        assert shows(printed, value), value
        assert shows(page, value), value
    assert "Valid certificate" in page
    with app.app_context():
        content = db.session.get_one(CertificateFile, certificate.id).content
    assert hashlib.sha256(content).hexdigest() in page


def test_the_page_prints_nothing_the_pdf_leaves_out(app, client):
    certificate = issue(app, completed(app, "ann@example.org"))
    page = client.get(f"/verify/{certificate.code}").text
    # The moment of completion is private; only its date is printed.
    assert certificate.fields["completed_at"] not in page
    assert "ann@example.org" not in page


def test_a_revoked_certificate_shows_the_reason_and_date(app, client):
    certificate = issue(app, completed(app, "ann@example.org"))
    modify(app, certificate.id, revoke_certificate, reason="Seat time was falsified.")
    page = text_of(client.get(f"/verify/{certificate.code}").text)
    assert "Revoked certificate" in page
    assert "Revoked on 2026-11-10. Reason: Seat time was falsified." in page
    assert "Replacement" not in page
    document = client.get(f"/verify/{certificate.code}.json").json
    assert document["status"] == "revoked"
    assert document["revoked_reason"] == "Seat time was falsified."
    assert document["revoked_at"].startswith("2026-11-10T09:00")
    assert document["replaced_by"] is None


def test_a_superseded_certificate_links_to_its_replacement(app, client):
    old = issue(app, completed(app, "ann@example.org"))
    new = modify(app, old.id, reissue_certificate, reason="Legal name corrected.")
    response = client.get(f"/verify/{old.code}")
    page = text_of(response.text)
    assert "Superseded certificate" in page
    assert f"certificate {new.number}" in page
    assert f'href="/verify/{new.code}"' in response.text
    assert "Legal name corrected." not in page  # why it was reissued stays in the audit log
    assert "Valid certificate" in client.get(f"/verify/{new.code}").text
    document = client.get(f"/verify/{old.code}.json").json
    assert document["status"] == "superseded"
    assert document["replaced_by"] == {
        "number": new.number,
        "verification_url": f"{PUBLIC_URL}/verify/{new.code}",
    }


def test_a_revoked_certificate_that_was_reissued_links_to_the_replacement(app, client):
    old = issue(app, completed(app, "ann@example.org"))
    modify(app, old.id, revoke_certificate, reason="Issued with the wrong credits.")
    new = modify(app, old.id, reissue_certificate, reason="Credits corrected.")
    page = client.get(f"/verify/{old.code}").text
    assert "Revoked certificate" in page
    assert f'href="/verify/{new.code}"' in page
    assert client.get(f"/verify/{old.code}.json").json["replaced_by"]["number"] == new.number


def test_a_certificate_past_its_expiry_is_expired(make_app, tmp_path):
    app = verification_app(make_app, tmp_path, validity_months=12)
    client = app.test_client()
    long_ago = datetime(2020, 3, 2, 10, 0, tzinfo=UTC)
    old = issue(app, completed(app, "old@example.org", completed_at=long_ago))
    recent = issue(app, completed(app, "new@example.org"))
    page = text_of(client.get(f"/verify/{old.code}").text)
    assert "Expired certificate" in page
    assert "This certificate expired on 2021-03-02." in page
    assert client.get(f"/verify/{old.code}.json").json["expires_on"] == "2021-03-02"
    assert client.get(f"/verify/{old.code}.json").json["status"] == "expired"
    page = text_of(client.get(f"/verify/{recent.code}").text)
    assert "Valid certificate" in page
    assert "is valid until 2027-11-03" in page


@pytest.mark.parametrize(
    "typed",
    [
        lambda code: code.lower(),
        lambda code: grouped(code),
        lambda code: grouped(code).lower().replace("-", " "),
        lambda code: code.replace("0", "O").replace("1", "l"),
        lambda code: code.replace("1", "I").lower(),
    ],
)
def test_typed_variants_redirect_to_the_canonical_address(app, client, typed):
    certificate = issue(app, completed(app, "ann@example.org"))
    code = "0123456789ABCDEFGHJKMNPQRSTV"
    with app.app_context():
        db.session.execute(
            update(Certificate).where(Certificate.id == certificate.id).values(code=code)
        )
        db.session.commit()
    variant = typed(code)
    response = client.get(f"/verify/{variant}")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/verify/{code}"
    json_response = client.get(f"/verify/{variant}.json")
    assert json_response.status_code == 301
    assert json_response.headers["Location"] == f"/verify/{code}.json"
    looked_up = client.get("/verify", query_string={"code": variant})
    assert looked_up.status_code == 303
    assert looked_up.headers["Location"] == f"/verify/{code}"
    assert client.get(looked_up.headers["Location"]).status_code == 200


def test_the_json_document(app, client):
    certificate = issue(app, completed(app, "ann@example.org", licences={"CA": "AC 1"}))
    response = client.get(f"/verify/{certificate.code}.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    document = response.json
    with app.app_context():
        sha256 = db.session.get_one(CertificateFile, certificate.id).sha256
    assert document == {
        "status": "valid",
        "revoked_at": None,
        "revoked_reason": None,
        "replaced_by": None,
        "number": certificate.number,
        "code": certificate.code,
        "code_grouped": grouped(certificate.code),
        "verification_url": f"{PUBLIC_URL}/verify/{certificate.code}",
        "issued_at": certificate.issued_at.isoformat(),
        "issued_on": certificate.issued_at.date().isoformat(),
        "expires_at": None,
        "expires_on": None,
        "fields": printed_fields(certificate.fields),
        "pdf_sha256": sha256,
    }
    assert document["fields"]["learner"]["licences"][0]["number"] == "AC 1"
    assert "completed_at" not in document["fields"]
