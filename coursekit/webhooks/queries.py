"""Reads for webhooks: the endpoints that receive an event, and what the console shows."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from coursekit import db
from coursekit.webhooks.models import (
    EndpointState,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WebhookTry,
)

RECENT_DELIVERIES = 50
"""Deliveries an endpoint's page lists, newest first."""


def subscribed_endpoints(event_type: str) -> list[WebhookEndpoint]:
    """Active endpoints that receive ``event_type``. Endpoints are few (a handful per
    provider), so the subscription is matched here rather than in SQL: JSON containment
    is spelled differently on each database."""
    active = db.session.scalars(
        select(WebhookEndpoint).where(WebhookEndpoint.state == EndpointState.ACTIVE)
    )
    return [endpoint for endpoint in active if event_type in endpoint.events]


def all_endpoints() -> Sequence[WebhookEndpoint]:
    """Every endpoint, active first, then oldest first."""
    return db.session.scalars(
        select(WebhookEndpoint).order_by(WebhookEndpoint.state, WebhookEndpoint.id)
    ).all()


def endpoint_by_id(endpoint_id: int) -> WebhookEndpoint | None:
    if not 0 < endpoint_id <= db.MAX_ID:
        return None  # an id beyond what the column holds: none, without asking the driver
    return db.session.get(WebhookEndpoint, endpoint_id)


def recent_deliveries(endpoint_id: int) -> Sequence[WebhookDelivery]:
    """The endpoint's latest deliveries with their events, newest first."""
    return (
        db.session.scalars(
            select(WebhookDelivery)
            .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
            .options(contains_eager(WebhookDelivery.event))
            .where(WebhookDelivery.endpoint_id == endpoint_id)
            .order_by(WebhookDelivery.id.desc())
            .limit(RECENT_DELIVERIES)
        )
        .unique()
        .all()
    )


def delivery_by_id(delivery_id: int) -> WebhookDelivery | None:
    """A delivery with its event and endpoint."""
    if not 0 < delivery_id <= db.MAX_ID:
        return None  # an id beyond what the column holds: none, without asking the driver
    return db.session.scalars(
        select(WebhookDelivery)
        .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .options(contains_eager(WebhookDelivery.event), contains_eager(WebhookDelivery.endpoint))
        .where(WebhookDelivery.id == delivery_id)
    ).first()


def attempts_of(delivery_id: int) -> Sequence[WebhookTry]:
    """Every try of a delivery, newest first."""
    return db.session.scalars(
        select(WebhookTry)
        .where(WebhookTry.delivery_id == delivery_id)
        .order_by(WebhookTry.id.desc())
    ).all()
