"""Webhooks in the database: the endpoints administrators register, the outbox of events
and their deliveries, and every attempt to deliver one (append-only)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coursekit.db import Base, utcnow


class EndpointState(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"


class DeliveryState(StrEnum):
    PENDING = "pending"
    """Waiting for its next try (due at ``next_attempt_at``), or being sent."""
    DELIVERED = "delivered"
    FAILED = "failed"
    """Every try failed; an administrator may send it again."""


class WebhookEndpoint(Base):
    """A receiver an administrator registered: where events go and which ones.

    ``secret`` signs every delivery. It is kept as it is, not hashed: signing needs it.
    It is shown once, when it is made, and never again; rotating makes a new one. An
    endpoint is never deleted, only disabled, so its deliveries keep their history.
    """

    __tablename__ = "coursekit_webhook"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(String(200), default="")
    events: Mapped[list[str]] = mapped_column(JSON)
    """The event types it receives (``coursekit.webhooks.events.EVENT_TYPES``)."""
    secret: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default=EndpointState.ACTIVE)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("coursekit_user.id"))
    secret_rotated_at: Mapped[datetime | None]
    disabled_at: Mapped[datetime | None]

    @property
    def is_active(self) -> bool:
        return self.state == EndpointState.ACTIVE


class WebhookEvent(Base):
    """One event in the outbox: written in the transaction of the change it reports, so
    a change rolled back sends nothing and a committed one is never lost. ``uuid`` is
    the event id receivers deduplicate by; ``payload`` is the ``data`` they receive, as it was
    when the change happened."""

    __tablename__ = "coursekit_webhook_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    type: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookDelivery(Base):
    """One event for one endpoint, and where its sending stands.

    ``tries`` counts the tries of the current round (an administrator's redelivery
    starts a new one); each try is kept as a ``WebhookTry``. A worker claims a due
    delivery by counting the try and moving ``next_attempt_at`` past the time the try
    may take, so a worker that stops mid-send leaves it due again later, never lost.
    """

    __tablename__ = "coursekit_webhook_delivery"
    __table_args__ = (
        UniqueConstraint("event_id", "endpoint_id"),
        Index("ix_coursekit_webhook_delivery_due", "state", "next_attempt_at"),
        Index("ix_coursekit_webhook_delivery_endpoint", "endpoint_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("coursekit_webhook_event.id"))
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("coursekit_webhook.id"))
    state: Mapped[str] = mapped_column(String(16), default=DeliveryState.PENDING)
    tries: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_attempt_at: Mapped[datetime | None]
    last_status: Mapped[int | None]
    last_response: Mapped[str] = mapped_column(Text, default="")
    last_error: Mapped[str] = mapped_column(Text, default="")
    delivered_at: Mapped[datetime | None]

    event: Mapped[WebhookEvent] = relationship(lazy="raise")
    endpoint: Mapped[WebhookEndpoint] = relationship(lazy="raise")


class WebhookTry(Base):
    """One try to deliver: when, the HTTP status (None when no answer came), the start
    of the answer's body and the error. Appended, never changed."""

    __tablename__ = "coursekit_webhook_try"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("coursekit_webhook_delivery.id"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[int | None]
    response: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(Text, default="")
    milliseconds: Mapped[int] = mapped_column(default=0)
