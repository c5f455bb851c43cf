"""The learner's certificates: the list with each one's standing, the stored PDF for its
owner and administrators only, and certificates on the dashboard and the transcript."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from coursekit import db
from coursekit.accounts.models import Role, User
from coursekit.certificates.models import Certificate, CertificateFile
from coursekit.certificates.operations import reissue_certificate, revoke_certificate
from tests.certificate_records import certificate_settings, completed, issue
from tests.helpers import login, make_user
from tests.package_factory import write_package
from tests.querycount import queries_for


@pytest.fixture
def app(make_app, tmp_path):
    for module_id in ("calf", "shin", "back"):
        write_package(tmp_path, module_id)
    return make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"),
        COURSEKIT_PUBLISH_ON_START=True,
        **certificate_settings(provider={"issuing": "approval"}),
    )


def signed_in(app, email: str, *roles: Role):
    make_user(app, email, *roles)
    client = app.test_client()
    login(client, email)
    return client


def stored(app, certificate_id: int) -> tuple[bytes, str]:
    """The stored PDF's bytes and recorded hash."""
    with app.app_context():
        file = db.session.get_one(CertificateFile, certificate_id)
        return file.content, file.sha256


def change(app, certificate_id: int, action, reason: str = "Legal name corrected") -> Certificate:
    """Revoke or reissue through the real operation, as the administrator, and commit."""
    actor = make_user(app, f"actor-{certificate_id}@example.org", Role.ADMIN)
    with app.app_context():
        certificate = db.session.get_one(Certificate, certificate_id)
        admin = db.session.get_one(User, actor)
        result = action(certificate, actor=admin, reason=reason, now=datetime.now(UTC))
        db.session.commit()
        return result


def test_the_owner_downloads_the_stored_bytes_unchanged(app):
    owner = signed_in(app, "owner@example.org")
    certificate = issue(app, completed(app, "owner@example.org"))
    content, sha256 = stored(app, certificate.id)
    response = owner.get(f"/certificates/{certificate.number}.pdf")
    assert response.status_code == 200
    assert response.data == content
    assert hashlib.sha256(response.data).hexdigest() == sha256
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["ETag"] == f'"{sha256}"'
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="{certificate.number}.pdf"'
    again = owner.get(
        f"/certificates/{certificate.number}.pdf", headers={"If-None-Match": f'"{sha256}"'}
    )
    assert again.status_code == 304 and again.data == b""


def test_only_the_owner_and_administrators_may_download(app):
    signed_in(app, "owner@example.org")
    certificate = issue(app, completed(app, "owner@example.org"))
    url = f"/certificates/{certificate.number}.pdf"
    admin = signed_in(app, "admin@example.org", Role.ADMIN)
    assert admin.get(url).data == stored(app, certificate.id)[0]
    # Someone else's certificate answers exactly as a number that does not exist.
    other = signed_in(app, "other@example.org")
    instructor = signed_in(app, "teacher@example.org", Role.INSTRUCTOR)
    for client in (other, instructor):
        refused = client.get(url)
        assert refused.status_code == 404
        assert b"%PDF" not in refused.data
    assert other.get("/certificates/CK-2026-999999.pdf").status_code == 404
    anonymous = app.test_client().get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_a_stored_file_that_no_longer_matches_its_hash_is_not_served(app):
    owner = signed_in(app, "owner@example.org")
    certificate = issue(app, completed(app, "owner@example.org"))
    with app.app_context():
        db.session.execute(
            update(CertificateFile)
            .where(CertificateFile.certificate_id == certificate.id)
            .values(content=b"%PDF-1.7 tampered")
        )
        db.session.commit()
    response = owner.get(f"/certificates/{certificate.number}.pdf")
    assert response.status_code == 500
    assert b"tampered" not in response.data


