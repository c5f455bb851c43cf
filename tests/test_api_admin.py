"""Administrator endpoints for users and the audit log: the console page and the API do
the same thing under the same rules, and bad input, other roles and tokens without the
admin scope change nothing (certificates: test_api_admin_certificates.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from coursekit import db
from coursekit.audit.models import AuditEntry
from tests.api_helpers import bearer, error_code, make_token
from tests.api_staff_fixtures import (  # noqa: F401  (fixtures, known by their names)
    API,
    admin_id_fixture,
    app_fixture,
    page_fixture,
    post_form,
    token_fixture,
)
from tests.helpers import load_user, make_user


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
