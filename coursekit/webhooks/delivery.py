"""Sending what the outbox holds: claim a due delivery, post it signed, record the try.

Used by ``coursekit webhooks deliver``. A worker commits after each claim and after
each try, unlike other commands, which commit once: a try that reached the receiver must
stay recorded whatever happens next, and no transaction (on SQLite: the write lock) may
stay open while waiting on the network.

Delivery is at least once. A worker that stops between sending and recording leaves the
delivery claimed; when the claim's lease runs out it is sent again, with the same event
id, and the receiver's deduplication by event id makes it exactly once.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from coursekit import db, outbound
from coursekit.db import utcnow
from coursekit.webhooks.events import envelope
from coursekit.webhooks.models import WebhookEndpoint, WebhookEvent
from coursekit.webhooks.operations import RESPONSE_LIMIT, claim_due, record_try
from coursekit.webhooks.signing import signed_headers
from coursekit.webhooks.targets import TargetRefused, check_resolved, check_url

LEASE_TIMEOUTS = 3
"""A claim lasts this many request timeouts: connecting and reading the answer each
get one, with room to spare, before another worker may send the delivery again."""


@dataclass(frozen=True)
class DeliverySettings:
    """How deliveries are sent (the ``COURSEKIT_WEBHOOK_*`` settings)."""

    timeout: float = 10
    max_tries: int = 10
    backoff: float = 30
    backoff_cap: float = 3600
    jitter: float = 0.2
    allow_private: bool = False

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> DeliverySettings:
        return cls(
            timeout=config["COURSEKIT_WEBHOOK_TIMEOUT"],
            max_tries=config["COURSEKIT_WEBHOOK_MAX_TRIES"],
            backoff=config["COURSEKIT_WEBHOOK_BACKOFF_SECONDS"],
            backoff_cap=config["COURSEKIT_WEBHOOK_BACKOFF_CAP_SECONDS"],
            allow_private=config["COURSEKIT_WEBHOOK_ALLOW_PRIVATE_ADDRESSES"],
        )

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.timeout * LEASE_TIMEOUTS)

    def retry_in(self, tries: int) -> float:
        """Seconds before the next try after ``tries`` failed ones: the same exponential
        backoff as xAPI sending, with jitter, so deliveries that failed together in a
        receiver's outage do not all come back at one moment."""
        return outbound.backoff_seconds(
            self.backoff, tries, cap=self.backoff_cap, jitter=self.jitter
        )


@dataclass
class RunReport:
    """What one run did: deliveries by the state each try left them in."""

    states: dict[str, int] = field(default_factory=dict)

    def count(self, state: str) -> int:
        return self.states.get(state, 0)


@dataclass(frozen=True)
class TryOutcome:
    status: int | None
    response: str
    error: str


def body_of(event: WebhookEvent) -> bytes:
    """The JSON body of ``event``: the same bytes on every try."""
    built = envelope(
        event_id=event.uuid,
        event_type=event.type,
        created_at=event.created_at,
        data=event.payload,
    )
    return json.dumps(built, sort_keys=True, separators=(",", ":")).encode()


def send_to(
    endpoint: WebhookEndpoint, event: WebhookEvent, settings: DeliverySettings
) -> TryOutcome:
    """Post ``event`` to ``endpoint`` once, signed with its current secret."""
    try:
        check_url(endpoint.url, allow_private=settings.allow_private)
        check_resolved(endpoint.url, allow_private=settings.allow_private)
    except TargetRefused as exc:
        return TryOutcome(None, "", f"not sent: {exc}")
    body = body_of(event)
    headers = signed_headers(
        endpoint.secret,
        event_id=event.uuid,
        event_type=event.type,
        body=body,
        timestamp=int(time.time()),
    )
    try:
        answer = outbound.send(
            "POST", endpoint.url, body, headers, timeout=settings.timeout, read_limit=RESPONSE_LIMIT
        )
    except outbound.Unreachable as exc:
        return TryOutcome(None, "", f"no answer: {exc.reason}")
    if 200 <= answer.status < 300:
        return TryOutcome(answer.status, answer.body, "")
    error = f"HTTP {answer.status}"
    if 300 <= answer.status < 400:
        error += f": redirects are not followed (to {answer.location}); register the final address"
    return TryOutcome(answer.status, answer.body, error)


def deliver_due(
    settings: DeliverySettings, *, clock: Callable[[], datetime] = utcnow, limit: int | None = None
) -> RunReport:
    """Deliver every delivery due now, one try each, until none is due (or ``limit``
    tries were made). Deliveries whose next try is later are left for a later run."""
    report = RunReport()
    while limit is None or sum(report.states.values()) < limit:
        delivery = claim_due(now=clock(), lease=settings.lease)
        if delivery is None:
            db.session.commit()
            return report
        claimed = (delivery.id, delivery.tries)
        event = db.session.get(WebhookEvent, delivery.event_id)
        endpoint = db.session.get(WebhookEndpoint, delivery.endpoint_id)
        db.session.commit()
        started = clock()
        outcome = send_to(endpoint, event, settings)
        state = record_try(
            *claimed,
            status=outcome.status,
            response=outcome.response,
            error=outcome.error,
            started=started,
            now=clock(),
            retry_in=settings.retry_in,
            max_tries=settings.max_tries,
        )
        db.session.commit()
        report.states[state] = report.count(state) + 1
    return report


def deliver_forever(settings: DeliverySettings, *, poll_seconds: float) -> None:
    """Deliver what is due, then wait ``poll_seconds`` and look again, until stopped."""
    while True:
        deliver_due(settings)
        db.session.close()  # no connection or snapshot held while waiting
        time.sleep(poll_seconds)
