"""Uploads by API: the zip sent as multipart is checked whole as on the upload page,
published, submitted for approval, approved or rejected, withdrawn; refusals keep
nothing and another module's upload is a 404."""

from __future__ import annotations

import io

from flask import Flask
from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import Role
from coursekit.authoring.models import StagedUpload
from coursekit.packages.models import ModuleVersion
from tests.api_helpers import bearer, error_code, make_token
from tests.authoring_helpers import counts, instructor, packed, upload, zip_of
from tests.helpers import make_user

API = "/api/v1/teach/uploads"


def send(client, headers, data: bytes, filename: str = "calf.zip"):
    return client.post(
        API,
        data={"archive": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
        headers=headers,
    )


def token_of(app: Flask, user_id: int) -> dict[str, str]:
    return bearer(make_token(app, user_id, "read", "admin"))


def statuses(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(StagedUpload.status).order_by(StagedUpload.id)))


def test_upload_and_publish_by_api_as_by_page(app, client, tmp_path):
    teacher = token_of(app, instructor(app, client, "calf"))
    page = upload(client, packed(tmp_path / "page"))  # the page, signed in
    assert page.status_code == 302
    response = send(client, teacher, packed(tmp_path / "api", version="1.0.1"))
    assert response.status_code == 201
    detail = response.get_json()
    assert detail["upload"]["status"] == "staged" and detail["base_hash"] == ""
    assert [entry["action"] for entry in detail["history"]] == ["upload.staged"]
    upload_id = detail["upload"]["id"]
    published = client.post(
        f"{API}/{upload_id}/publish", json={"base_hash": "", "reason": "first"}, headers=teacher
    )
    assert published.status_code == 200
    assert published.get_json()["upload"]["status"] == "published"
    with app.app_context():
        assert db.session.scalar(select(ModuleVersion.version)) == "1.0.1"
    listed = client.get(API, headers=teacher).get_json()["items"]
    assert [row["upload"]["status"] for row in listed] == ["published", "staged"]


def test_an_invalid_package_is_422_with_the_report_and_keeps_nothing(app, client, tmp_path):
    teacher = token_of(app, instructor(app, client, "calf"))
    before = counts(app)
    response = send(client, teacher, zip_of([("module.yaml", b"id: [")]))
    assert response.status_code == 422 and error_code(response) == "invalid"
    assert response.get_json()["error"]["fields"]["archive"]  # the report's lines
    missing = client.post(API, data={}, content_type="multipart/form-data", headers=teacher)
    assert missing.status_code == 422
    # A part whose name does not parse (schemathesis found it a 500): the archive is
    # still read, and refused for what it is.
    nameless = (
        b'--b\r\nContent-Disposition: form-data; name="\\"\r\n\r\nnull\r\n'
        b'--b\r\nContent-Disposition: form-data; name="archive"; filename="a.zip"\r\n'
        b"Content-Type: application/zip\r\n\r\nstatus\r\n--b--\r\n"
    )
    odd = client.post(
        API, data=nameless, content_type="multipart/form-data; boundary=b", headers=teacher
    )
    assert odd.status_code == 422 and "archive" in odd.get_json()["error"]["fields"]
    assert counts(app) == before


def test_another_modules_upload_is_404_and_a_stranger_module_403(app, client, tmp_path):
    teacher = token_of(app, instructor(app, client, "calf"))
    other = token_of(app, make_user(app, "sam@example.org", Role.INSTRUCTOR))
    upload_id = send(client, teacher, packed(tmp_path / "a")).get_json()["upload"]["id"]
    for response in (
        client.get(f"{API}/{upload_id}", headers=other),
        client.post(f"{API}/{upload_id}/withdraw", json={}, headers=other),
    ):
        assert response.status_code == 404 and error_code(response) == "not_found"
    refused = send(client, other, packed(tmp_path / "b"))
    assert refused.status_code == 403
    assert statuses(app) == ["staged"]


def test_submit_then_approve_or_reject_when_the_provider_approves(make_app, tmp_path):
    app = make_app(COURSEKIT_MODULE_APPROVAL=True)
    client = app.test_client()
    teacher = token_of(app, instructor(app, client, "calf"))
    admin = bearer(
        make_token(app, make_user(app, "ada@example.org", Role.ADMIN), "read", "write", "admin")
    )
    first = send(client, teacher, packed(tmp_path / "a")).get_json()["upload"]["id"]
    refused = client.post(f"{API}/{first}/publish", json={"base_hash": ""}, headers=teacher)
    assert refused.status_code == 403 and statuses(app) == ["staged"]
    assert client.post(f"{API}/{first}/submit", headers=teacher).status_code == 200
    queue = client.get("/api/v1/admin/uploads", headers=admin).get_json()["items"]
    assert [row["upload"]["id"] for row in queue] == [first]
    blank = client.post(f"/api/v1/admin/uploads/{first}/reject", json={"reason": ""}, headers=admin)
    assert blank.status_code == 422 and statuses(app) == ["submitted"]
    approved = client.post(
        f"/api/v1/admin/uploads/{first}/approve", json={"base_hash": ""}, headers=admin
    )
    assert approved.status_code == 200 and statuses(app) == ["published"]
    again = client.post(
        f"/api/v1/admin/uploads/{first}/reject", json={"reason": "late"}, headers=admin
    )
    assert again.status_code == 409 and statuses(app) == ["published"]
