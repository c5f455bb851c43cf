"""Certificate administration by API: revoke, reissue, the approval queue and issue all
reach the same records as the console pages, with the certificate's audit trail, and
bad input changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coursekit import db
from coursekit.certificates.models import Certificate
from tests.api_helpers import error_code
from tests.api_staff_fixtures import (  # noqa: F401  (fixtures, known by their names)
    API,
    admin_id_fixture,
    app_fixture,
    page_fixture,
    post_form,
    token_fixture,
)
from tests.certificate_records import completed, issue
from tests.report_records import version_id


def certificate(app, number: str) -> Certificate:
    with app.app_context():
        return db.session.scalar(select(Certificate).where(Certificate.number == number))


def test_revoking_by_page_and_by_api_leave_the_same_record(app, client, token, page):
    by_page = issue(app, completed(app, "ann@example.org")).number
    by_api = issue(app, completed(app, "bea@example.org")).number
    reason = "Attendance could not be confirmed"
    post_form(
        page,
        f"/admin/certificates/{by_page}",
        f"/admin/certificates/{by_page}/revoke",
        reason=reason,
    )
    response = client.post(
        f"{API}/certificates/{by_api}/revoke", json={"reason": reason}, headers=token
    )
    assert response.status_code == 200
    shown = response.get_json()
    assert shown["status"] == "revoked" and shown["revoked_reason"] == reason
    assert [entry["action"] for entry in shown["audit_trail"]] == [
        "certificate.issued",
        "certificate.revoked",
    ]
    assert shown["audit_trail"][-1]["actor"]["email"] == "admin@example.org"
    one, other = certificate(app, by_page), certificate(app, by_api)
    assert (one.status, one.revoked_reason) == (other.status, other.revoked_reason)
    again = client.post(
        f"{API}/certificates/{by_api}/revoke", json={"reason": reason}, headers=token
    )
    assert again.status_code == 409 and error_code(again) == "certificate_refused"


def test_reissue_answers_the_replacement_with_its_lineage(app, client, token):
    number = issue(app, completed(app, "ann@example.org")).number
    response = client.post(
        f"{API}/certificates/{number}/reissue", json={"reason": "Name corrected"}, headers=token
    )
    assert response.status_code == 201
    replacement = response.get_json()
    assert replacement["replaces"] == number and replacement["status"] == "valid"
    old = client.get(f"{API}/certificates/{number}", headers=token).get_json()
    assert old["status"] == "superseded" and old["replaced_by"] == replacement["number"]


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": 5}, {"reason": "x", "at": 1}])
def test_bad_revocations_change_nothing(app, client, token, body):
    number = issue(app, completed(app, "ann@example.org")).number
    response = client.post(f"{API}/certificates/{number}/revoke", json=body, headers=token)
    assert response.status_code == 422 and error_code(response) == "invalid"
    assert certificate(app, number).status == "valid"
    missing = client.post(
        f"{API}/certificates/CK-1999-000001/revoke", json={"reason": "x"}, headers=token
    )
    assert missing.status_code == 404


def test_approving_by_page_and_by_api_issue_the_same_way(app, client, token, page):
    by_page = completed(app, "ann@example.org")
    by_api = completed(app, "bea@example.org")
    queue = "/admin/certificates/queue"
    post_form(page, queue, f"{queue}/approve", completion=str(by_page))
    waiting = client.get(f"{API}/completions", headers=token).get_json()["items"]
    assert [item["completion_id"] for item in waiting] == [by_api]
    response = client.post(
        f"{API}/completions/approve", json={"completion_ids": [by_api]}, headers=token
    )
    assert response.status_code == 200 and len(response.get_json()["issued"]) == 1
    with app.app_context():
        issued = db.session.execute(
            select(Certificate.completion_id, Certificate.status).order_by(Certificate.id)
        ).all()
    assert issued == [(by_page, "valid"), (by_api, "valid")]
    again = client.post(
        f"{API}/completions/approve", json={"completion_ids": [by_api]}, headers=token
    )
    assert again.status_code == 409


def test_issue_all_issues_the_versions_waiting_completions(app, client, token):
    completed(app, "ann@example.org")
    completed(app, "bea@example.org")
    version = version_id(app, "calf", "1.0.0")
    response = client.post(
        f"{API}/completions/issue-all", json={"module_version_id": version}, headers=token
    )
    assert response.status_code == 200 and len(response.get_json()["issued"]) == 2
    unknown = client.post(
        f"{API}/completions/issue-all", json={"module_version_id": 999999}, headers=token
    )
    assert unknown.status_code == 404
