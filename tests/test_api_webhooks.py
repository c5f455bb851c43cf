"""Webhooks through the API: the console's actions (register, rotate, disable, enable,
send again) store and audit what the pages store; the secret is in the answer that makes
it and nowhere else; refused input, conflicts and callers without the admin role and
scope change nothing."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import Role
from coursekit.audit.models import AuditEntry
from coursekit.db import utcnow
from coursekit.webhooks.models import DeliveryState, EndpointState, WebhookDelivery, WebhookEndpoint
from coursekit.webhooks.operations import record_event
from tests.api_helpers import bearer, error_code, make_token
from tests.helpers import csrf_token, login, make_user, submit
from tests.webhook_records import failed_delivery

API = "/api/v1/webhooks"
PAGE = "/admin/webhooks"
URL = "https://crm.example.org/coursekit/events"
INPUT = {"url": URL, "description": "CRM", "events": ["module.enrolled", "certificate.issued"]}
_SECRET = re.compile(r"whsec_[A-Za-z0-9_-]{43}")


@pytest.fixture
def admin_id(app: Flask) -> int:
    return make_user(app, "admin@example.org", Role.ADMIN)


@pytest.fixture
def headers(app: Flask, admin_id: int) -> dict[str, str]:
    return bearer(make_token(app, admin_id, "read", "write", "admin"))


@pytest.fixture
def page(app: Flask, admin_id: int):
    """The administrator signed in to the console's pages."""
    client = app.test_client()
    login(client, "admin@example.org")
    return client


def stored(app: Flask) -> list[WebhookEndpoint]:
    with app.app_context():
        return list(db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))


def audit(app: Flask) -> list[tuple[str, str, int | None]]:
    """The webhook entries of the audit log (making tokens is audited too)."""
    with app.app_context():
        rows = db.session.execute(
            select(AuditEntry.action, AuditEntry.subject, AuditEntry.actor_id)
            .where(AuditEntry.action.startswith("webhook."))
            .order_by(AuditEntry.id)
        )
        return [tuple(row) for row in rows]


def register(client, headers) -> dict:
    response = client.post(API, json=INPUT, headers=headers)
    assert response.status_code == 201, response.text
    return response.json


def test_registering_stores_and_audits_what_the_page_does(app, client, headers, page, admin_id):
    assert submit(page, PAGE, INPUT).status_code == 201
    response = client.post(API, json=INPUT, headers=headers)
    assert response.status_code == 201 and response.headers["Cache-Control"] == "no-store"
    by_page, by_api = stored(app)
    assert response.json["secret"] == by_api.secret and _SECRET.fullmatch(by_api.secret)
    columns = ("url", "description", "events", "state", "created_by_id")
    assert [getattr(by_api, name) for name in columns] == [
        getattr(by_page, name) for name in columns
    ]
    assert [(action, actor) for action, _, actor in audit(app)] == [
        ("webhook.registered", admin_id),
        ("webhook.registered", admin_id),
    ]

    listed = client.get(API, headers=headers)
    detail = client.get(f"{API}/{by_api.id}", headers=headers)
    assert [item["url"] for item in listed.json["items"]] == [URL, URL]
    assert detail.json["url"] == URL and detail.json["recent_deliveries"] == []
    assert by_api.secret not in listed.text + detail.text, "never shown again"
    assert "secret" not in detail.json


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"url": "http://crm.example.org/in"}, "url"),
        ({"url": "https://10.0.0.7/in"}, "url"),
        ({"url": "https://169.254.169.254/latest"}, "url"),
        ({"url": "https://[::1]/in"}, "url"),
        ({"url": "https://admin:pw@crm.example.org/"}, "url"),
        ({"url": "https://crm.example.org/a\x07b"}, "url"),
        ({"url": ""}, "url"),
        ({"url": 7}, "url"),
        ({"events": []}, "events"),
        ({"events": ["module.enrolled", "user.deleted"]}, "events"),
        ({"events": "module.enrolled"}, "events"),
        ({"description": "x" * 201}, "description"),
        ({"description": "CRM\x07"}, "description"),
        ({"secret": "whsec_mine"}, "secret"),
    ],
)
def test_refused_input_names_its_field_and_changes_nothing(app, client, headers, change, field):
    response = client.post(API, json={**INPUT, **change}, headers=headers)
    assert response.status_code == 422 and error_code(response) == "invalid"
    assert field in response.json["error"]["fields"]
    assert stored(app) == [] and audit(app) == []


def test_a_body_that_is_not_json_is_refused(app, client, headers):
    response = client.post(API, data="url=https://crm.example.org/", headers=headers)
    assert response.status_code == 400 and error_code(response) == "not_json"
    assert stored(app) == []


def test_the_list_is_paged_in_the_pages_order(app, client, headers):
    ids = [register(client, headers)["id"] for _ in range(3)]
    client.post(f"{API}/{ids[0]}/disable", headers=headers)
    first = client.get(f"{API}?limit=2", headers=headers).json
    second = client.get(f"{API}?limit=2&cursor={first['next_cursor']}", headers=headers).json
    assert [item["id"] for item in first["items"] + second["items"]] == [ids[1], ids[2], ids[0]]
    assert second["next_cursor"] is None


def test_rotating_answers_the_new_secret_once(app, client, headers):
    registered = register(client, headers)
    response = client.post(f"{API}/{registered['id']}/rotate", headers=headers)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    (endpoint,) = stored(app)
    assert response.json["secret"] == endpoint.secret != registered["secret"]
    assert response.json["secret_rotated_at"] is not None
    assert audit(app)[-1][:2] == ("webhook.secret-rotated", f"webhook-endpoint:{endpoint.id}")
    assert endpoint.secret not in client.get(f"{API}/{endpoint.id}", headers=headers).text


