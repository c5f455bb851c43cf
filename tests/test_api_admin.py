"""Administrator endpoints: the console page and the API do the same thing under the same
rules (users, certificates, the approval queue, the audit log), and bad input, other
roles and tokens without the admin scope change nothing."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from coursekit import db
from coursekit.accounts.models import Role
from coursekit.audit.models import AuditEntry
from coursekit.certificates.models import Certificate
from tests.api_helpers import bearer, error_code, make_token
from tests.certificate_records import certificate_settings, completed, issue
from tests.helpers import csrf_token, load_user, login, make_user
from tests.package_factory import write_package
from tests.report_records import version_id

API = "/api/v1/admin"


@pytest.fixture
def app(make_app, tmp_path) -> Flask:
    write_package(tmp_path, "calf")
    return make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"),
        COURSEKIT_PUBLISH_ON_START=True,
        **certificate_settings(provider={"issuing": "approval"}),
    )


@pytest.fixture
def admin_id(app) -> int:
    return make_user(app, "admin@example.org", Role.ADMIN, first_name="Ada", last_name="Admin")


@pytest.fixture
def token(app, admin_id) -> dict[str, str]:
    """An administrator's token with every scope."""
    return bearer(make_token(app, admin_id, "read", "write", "admin"))


@pytest.fixture
def page(app, admin_id):
    """The same administrator, signed in to the console."""
    client = app.test_client()
    login(client, "admin@example.org")
    return client


def post_form(client, page_url: str, action: str, **data):
    return client.post(action, data={"csrf_token": csrf_token(client, page_url), **data})


def audit(app, subject: str) -> list[tuple[str, str]]:
    with app.app_context():
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.subject == subject).order_by(AuditEntry.id)
        )
        return [(entry.action, entry.reason) for entry in entries]


def audit_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(AuditEntry.id)))


# Users -----------------------------------------------------------------------------


def test_the_user_list_pages_with_cursors_and_searches(app, client, token, admin_id):
    for name in ("Ann", "Bea", "Cal"):
        make_user(app, f"{name.lower()}@example.org", first_name=name)
    first = client.get(f"{API}/users?limit=2", headers=token)
    assert first.status_code == 200
    body = first.get_json()
    assert [item["email"] for item in body["items"]] == ["cal@example.org", "bea@example.org"]
    rest = client.get(f"{API}/users?limit=2&cursor={body['next_cursor']}", headers=token)
    assert [item["email"] for item in rest.get_json()["items"]] == [
        "ann@example.org",
        "admin@example.org",
    ]
    assert rest.get_json()["next_cursor"] is None
    found = client.get(f"{API}/users?q=BEA", headers=token).get_json()["items"]
    assert [item["email"] for item in found] == ["bea@example.org"]
    assert found[0]["roles"] == ["learner"] and found[0]["status"] == "active"


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("cursor=forged", 400, "invalid_cursor"),
        ("limit=0", 422, "invalid"),
        ("limit=many", 422, "invalid"),
        ("role=admin", 422, "invalid"),
    ],
)
def test_bad_list_parameters_are_refused(client, token, query, status, code):
    response = client.get(f"{API}/users?{query}", headers=token)
    assert response.status_code == status and error_code(response) == code


def test_a_cursor_from_another_list_is_refused(app, client, token):
    for name in ("Ann", "Bea"):
        make_user(app, f"{name.lower()}@example.org")
    cursor = client.get(f"{API}/users?limit=1", headers=token).get_json()["next_cursor"]
    response = client.get(f"{API}/audit?cursor={cursor}", headers=token)
    assert response.status_code == 400 and error_code(response) == "invalid_cursor"


def test_roles_changed_by_page_and_by_api_leave_the_same_record(app, client, token, page):
    by_page = make_user(app, "page@example.org")
    by_api = make_user(app, "api@example.org")
    reason = "Teaches the calf module"
    post_form(
        page,
        f"/admin/users/{by_page}",
        f"/admin/users/{by_page}/roles",
        instructor="y",
        reason=reason,
    )
    response = client.put(
        f"{API}/users/{by_api}/roles",
        json={"instructor": True, "admin": False, "reason": reason},
        headers=token,
    )
    assert response.status_code == 200
    assert response.get_json()["roles"] == ["instructor", "learner"]
    assert load_user(app, by_page).role_names == load_user(app, by_api).role_names
    assert (
        audit(app, f"user:{by_page}")
        == audit(app, f"user:{by_api}")
        == [("user.roles_changed", reason)]
    )


