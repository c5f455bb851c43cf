"""Certificate administration pages: the approval queue, search, one certificate's page
(revoke, reissue, lineage, history), the module zip, and who may use them."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile

import pytest
from sqlalchemy import func, select

from coursekit import db
from coursekit.accounts.models import Role
from coursekit.audit.models import AuditEntry
from coursekit.certificates.codes import grouped
from coursekit.certificates.models import Certificate, CertificateFile
from tests.certificate_records import certificate_settings, completed, issue
from tests.helpers import csrf_token, login, make_user
from tests.package_factory import write_package
from tests.report_records import version_id

QUEUE = "/admin/certificates/queue"


@pytest.fixture
def app(make_app, tmp_path):
    write_package(tmp_path, "calf")
    return make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"),
        COURSEKIT_PUBLISH_ON_START=True,
        **certificate_settings(provider={"issuing": "approval"}),
    )


@pytest.fixture
def admin(app, client):
    user_id = make_user(app, "admin@example.org", Role.ADMIN, first_name="Ada", last_name="Admin")
    login(client, "admin@example.org")
    client.user_id = user_id
    return client


def certificates(app) -> list[Certificate]:
    with app.app_context():
        return list(db.session.scalars(select(Certificate).order_by(Certificate.id)))


def actions(app, certificate_id: int) -> list[tuple[str, int | None, str]]:
    with app.app_context():
        entries = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.subject == f"certificate:{certificate_id}")
            .order_by(AuditEntry.id)
        )
        return [(entry.action, entry.actor_id, entry.reason) for entry in entries]


def post(client, url: str, **data):
    return client.post(url, data={"csrf_token": csrf_token(client, QUEUE), **data})


def test_the_queue_lists_waiting_completions_and_approves_the_selected(app, admin):
    zoe = completed(app, "zoe@example.org", first_name="Zoë", last_name="Ørsted")
    bob = completed(app, "bob@example.org", first_name="Bob", last_name="Brown")
    page = admin.get(QUEUE).text
    assert "Zoë Ørsted" in page and "Bob Brown" in page and "2026-11-03" in page
    response = post(admin, "/admin/certificates/queue/approve", completion=[str(zoe)])
    assert response.status_code == 302
    (certificate,) = certificates(app)
    assert certificate.completion_id == zoe and certificate.issued_by_id == admin.user_id
    assert actions(app, certificate.id)[0][:2] == ("certificate.issued", admin.user_id)
    page = admin.get(QUEUE).text
    assert "1 certificate issued." in page
    assert "Zoë Ørsted" not in page and "Bob Brown" in page
    assert f'value="{bob}"' in page


def test_approving_reports_each_failure_and_still_issues_the_others(app, admin):
    first = completed(app, "a@example.org")
    second = completed(app, "b@example.org", last_name="Second")
    issue(app, first)
    response = post(
        admin, "/admin/certificates/queue/approve", completion=[str(first), str(second), "999999"]
    )
    assert response.status_code == 302
    page = admin.get(QUEUE).text
    assert "1 certificate issued." in page
    assert "Test A (calf 1.0.0): The learner already holds a valid certificate" in page
    assert "There is no completion 999999." in page
    assert len(certificates(app)) == 2


@pytest.mark.parametrize(("completion", "status"), [("already", 409), ("999999", 404)])
def test_an_approval_that_issues_nothing_answers_with_the_refusal(app, admin, completion, status):
    done = completed(app, "a@example.org")
    issue(app, done)
    value = str(done) if completion == "already" else completion
    response = post(admin, "/admin/certificates/queue/approve", completion=[value])
    assert response.status_code == status
    assert len(certificates(app)) == 1


def test_issue_all_issues_every_waiting_completion_of_the_version(app, admin):
    for n in range(3):
        completed(app, f"l{n}@example.org")
    module_version = version_id(app, "calf", "1.0.0")
    assert "Issue all 3" in admin.get(QUEUE).text
    response = post(admin, "/admin/certificates/queue/issue-all", module_version_id=module_version)
    assert response.status_code == 302
    assert [c.number for c in certificates(app)] == [f"CK-2026-00000{n}" for n in (1, 2, 3)]
    assert "No completions are waiting" in admin.get(QUEUE).text
    response = post(admin, "/admin/certificates/queue/issue-all", module_version_id=999999)
    assert response.status_code == 404


def test_revoke_needs_a_reason_and_happens_once(app, admin):
    certificate = issue(app, completed(app, "a@example.org"))
    url = f"/admin/certificates/{certificate.number}/revoke"
    assert post(admin, url, reason=" ").status_code == 422
    assert certificates(app)[0].status == "valid"
    response = post(admin, url, reason="Attendance could not be confirmed")
    assert response.status_code == 302
    revoked = certificates(app)[0]
    assert revoked.status == "revoked" and revoked.revoked_at is not None
    again = post(admin, url, reason="Another reason")
    assert again.status_code == 409
    assert f"Certificate {certificate.number} is already revoked." in again.text
    after = certificates(app)[0]
    assert after.revoked_reason == "Attendance could not be confirmed"
    assert after.revoked_at == revoked.revoked_at
    assert [a[0] for a in actions(app, certificate.id)] == [
        "certificate.issued",
        "certificate.revoked",
    ]


def test_reissue_supersedes_and_links_both_ways(app, admin):
    old = issue(app, completed(app, "a@example.org"))
    url = f"/admin/certificates/{old.number}/reissue"
    assert post(admin, url, reason="").status_code == 422
    response = post(admin, url, reason="Legal name corrected")
    assert response.status_code == 302
    first, second = certificates(app)
    assert first.status == "superseded" and second.status == "valid"
    assert second.replaces_id == first.id and second.number == "CK-2026-000002"
    assert response.headers["Location"].endswith(f"/admin/certificates/{second.number}")
    old_page = admin.get(f"/admin/certificates/{first.number}").text
    assert "Replaced by" in old_page and second.number in old_page
    assert "certificate.replaced" in old_page and "Legal name corrected" in old_page
    assert "Ada Admin" in old_page
    new_page = admin.get(f"/admin/certificates/{second.number}").text
    assert "Replaces" in new_page and "certificate.reissued" in new_page
    refused = post(admin, url, reason="Again")
    assert refused.status_code == 409
    assert "reissue its replacement instead" in refused.text
    assert len(certificates(app)) == 2


def test_a_revoked_certificate_can_be_reissued_and_stays_revoked(app, admin):
    old = issue(app, completed(app, "a@example.org"))
    post(admin, f"/admin/certificates/{old.number}/revoke", reason="Wrong module version")
    response = post(admin, f"/admin/certificates/{old.number}/reissue", reason="Corrected")
    assert response.status_code == 302
    assert [c.status for c in certificates(app)] == ["revoked", "valid"]


def test_the_page_shows_every_snapshot_field(app, admin):
    completion = completed(
        app, "zoe@example.org", first_name="Zoë", last_name="Ørsted", licences={"CA": "AC 123"}
    )
    certificate = issue(app, completion)
    page = admin.get(f"/admin/certificates/{certificate.number.lower()}").text
    fields = certificate.fields
    for text in (
        "Zoë Ørsted",
        "12345",
        "California AC 123",
        fields["module"]["title"],
        fields["module"]["content_hash"],
        "PDA-000-001",
        "AOM-AC 1.5",
        "Blue Heron Acupuncture Seminars",
        "CEP-1234",
        "Dr. Mei-Ling Okonkwo",
        "Director of Education",
        "2026-11-03",
        "90.0 %",
        grouped(certificate.code),
        "valid",
    ):
        assert text in page, text
    link = f'href="/certificates/{certificate.number}.pdf"'
    assert link in page  # the stored file, through the learners' download endpoint
    download = admin.get(f"/certificates/{certificate.number}.pdf")
    assert download.status_code == 200
    with app.app_context():
        stored = db.session.get_one(CertificateFile, certificate.id)
        assert download.data == stored.content and stored.sha256 in page
    assert admin.get("/admin/certificates/CK-2026-999999").status_code == 404


def test_search_by_number_code_name_and_email(app, admin):
    zoe = issue(app, completed(app, "zoe@example.org", first_name="Zoë", last_name="Ørsted"))
    bob = issue(app, completed(app, "bob@example.org", first_name="Bob", last_name="Brown"))
    typed_code = " ".join(grouped(bob.code).lower().split("-"))
    for query, expected in [
        (zoe.number.lower(), {zoe.number}),
        (typed_code, {bob.number}),
        ("Ørsted", {zoe.number}),
        ("zoë ø", {zoe.number}),
        ("ZOË ØRSTED", {zoe.number}),
        ("BOB@EXAMPLE", {bob.number}),
        ("", {zoe.number, bob.number}),
        ("nobody", set()),
    ]:
        page = admin.get("/admin/certificates", query_string={"q": query}).text
        found = {number for number in (zoe.number, bob.number) if number in page}
        assert found == expected, query


def test_the_module_zip_holds_every_stored_pdf_and_an_index(app, admin):
    first = issue(app, completed(app, "a@example.org", first_name="=HYPERLINK(1)"))
    issue(app, completed(app, "b@example.org"))
    post(admin, f"/admin/certificates/{first.number}/reissue", reason="Name corrected")
    response = admin.get("/admin/certificates/calf.zip")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert sorted(archive.namelist()) == [
        "CK-2026-000001-superseded.pdf",
        "CK-2026-000002-valid.pdf",
        "CK-2026-000003-valid.pdf",
        "certificates.csv",
    ]
    rows = list(csv.DictReader(io.StringIO(archive.read("certificates.csv").decode())))
    assert [row["number"] for row in rows] == [f"CK-2026-00000{n}" for n in (1, 2, 3)]
    assert rows[0]["learner"].startswith("'=HYPERLINK(1)")  # inert in a spreadsheet
    assert rows[0]["status"] == "superseded" and rows[0]["version"] == "1.0.0"
    for row in rows:
        pdf = archive.read(f"{row['number']}-{row['status']}.pdf")
        assert pdf.startswith(b"%PDF")
        assert hashlib.sha256(pdf).hexdigest() == row["sha256"]
    assert admin.get("/admin/certificates/calf.zip?version=1.0.0").status_code == 200
    assert admin.get("/admin/certificates/calf.zip?version=9.9.9").status_code == 404
    assert admin.get("/admin/certificates/nothing.zip").status_code == 404


@pytest.mark.parametrize("role", [(), (Role.INSTRUCTOR,)])
def test_learners_and_instructors_are_refused(app, client, role):
    certificate = issue(app, completed(app, "a@example.org"))
    waiting = completed(app, "b@example.org")
    make_user(app, "someone@example.org", *role)
    login(client, "someone@example.org")
    for url in (
        "/admin/certificates",
        QUEUE,
        f"/admin/certificates/{certificate.number}",
        "/admin/certificates/calf.zip",
    ):
        assert client.get(url).status_code == 403, url
    token = csrf_token(client, "/account")
    for url, data in (
        ("/admin/certificates/queue/approve", {"completion": str(waiting)}),
        (f"/admin/certificates/{certificate.number}/revoke", {"reason": "x"}),
        (f"/admin/certificates/{certificate.number}/reissue", {"reason": "x"}),
    ):
        assert client.post(url, data={"csrf_token": token, **data}).status_code == 403, url
    with app.app_context():
        assert db.session.scalar(select(func.count(Certificate.id))) == 1
    assert certificates(app)[0].status == "valid"
