"""The API's foundation: envelope, pagination, tokens (scope, expiry, revocation, last
use, rate limit), CSRF for sessions, and the OpenAPI document."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from openapi_spec_validator import validate
from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import Role, User
from coursekit.api.tokens.models import ApiToken
from coursekit.audit.models import AuditEntry
from coursekit.db import utcnow
from tests.api_helpers import bearer, error_code, make_token
from tests.helpers import csrf_token, login, make_user, submit
from tests.test_seminars import ROOT


@pytest.fixture
def app(make_app) -> Flask:
    return make_app(COURSEKIT_MODULES_PATH=str(ROOT / "modules"), COURSEKIT_PUBLISH_ON_START=True)


@pytest.fixture
def learner(app: Flask) -> int:
    return make_user(app, "mei@example.org")


def tokens(app: Flask) -> list[ApiToken]:
    with app.app_context():
        return list(db.session.scalars(select(ApiToken).order_by(ApiToken.id)))


def test_the_catalogue_pages_through_every_module_with_cursors(app, client):
    everything = client.get("/api/v1/modules?limit=100").get_json()
    assert everything["next_cursor"] is None
    seen, cursor = [], None
    while True:
        url = "/api/v1/modules?limit=1" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url).get_json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [item["id"] for item in everything["items"]] and len(seen) > 1


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("limit=0", 422, "invalid"),
        ("limit=101", 422, "invalid"),
        ("limit=ten", 422, "invalid"),
        ("colour=red", 422, "invalid"),
        ("cursor=forged", 400, "invalid_cursor"),
    ],
)
def test_bad_query_parameters_get_the_envelope(client, query, status, code):
    response = client.get(f"/api/v1/modules?{query}")
    assert response.status_code == status
    assert error_code(response) == code


def test_a_cursor_belongs_to_its_own_list(app, client, learner):
    cursor = client.get("/api/v1/modules?limit=1").get_json()["next_cursor"]
    assert cursor
    response = client.get(f"/api/v1/modules?limit=1&cursor={cursor}x")
    assert error_code(response) == "invalid_cursor"


def test_unknown_addresses_and_methods_get_the_envelope(client):
    missing = client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404 and error_code(missing) == "not_found"
    assert error_code(client.get("/api/v1/modules/no-such-module")) == "not_found"
    wrong = client.post("/api/v1/modules")
    assert wrong.status_code == 405 and error_code(wrong) == "method_not_allowed"
    assert "GET" in wrong.headers["Allow"]


def test_anonymous_callers_get_401_not_a_login_page(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401 and error_code(response) == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_token_signs_the_request_in_without_a_session(app, client, learner):
    token = make_token(app, learner, "read")
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 200
    assert response.get_json()["email"] == "mei@example.org"
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("header", ["Bearer ck_wrong", "Basic abc", "Bearer ", "ck_wrong"])
def test_bad_tokens_are_refused(client, header):
    response = client.get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401 and error_code(response) == "invalid_token"


def test_expired_revoked_and_disabled_tokens_are_refused(app, client, learner):
    expired = make_token(app, learner, "read")
    revoked = make_token(app, learner, "read")
    with app.app_context():
        rows = db.session.scalars(select(ApiToken).order_by(ApiToken.id)).all()
        rows[0].expires_at = utcnow() - timedelta(seconds=1)
        rows[1].revoked_at = utcnow()
        db.session.commit()
    for token in (expired, revoked):
        assert error_code(client.get("/api/v1/me", headers=bearer(token))) == "invalid_token"
    live = make_token(app, learner, "read")
    with app.app_context():
        db.session.get(User, learner).status = "disabled"
        db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(live)).status_code == 401


def test_a_token_beyond_its_scope_is_refused_and_changes_nothing(app, client, learner):
    reader = make_token(app, learner, "read")
    body = {"first_name": "Changed", "last_name": "Name", "nccaom_id": None}
    response = client.put("/api/v1/me", json=body, headers=bearer(reader))
    assert response.status_code == 403 and error_code(response) == "insufficient_scope"
    writer = make_token(app, learner, "write")
    assert client.get("/api/v1/me", headers=bearer(writer)).status_code == 403
    with app.app_context():
        assert db.session.get(User, learner).first_name == "Test"
    assert client.put("/api/v1/me", json=body, headers=bearer(writer)).status_code == 200


def test_token_writes_need_no_csrf_but_session_writes_do(app, client, learner):
    body = {"first_name": "Mei", "last_name": "Lindqvist", "nccaom_id": "12345"}
    login(client, "mei@example.org")
    refused = client.put("/api/v1/me", json=body)
    assert refused.status_code == 400 and error_code(refused) == "csrf_failed"
    token = csrf_token(client, "/account")
    assert client.put("/api/v1/me", json=body, headers={"X-CSRFToken": token}).status_code == 200


@pytest.mark.parametrize(
    ("send", "status", "code"),
    [
        ({"data": "{not json", "content_type": "application/json"}, 400, "malformed_json"),
        ({"data": "first_name=A", "content_type": "text/plain"}, 400, "not_json"),
        ({"json": ["a list"]}, 422, "invalid"),
        ({"json": {"first_name": 5, "last_name": "X", "nccaom_id": None}}, 422, "invalid"),
        (
            {"json": {"first_name": "A", "last_name": "B", "nccaom_id": None, "x": 1}},
            422,
            "invalid",
        ),
        ({"json": {"first_name": "", "last_name": "B", "nccaom_id": "012"}}, 422, "invalid"),
    ],
)
def test_bad_bodies_are_refused_and_change_nothing(app, client, learner, send, status, code):
    token = make_token(app, learner)
    response = client.put("/api/v1/me", headers=bearer(token), **send)
    assert response.status_code == status and error_code(response) == code
    with app.app_context():
        user = db.session.get(User, learner)
        assert (user.first_name, user.nccaom_id) == ("Test", None)


def test_unknown_field_is_named_in_the_envelope(app, client, learner):
    body = {"first_name": "A", "last_name": "B", "nccaom_id": None, "colour": "red"}
    response = client.put("/api/v1/me", json=body, headers=bearer(make_token(app, learner)))
    assert "colour" in response.get_json()["error"]["fields"]


def test_last_used_is_written_at_most_once_a_minute(app, client, learner):
    token = make_token(app, learner, "read")
    client.get("/api/v1/me", headers=bearer(token))
    first = tokens(app)[0].last_used_at
    assert first is not None
    client.get("/api/v1/me", headers=bearer(token))
    assert tokens(app)[0].last_used_at == first
    with app.app_context():
        db.session.get(ApiToken, tokens(app)[0].id).last_used_at = first - timedelta(minutes=2)
        db.session.commit()
    client.get("/api/v1/me", headers=bearer(token))
    assert tokens(app)[0].last_used_at > first


def test_each_token_has_its_own_rate_limit(make_app, learner):
    app = make_app(COURSEKIT_API_LIMIT="3 per minute")
    client = app.test_client()
    first, second = make_token(app, learner, "read"), make_token(app, learner, "read")
    statuses = [client.get("/api/v1/me", headers=bearer(first)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/me", headers=bearer(first))
    assert error_code(refused) == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert client.get("/api/v1/me", headers=bearer(second)).status_code == 200


def test_a_learner_creates_sees_once_and_revokes_a_personal_token(app, client, learner):
    login(client, "mei@example.org")
    created = submit(
        client,
        "/account/tokens",
        {"name": "my laptop", "scope_read": "y", "expires_days": "30"},
    )
    assert created.status_code == 201 and created.headers["Cache-Control"] == "no-store"
    secret = created.text.split('<code class="token">')[1].split("</code>")[0]
    [row] = tokens(app)
    assert secret not in str(vars(row)) and row.prefix == secret[:10]
    assert row.scopes == ["read"] and row.kind == "personal"
    assert secret not in client.get("/account/tokens").text
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    submit(client, "/account/tokens", {}, action=f"/account/tokens/{row.id}/revoke")
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401
    with app.app_context():
        actions = db.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.action.startswith("api_token."))
            .order_by(AuditEntry.id)
        ).all()
    assert actions == ["api_token.created", "api_token.revoked"]


def test_a_learner_may_not_give_a_token_the_admin_scope(app, client, learner):
    login(client, "mei@example.org")
    refused = submit(client, "/account/tokens", {"name": "x", "scope_admin": "y"})
    assert refused.status_code == 422 and not tokens(app)


def test_nobody_revokes_another_persons_token(app, client, learner):
    other = make_user(app, "other@example.org")
    make_token(app, other, "read")
    login(client, "mei@example.org")
    token_id = tokens(app)[0].id
    response = submit(client, "/account/tokens", {}, action=f"/account/tokens/{token_id}/revoke")
    assert response.status_code == 404 and tokens(app)[0].revoked_at is None


def test_admins_create_integration_tokens(app, client):
    make_user(app, "admin@example.org", Role.ADMIN)
    login(client, "admin@example.org")
    created = submit(
        client,
        "/admin/integration-tokens",
        {"name": "CRM", "scope_read": "y", "scope_admin": "y", "expires_days": "0"},
    )
    assert created.status_code == 201
    [row] = tokens(app)
    assert row.kind == "integration" and row.expires_at is None
    assert "CRM" in client.get("/admin/integration-tokens").text


def test_the_openapi_document_validates_and_the_docs_page_renders_it(client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert {"/modules", "/modules/{module_id}", "/me"} <= set(document["paths"])
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and "GET /modules" in page.text
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


def test_licences_by_api_and_another_persons_licence_is_not_found(app, client, learner):
    token = bearer(make_token(app, learner))
    added = client.post("/api/v1/me/licences", json={"state": "CA", "number": "AC1"}, headers=token)
    assert added.status_code == 201 and added.get_json()["state"] == "CA"
    twice = client.post("/api/v1/me/licences", json={"state": "ca", "number": "AC2"}, headers=token)
    assert twice.status_code == 422 and "state" in twice.get_json()["error"]["fields"]
    other = bearer(make_token(app, make_user(app, "other@example.org")))
    licence_id = added.get_json()["id"]
    stolen = client.delete(f"/api/v1/me/licences/{licence_id}", headers=other)
    assert stolen.status_code == 404 and error_code(stolen) == "not_found"
    assert [
        item["id"] for item in client.get("/api/v1/me", headers=token).get_json()["licences"]
    ] == [licence_id]
    removed = client.delete(f"/api/v1/me/licences/{licence_id}", headers=token)
    assert removed.status_code == 200 and removed.get_json()["licences"] == []
