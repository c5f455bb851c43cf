"""The Webhooks section of the administrator console: registering an endpoint shows its
secret once; refused input changes nothing; rotate, disable, enable and send again are
audited state changes; only administrators get in."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import Role
from coursekit.audit.models import AuditEntry
from coursekit.db import utcnow
from coursekit.webhooks.models import DeliveryState, EndpointState, WebhookDelivery, WebhookEndpoint
from coursekit.webhooks.operations import record_event
from tests.helpers import csrf_token, login, make_user, submit
from tests.webhook_records import failed_delivery

PAGE = "/admin/webhooks"
URL = "https://crm.example.org/coursekit/events"
_SECRET = re.compile(r"whsec_[A-Za-z0-9_-]{43}")


@pytest.fixture
def admin(app):
    make_user(app, "admin@example.org", Role.ADMIN)
    client = app.test_client()
    login(client, "admin@example.org")
    return client


def endpoints(app) -> list[WebhookEndpoint]:
    with app.app_context():
        return list(db.session.scalars(select(WebhookEndpoint)))


def actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def register(admin, **data):
    form = {"url": URL, "description": "CRM", "events": ["module.enrolled", "certificate.issued"]}
    return submit(admin, PAGE, {**form, **data})


def test_registering_shows_the_secret_once_and_stores_the_choice(app, admin):
    response = register(admin)
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    (secret,) = set(_SECRET.findall(response.text))
    (endpoint,) = endpoints(app)
    assert endpoint.secret == secret and endpoint.url == URL
    assert endpoint.events == ["module.enrolled", "certificate.issued"]
    assert endpoint.state == EndpointState.ACTIVE
    assert actions(app) == ["webhook.registered"]

    listed = admin.get(PAGE)
    detail = admin.get(f"{PAGE}/{endpoint.id}")
    assert URL in listed.text and URL in detail.text
    assert secret not in listed.text + detail.text, "never shown again"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"url": "http://crm.example.org/in"}, "Use https"),
        ({"url": "https://10.0.0.7/in"}, "private, loopback or reserved"),
        ({"url": "https://169.254.169.254/latest"}, "private, loopback or reserved"),
        ({"url": "https://admin:pw@crm.example.org/"}, "user name and password"),
        ({"url": ""}, "Give the receiver"),
        ({"events": []}, "Choose at least one event"),
        ({"events": ["module.enrolled", "user.deleted"]}, "not a valid choice"),
    ],
)
def test_refused_input_is_explained_and_changes_nothing(app, admin, data, message):
    response = register(admin, **data)
    assert response.status_code == 422
    assert message in response.text
    assert endpoints(app) == [] and actions(app) == []


def test_forms_without_the_csrf_token_are_refused(app, admin):
    response = admin.post(PAGE, data={"url": URL, "events": ["module.enrolled"]})
    assert response.status_code == 400 and endpoints(app) == []


def test_rotating_gives_a_new_secret_shown_once(app, admin):
    register(admin)
    (endpoint,) = endpoints(app)
    page = f"{PAGE}/{endpoint.id}"
    response = submit(admin, page, {}, f"{page}/rotate")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    (secret,) = set(_SECRET.findall(response.text))
    (rotated,) = endpoints(app)
    assert rotated.secret == secret != endpoint.secret
    assert rotated.secret_rotated_at is not None
    assert actions(app)[-1] == "webhook.secret-rotated"


def test_a_disabled_endpoint_gets_no_new_events_until_enabled(app, admin):
    register(admin)
    (endpoint,) = endpoints(app)
    page = f"{PAGE}/{endpoint.id}"
    assert submit(admin, page, {}, f"{page}/disable").status_code == 302
    assert endpoints(app)[0].state == EndpointState.DISABLED
    again = admin.post(f"{page}/disable", data={"csrf_token": csrf_token(admin, page)})
    assert again.status_code == 409 and "already disabled" in again.text
    with app.app_context():
        assert record_event("module.enrolled", dict, now=utcnow()) is None
        db.session.commit()

    assert submit(admin, page, {}, f"{page}/enable").status_code == 302
    with app.app_context():
        assert record_event("module.enrolled", dict, now=utcnow()) is not None
        db.session.commit()
    assert actions(app) == ["webhook.registered", "webhook.disabled", "webhook.enabled"]
    assert endpoints(app)[0].disabled_at is None


def test_a_failed_delivery_can_be_sent_again_once(app, admin):
    register(admin)
    with app.app_context():
        record_event("certificate.issued", lambda: {"certificate": {"id": 1}}, now=utcnow())
        db.session.commit()
    delivery_id = failed_delivery(app)
    page = f"{PAGE}/deliveries/{delivery_id}"
    shown = admin.get(page)
    assert "HTTP 503" in shown.text and "down for maintenance" in shown.text
    assert "Send again" not in shown.text, "still pending: tried again by itself"
    refused = admin.post(f"{page}/redeliver", data={"csrf_token": csrf_token(admin, page)})
    assert refused.status_code == 409 and "Only a failed delivery" in refused.text

    with app.app_context():
        db.session.get(WebhookDelivery, delivery_id).state = DeliveryState.FAILED
        db.session.commit()
    assert submit(admin, page, {}, f"{page}/redeliver").status_code == 302
    with app.app_context():
        delivery = db.session.get(WebhookDelivery, delivery_id)
        assert delivery.state == DeliveryState.PENDING and delivery.tries == 0
    assert actions(app)[-1] == "webhook.redelivered"


def test_only_administrators_get_in(app):
    make_user(app, "learner@example.org")
    client = app.test_client()
    login(client, "learner@example.org")
    assert client.get(PAGE).status_code == 403
    assert app.test_client().get(PAGE).status_code == 302