def test_disabling_and_enabling_follow_the_account_rules(app, client, token, admin_id):
    ann = make_user(app, "ann@example.org")
    disabled = client.post(f"{API}/users/{ann}/disable", json={"reason": "Left"}, headers=token)
    assert disabled.status_code == 200 and disabled.get_json()["status"] == "disabled"
    again = client.post(f"{API}/users/{ann}/disable", json={"reason": "Left"}, headers=token)
    assert again.status_code == 409 and error_code(again) == "account_change_refused"
    enabled = client.post(f"{API}/users/{ann}/enable", json={"reason": "Back"}, headers=token)
    assert enabled.get_json()["status"] == "active"
    assert [action for action, _ in audit(app, f"user:{ann}")] == [
        "user.disabled",
        "user.enabled",
    ]
    last_admin = client.post(
        f"{API}/users/{admin_id}/disable", json={"reason": "Oops"}, headers=token
    )
    assert (
        last_admin.status_code == 409
        and "last active administrator" in (last_admin.get_json()["error"]["message"])
    )
    assert load_user(app, admin_id).status == "active"


def test_a_legal_name_correction_runs_the_profile_rules(app, client, token):
    ann = make_user(app, "ann@example.org", first_name="Ann", last_name="Smith")
    url = f"{API}/users/{ann}/name"
    blank = client.put(
        url, json={"first_name": " ", "last_name": "Smyth", "reason": "ID"}, headers=token
    )
    assert blank.status_code == 422 and "first_name" in blank.get_json()["error"]["fields"]
    done = client.put(
        url, json={"first_name": "Ann", "last_name": "Smyth", "reason": "ID"}, headers=token
    )
    assert done.status_code == 200 and done.get_json()["last_name"] == "Smyth"
    record = client.get(f"{API}/users/{ann}", headers=token).get_json()
    assert record["user"]["last_name"] == "Smyth"
    assert record["history"][0]["action"] == "user.name_corrected"
    assert record["history"][0]["actor"]["email"] == "admin@example.org"


@pytest.mark.parametrize(
    "body",
    [
        {"instructor": "yes", "admin": False, "reason": "x"},
        {"instructor": True, "admin": False},
        {"instructor": True, "admin": False, "reason": "   "},
        {"instructor": True, "admin": False, "reason": "x", "email": "a@b.c"},
    ],
)
def test_bad_role_changes_change_nothing(app, client, token, body):
    ann = make_user(app, "ann@example.org")
    before = audit_count(app)
    response = client.put(f"{API}/users/{ann}/roles", json=body, headers=token)
    assert response.status_code == 422 and error_code(response) == "invalid"
    assert load_user(app, ann).role_names == {"learner"} and audit_count(app) == before


def test_unknown_accounts_are_404(client, token):
    for response in (
        client.get(f"{API}/users/999999", headers=token),
        client.post(f"{API}/users/999999/disable", json={"reason": "x"}, headers=token),
        client.put(
            f"{API}/users/999999/extra-time/calf",
            json={"minutes": 10, "reason": "x"},
            headers=token,
        ),
    ):
        assert response.status_code == 404 and error_code(response) == "not_found"


def test_tokens_without_the_admin_scope_and_other_roles_are_refused(app, client, admin_id):
    ann = make_user(app, "ann@example.org")
    no_scope = bearer(make_token(app, admin_id, "read", "write"))
    learner = bearer(make_token(app, ann, "read", "write"))
    for headers, status, code in (
        (no_scope, 403, "insufficient_scope"),
        (learner, 403, "forbidden"),  # the role is checked before the scope
        ({}, 401, "unauthorized"),
    ):
        response = client.post(f"{API}/users/{ann}/disable", json={"reason": "x"}, headers=headers)
        assert response.status_code == status and error_code(response) == code
    assert load_user(app, ann).status == "active"


# Certificates ----------------------------------------------------------------------


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


# The audit log ---------------------------------------------------------------------


def test_the_audit_log_filters_as_the_page_does(app, client, token, page):
    ann = make_user(app, "ann@example.org")
    client.post(f"{API}/users/{ann}/disable", json={"reason": "Left the practice"}, headers=token)
    response = client.get(f"{API}/audit?action=user.disabled&actor=ada", headers=token)
    entries = response.get_json()["items"]
    assert [(entry["action"], entry["subject"], entry["reason"]) for entry in entries] == [
        ("user.disabled", f"user:{ann}", "Left the practice")
    ]
    on_page = page.get("/admin/audit?action=user.disabled&actor=ada")
    assert on_page.status_code == 200 and "Left the practice" in on_page.text


@pytest.mark.parametrize(
    "query", ["start=2026-02-30", "start=2026-03-02&end=2026-03-01", "when=today"]
)
def test_a_bad_audit_filter_is_422(client, token, query):
    response = client.get(f"{API}/audit?{query}", headers=token)
    assert response.status_code == 422 and error_code(response) == "invalid"