def test_the_list_shows_each_certificate_and_its_standing(app):
    owner = signed_in(app, "owner@example.org")
    calf = issue(app, completed(app, "owner@example.org", "calf"))
    shin = issue(app, completed(app, "owner@example.org", "shin"))
    back = issue(app, completed(app, "owner@example.org", "back"))
    change(app, shin.id, revoke_certificate, "Attendance could not be confirmed")
    replacement = change(app, calf.id, reissue_certificate)
    with app.app_context():
        db.session.execute(
            update(Certificate)
            .where(Certificate.id == back.id)
            .values(expires_at=datetime.now(UTC) - timedelta(days=1))
        )
        db.session.commit()
    page = owner.get("/certificates").text
    for certificate in (calf, shin, back, replacement):
        assert certificate.number in page
        assert f"/certificates/{certificate.number}.pdf" in page
        assert f"/verify/{certificate.code}" in page
    assert "Revoked" in page and "Attendance could not be confirmed" in page
    assert f'Superseded <span class="muted">(replaced by {replacement.number})' in page
    assert "Expired" in page
    assert page.count('<span class="badge">Valid</span>') == 1  # the replacement
    # Open Badges credentials: for certificates whose status is valid (an expired one
    # carries its expiry inside), never for a revoked or superseded one.
    assert f"/certificates/{replacement.number}/badge.jwt" in page
    assert f"/certificates/{back.number}/badge.jwt" in page
    assert f"/certificates/{shin.number}/badge.jwt" not in page
    assert f"/certificates/{calf.number}/badge.jwt" not in page
    # Another learner sees none of them.
    assert calf.number not in signed_in(app, "other@example.org").get("/certificates").text


def test_the_dashboard_shows_certificates_and_completions_awaiting_one(app):
    owner = signed_in(app, "owner@example.org")
    certificate = issue(app, completed(app, "owner@example.org", "calf"))
    completed(app, "owner@example.org", "shin")  # awaiting the administrator's approval
    page = owner.get("/dashboard").text
    assert f'href="/certificates/{certificate.number}.pdf">{certificate.number}</a>' in page
    assert page.count("Awaiting approval") == 1
    data = owner.get("/dashboard", headers={"Accept": "application/json"}).json["enrolments"]
    by_module = {item["module_id"]: item for item in data}
    assert by_module["calf"]["certificate"] == {
        "number": certificate.number,
        "status": "valid",
        "replaced_by": None,
        "pdf_url": f"/certificates/{certificate.number}.pdf",
        "verify_url": f"/verify/{certificate.code}",
    }
    assert by_module["calf"]["certificate_pending"] is False
    assert by_module["shin"]["certificate"] is None
    assert by_module["shin"]["certificate_pending"] is True


def test_the_dashboard_reads_certificates_in_one_query_for_any_number(app):
    one = signed_in(app, "one@example.org")
    issue(app, completed(app, "one@example.org", "calf"))
    many = signed_in(app, "many@example.org")
    for module_id in ("calf", "shin", "back"):
        issue(app, completed(app, "many@example.org", module_id))
    one.get("/dashboard")  # warm this process's package cache
    many.get("/dashboard")
    assert len(queries_for(app, many, "/dashboard")) == len(queries_for(app, one, "/dashboard"))


def test_the_transcript_gives_the_valid_certificate_number(app):
    owner = signed_in(app, "owner@example.org")
    calf = issue(app, completed(app, "owner@example.org", "calf"))
    shin = issue(app, completed(app, "owner@example.org", "shin"))
    change(app, shin.id, revoke_certificate, "Attendance could not be confirmed")
    csv = owner.get("/transcript.csv?period=all").data.decode("utf-8-sig")
    rows = [line.split(",") for line in csv.strip().splitlines()[1:]]
    numbers = {row[1]: row[-1] for row in rows}
    assert numbers == {"calf": calf.number, "shin": ""}
    page = owner.get("/transcript?period=all").text
    assert calf.number in page and shin.number not in page
    assert page.count("Not issued yet") == 1
