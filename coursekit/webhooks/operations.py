"""Writes for webhooks: the outbox, endpoints, and the state of each delivery.

Each function only flushes; the request or command that calls it commits (the
deliverer commits after each claim and each try: see ``delivery``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from coursekit import db
from coursekit.accounts.models import User
from coursekit.audit.operations import record
from coursekit.errors import ValidationFailed
from coursekit.webhooks.events import EVENT_TYPES
from coursekit.webhooks.models import (
    DeliveryState,
    EndpointState,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WebhookTry,
)
from coursekit.webhooks.queries import subscribed_endpoints
from coursekit.webhooks.signing import new_secret
from coursekit.webhooks.targets import TargetRefused, check_url

RESPONSE_LIMIT = 1000
"""Characters of a receiver's answer kept with each try."""
DESCRIPTION_LENGTH = 200
"""Characters of an endpoint's description (its column's size)."""


class WebhookChangeRefused(Exception):
    """A change that does not fit the record's state (409), with a message to show."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def record_event(
    event_type: str, data: Callable[[], dict[str, Any]], *, now: datetime
) -> WebhookEvent | None:
    """Put an event in the outbox, with one delivery per active endpoint that receives
    ``event_type``, in the current transaction. ``data`` builds the payload; it is only
    called when some endpoint wants it. Returns None (and writes nothing) when none does."""
    endpoints = subscribed_endpoints(event_type)
    if not endpoints:
        return None
    event = WebhookEvent(uuid=str(uuid.uuid4()), type=event_type, payload=data(), created_at=now)
    db.session.add(event)
    db.session.flush()
    db.session.add_all(
        WebhookDelivery(
            event_id=event.id,
            endpoint_id=endpoint.id,
            state=DeliveryState.PENDING,
            tries=0,
            next_attempt_at=now,
        )
        for endpoint in endpoints
    )
    db.session.flush()
    return event


def register_endpoint(
    url: str,
    events: Collection[str],
    *,
    description: str,
    actor: User | None,
    allow_private: bool,
    now: datetime,
) -> WebhookEndpoint:
    """Register a receiver of ``events`` at ``url``, with a new secret (the caller shows
    it once). ``ValidationFailed`` for an address or events that are refused."""
    try:
        url = check_url(url, allow_private=allow_private)
    except TargetRefused as exc:
        raise ValidationFailed({"url": [str(exc)]}) from None
    unknown = sorted(set(events) - set(EVENT_TYPES))
    if unknown or not events:
        message = f"Unknown events: {', '.join(unknown)}." if unknown else "Choose an event."
        raise ValidationFailed({"events": [message]})
    description = description.strip()
    # The page's form checks the length too; the API arrives here with any string, and
    # PostgreSQL can store neither a longer one nor a control character such as NUL.
    if len(description) > DESCRIPTION_LENGTH or not description.isprintable():
        raise ValidationFailed(
            {"description": [f"Use at most {DESCRIPTION_LENGTH} printable characters."]}
        )
    endpoint = WebhookEndpoint(
        url=url,
        description=description,
        events=[name for name in EVENT_TYPES if name in events],
        secret=new_secret(),
        state=EndpointState.ACTIVE,
        created_at=now,
        created_by_id=actor.id if actor else None,
    )
    db.session.add(endpoint)
    db.session.flush()
    record(
        "webhook.registered",
        f"webhook-endpoint:{endpoint.id}",
        actor=actor,
        at=now,
        url=endpoint.url,
        events=endpoint.events,
    )
    return endpoint


def rotate_secret(endpoint: WebhookEndpoint, *, actor: User | None, now: datetime) -> str:
    """Give the endpoint a new secret, used from the next try on; returns it."""
    endpoint.secret = new_secret()
    endpoint.secret_rotated_at = now
    db.session.flush()
    record("webhook.secret-rotated", f"webhook-endpoint:{endpoint.id}", actor=actor, at=now)
    return endpoint.secret


def set_endpoint_state(
    endpoint: WebhookEndpoint, state: EndpointState, *, actor: User | None, now: datetime
) -> WebhookEndpoint:
    """Disable an endpoint (nothing more is queued or sent to it; what is pending waits)
    or enable it again (the waiting deliveries go out). 409 if it is already so."""
    if endpoint.state == state:
        raise WebhookChangeRefused(f"This endpoint is already {state}.")
    before = endpoint.state
    endpoint.state = state
    endpoint.disabled_at = now if state == EndpointState.DISABLED else None
    db.session.flush()
    action = "webhook.disabled" if state == EndpointState.DISABLED else "webhook.enabled"
    record(
        action, f"webhook-endpoint:{endpoint.id}", actor=actor, at=now, before=before, after=state
    )
    return endpoint


def redeliver(delivery: WebhookDelivery, *, actor: User | None, now: datetime) -> None:
    """Send a failed delivery again: a new round of tries, starting now. The event and
    its id stay the same, so a receiver that did process it can tell."""
    if delivery.state != DeliveryState.FAILED:
        raise WebhookChangeRefused(
            f"Only a failed delivery can be sent again; this one is {delivery.state}."
        )
    delivery.state = DeliveryState.PENDING
    delivery.tries = 0
    delivery.next_attempt_at = now
    db.session.flush()
    record("webhook.redelivered", f"webhook-delivery:{delivery.id}", actor=actor, at=now)


def claim_due(*, now: datetime, lease: timedelta) -> WebhookDelivery | None:
    """Claim the delivery due first (of an active endpoint) for one try: count the try
    and move its next try past ``lease``, the time the try may take. Another worker
    skips it meanwhile; if this one stops, it is due again after the lease.

    PostgreSQL locks the row with ``FOR UPDATE SKIP LOCKED``, so workers claim different
    deliveries without waiting on each other; on SQLite the command's transaction began
    with ``BEGIN IMMEDIATE`` and holds the write lock until the claim is committed."""
    query = (
        select(WebhookDelivery)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(
            WebhookDelivery.state == DeliveryState.PENDING,
            WebhookDelivery.next_attempt_at <= now,
            WebhookEndpoint.state == EndpointState.ACTIVE,
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(1)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=WebhookDelivery)
    delivery = db.session.scalars(query).first()
    if delivery is None:
        return None
    delivery.tries += 1
    delivery.next_attempt_at = now + lease
    db.session.flush()
    return delivery


def record_try(
    delivery_id: int,
    claimed_try: int,
    *,
    status: int | None,
    response: str,
    error: str,
    started: datetime,
    now: datetime,
    retry_in: Callable[[int], float],
    max_tries: int,
) -> str:
    """Record one try's outcome, and the delivery's next step: delivered (2xx), failed
    (the last try), or pending again after ``retry_in(tries)`` seconds. Returns the
    delivery's new state. If another worker claimed it meanwhile (this try outlived its
    lease), only the try is recorded; the newer claim decides the state."""
    db.session.add(
        WebhookTry(
            delivery_id=delivery_id,
            at=started,
            status=status,
            response=response[:RESPONSE_LIMIT],
            error=error,
            milliseconds=int((now - started).total_seconds() * 1000),
        )
    )
    if status is not None and 200 <= status < 300:
        state, next_at, delivered_at = DeliveryState.DELIVERED, now, now
    elif claimed_try >= max_tries:
        state, next_at, delivered_at = DeliveryState.FAILED, now, None
    else:
        next_at = now + timedelta(seconds=retry_in(claimed_try))
        state, delivered_at = DeliveryState.PENDING, None
    db.session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.tries == claimed_try,
            WebhookDelivery.state == DeliveryState.PENDING,
        )
        .values(
            state=state,
            next_attempt_at=next_at,
            delivered_at=delivered_at,
            last_attempt_at=started,
            last_status=status,
            last_response=response[:RESPONSE_LIMIT],
            last_error=error,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return state