def test_disable_and_enable_match_the_pages_and_refuse_the_same_state(app, client, headers, page):
    by_page = register(client, headers)["id"]
    by_api = register(client, headers)["id"]
    console = f"{PAGE}/{by_page}"
    assert submit(page, console, {}, f"{console}/disable").status_code == 302
    disabled = client.post(f"{API}/{by_api}/disable", headers=headers)
    assert disabled.status_code == 200 and disabled.json["state"] == EndpointState.DISABLED
    assert [endpoint.state for endpoint in stored(app)] == [EndpointState.DISABLED] * 2
    assert all(endpoint.disabled_at is not None for endpoint in stored(app))

    before = audit(app)
    again_page = page.post(f"{console}/disable", data={"csrf_token": csrf_token(page, console)})
    again_api = client.post(f"{API}/{by_api}/disable", headers=headers)
    assert again_page.status_code == again_api.status_code == 409
    assert error_code(again_api) == "conflict" and "already disabled" in again_api.text
    assert audit(app) == before

    assert submit(page, console, {}, f"{console}/enable").status_code == 302
    enabled = client.post(f"{API}/{by_api}/enable", headers=headers)
    assert enabled.status_code == 200 and enabled.json["disabled_at"] is None
    assert [endpoint.state for endpoint in stored(app)] == [EndpointState.ACTIVE] * 2
    assert [action for action, _, _ in audit(app)[2:]] == [
        "webhook.disabled",
        "webhook.disabled",
        "webhook.enabled",
        "webhook.enabled",
    ]
    assert client.post(f"{API}/{by_api}/enable", headers=headers).status_code == 409


def test_a_delivery_shows_its_tries_and_only_a_failed_one_is_sent_again(app, client, headers):
    endpoint_id = register(client, headers)["id"]
    with app.app_context():
        record_event("certificate.issued", lambda: {"certificate": {"id": 1}}, now=utcnow())
        db.session.commit()
    delivery_id = failed_delivery(app)
    url = f"{API}/deliveries/{delivery_id}"
    shown = client.get(url, headers=headers).json
    assert shown["endpoint_id"] == endpoint_id and shown["event"]["type"] == "certificate.issued"
    assert shown["payload"] == {"certificate": {"id": 1}}
    (attempt,) = shown["attempts"]
    assert attempt["status"] == 503 and "down for maintenance" in attempt["response"]
    summary = client.get(f"{API}/{endpoint_id}", headers=headers).json["recent_deliveries"]
    assert [(item["id"], item["last_status"]) for item in summary] == [(delivery_id, 503)]

    before = audit(app)
    refused = client.post(f"{url}/redeliver", headers=headers)
    assert refused.status_code == 409 and "Only a failed delivery" in refused.text
    assert audit(app) == before

    with app.app_context():
        db.session.get(WebhookDelivery, delivery_id).state = DeliveryState.FAILED
        db.session.commit()
    again = client.post(f"{url}/redeliver", headers=headers)
    assert again.status_code == 200
    assert (again.json["state"], again.json["tries"]) == (DeliveryState.PENDING, 0)
    assert len(again.json["attempts"]) == 1, "the tries so far stay"
    assert audit(app)[-1][:2] == ("webhook.redelivered", f"webhook-delivery:{delivery_id}")


@pytest.mark.parametrize("number", [999_999, 2**63])
@pytest.mark.parametrize(
    "path",
    ["/{}", "/{}/rotate", "/deliveries/{}", "/deliveries/{}/redeliver"],
)
def test_unknown_ids_are_not_found_by_the_api_or_the_pages(
    app, client, headers, page, number, path
):
    address = path.format(number)
    method = "GET" if address.endswith(str(number)) else "POST"
    response = client.open(API + address, method=method, headers=headers)
    assert response.status_code == 404 and error_code(response) == "not_found"
    # An id beyond the column (2**63) must not reach the database driver on either side.
    form = {"csrf_token": csrf_token(page, PAGE)} if method == "POST" else None
    assert page.open(PAGE + address, method=method, data=form).status_code == 404


@pytest.mark.parametrize(
    ("roles", "scopes", "code"),
    [
        ((), ("read", "write"), "forbidden"),
        ((Role.INSTRUCTOR,), ("read", "write", "admin"), "forbidden"),
        ((Role.ADMIN,), ("read",), "insufficient_scope"),
        ((Role.ADMIN,), ("read", "write"), "insufficient_scope"),
    ],
)
def test_callers_without_the_admin_role_and_scope_change_nothing(
    app, client, headers, roles, scopes, code
):
    endpoint_id = register(client, headers)["id"]
    before = (stored(app), audit(app))
    caller = bearer(make_token(app, make_user(app, "caller@example.org", *roles), *scopes))
    for method, path in [
        ("GET", API),
        ("POST", API),
        ("GET", f"{API}/{endpoint_id}"),
        ("POST", f"{API}/{endpoint_id}/rotate"),
        ("POST", f"{API}/{endpoint_id}/disable"),
    ]:
        response = client.open(path, method=method, json=INPUT, headers=caller)
        assert response.status_code == 403 and error_code(response) == code, (method, path)
    after_secret, after_audit = stored(app), audit(app)
    assert [e.secret for e in after_secret] == [e.secret for e in before[0]]
    assert [e.state for e in after_secret] == [e.state for e in before[0]]
    assert after_audit == before[1]
