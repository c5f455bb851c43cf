"""Webhook test set-up: an app whose learner can complete a module (so every event type
happens through the real pages and operations), endpoints registered through the real
operation, and the deliverer run in-process or as the command a provider runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from coursekit import db
from coursekit.accounts.queries import user_by_email
from coursekit.certificates.models import Certificate
from coursekit.certificates.operations import reissue_certificate, revoke_certificate
from coursekit.db import utcnow
from coursekit.webhooks.delivery import DeliverySettings
from coursekit.webhooks.events import EVENT_TYPES
from coursekit.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from coursekit.webhooks.operations import claim_due, record_try, register_endpoint
from tests.certificate_records import certificate_settings
from tests.helpers import make_user
from tests.package_factory import write_completable_module

ROOT = Path(__file__).resolve().parent.parent
WEBHOOK_SETTINGS = {"COURSEKIT_WEBHOOK_ALLOW_PRIVATE_ADDRESSES": True}
JOURNEY = Counter(
    {
        "module.enrolled": 1,
        "lesson.completed": 2,
        "attempt.submitted": 1,
        "module.completed": 1,
        "certificate.issued": 1,
    }
)
"""The events of ``complete_the_module``: what the learner's journey changes."""


def webhook_app(make_app, tmp_path, **settings) -> Flask:
    write_completable_module(tmp_path)
    return make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"),
        COURSEKIT_PUBLISH_ON_START=True,
        COURSEKIT_HEARTBEAT_LIMIT="1000 per minute",
        **certificate_settings(provider={"issuing": "automatic"}),
        **{**WEBHOOK_SETTINGS, **settings},
    )


def register(app: Flask, url: str, events=None) -> str:
    """Register an endpoint for ``events`` (default: every one); returns its secret."""
    with app.app_context():
        endpoint = register_endpoint(
            url,
            list(events or EVENT_TYPES),
            description="test receiver",
            actor=None,
            allow_private=True,
            now=utcnow(),
        )
        db.session.commit()
        return endpoint.secret


def revoke_and_reissue(app: Flask) -> None:
    """An administrator revokes the learner's certificate, then reissues it."""
    make_user(app, "registrar@example.org")
    with app.app_context():
        admin = user_by_email("registrar@example.org")
        certificate = db.session.scalars(select(Certificate)).one()
        revoke_certificate(certificate, actor=admin, reason="Issued in error", now=utcnow())
        reissue_certificate(certificate, actor=admin, reason="Corrected", now=utcnow())
        db.session.commit()


def events(app: Flask) -> list[WebhookEvent]:
    with app.app_context():
        return list(db.session.scalars(select(WebhookEvent).order_by(WebhookEvent.id)))


def delivery_states(app: Flask) -> Counter:
    with app.app_context():
        rows = db.session.execute(
            select(WebhookDelivery.state, func.count()).group_by(WebhookDelivery.state)
        )
        return Counter({state: count for state, count in rows})


def endpoints(app: Flask) -> list[WebhookEndpoint]:
    with app.app_context():
        return list(db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))


def deliverer(app: Flask, tmp_path: Path, *args: str, **settings) -> subprocess.Popen:
    """``coursekit webhooks deliver`` as its own process, on the app's database."""
    environment = {
        **os.environ,
        "COURSEKIT_INSTANCE_PATH": str(tmp_path / "instance"),
        "COURSEKIT_DATABASE_URL": app.config["COURSEKIT_DATABASE_URL"],
        "COURSEKIT_SECRET_KEY": "test-secret-key",
        "COURSEKIT_AUTO_MIGRATE": "false",
    }
    for key, value in {**WEBHOOK_SETTINGS, **settings}.items():
        environment[key] = value if isinstance(value, str) else json.dumps(value)
    coursekit = str(Path(sys.executable).with_name("coursekit"))
    return subprocess.Popen(  # noqa: S603 - our own command, no shell
        [coursekit, "webhooks", "deliver", *args],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def register_webhook(app: Flask) -> int:
    """The sample records' endpoint: a public https receiver of every event (never
    contacted: nothing delivers in the page tests); its id."""
    with app.app_context():
        endpoint = register_endpoint(
            "https://crm.example.org/coursekit/events",
            list(EVENT_TYPES),
            description="CRM: enrolments and certificates",
            actor=None,
            allow_private=False,
            now=utcnow(),
        )
        db.session.commit()
        return endpoint.id


def failed_delivery(app: Flask) -> int:
    """The oldest due delivery, tried once by the deliverer and answered HTTP 503; its id."""
    settings = DeliverySettings()
    with app.app_context():
        at = utcnow() + timedelta(days=1)
        delivery = claim_due(now=at, lease=settings.lease)
        assert delivery is not None, "the sample records queue deliveries"
        record_try(
            delivery.id,
            delivery.tries,
            status=503,
            response="Service Unavailable: the CRM is down for maintenance.",
            error="HTTP 503",
            started=at,
            now=at,
            retry_in=settings.retry_in,
            max_tries=settings.max_tries,
        )
        db.session.commit()
        return delivery.id
