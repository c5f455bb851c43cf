"""Webhook endpoints and their deliveries (administrator audience).

The signing secret is in :class:`EndpointWithSecretSchema` only: the answer to
registering and to rotating, once. Every other answer about an endpoint leaves it out.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from coursekit.webhooks.events import EVENT_TYPES
from coursekit.webhooks.models import DeliveryState, EndpointState
from coursekit.webhooks.operations import DESCRIPTION_LENGTH
from coursekit.webhooks.targets import MAX_URL_LENGTH


class EndpointInput(Schema):
    """The registration form's fields; the rules on the address are the operation's."""

    url = fields.String(
        required=True,
        metadata={
            "description": f"The receiver's address: https, a public host, at most "
            f"{MAX_URL_LENGTH} characters, no user name or password."
        },
    )
    description = fields.String(
        load_default="",
        metadata={"description": f"What it is for, at most {DESCRIPTION_LENGTH} characters."},
    )
    events = fields.List(
        fields.String(validate=validate.OneOf(list(EVENT_TYPES))),
        required=True,
        validate=validate.Length(min=1, error="Choose at least one event."),
        metadata={"description": "The event types it receives (docs/webhooks.md)."},
    )


class EndpointSchema(Schema):
    id = fields.Integer()
    url = fields.String()
    description = fields.String()
    events = fields.List(fields.String())
    state = fields.String(metadata={"enum": [str(state) for state in EndpointState]})
    created_at = fields.AwareDateTime()
    secret_rotated_at = fields.AwareDateTime(allow_none=True)
    disabled_at = fields.AwareDateTime(allow_none=True)


class EndpointWithSecretSchema(EndpointSchema):
    secret = fields.String(
        metadata={
            "description": "The signing secret, shown in this answer only: store it in "
            "the receiver's configuration now."
        }
    )


class WebhookEventSchema(Schema):
    uuid = fields.String(metadata={"description": "The event id receivers deduplicate by."})
    type = fields.String()
    created_at = fields.AwareDateTime()


class DeliverySummarySchema(Schema):
    """A delivery as the endpoint lists it, with the last answer."""

    id = fields.Integer()
    event = fields.Nested(WebhookEventSchema)
    state = fields.String(metadata={"enum": [str(state) for state in DeliveryState]})
    tries = fields.Integer(metadata={"description": "Tries in the current round."})
    next_attempt_at = fields.AwareDateTime(
        metadata={"description": "When the next try is due (pending deliveries)."}
    )
    delivered_at = fields.AwareDateTime(allow_none=True)
    last_attempt_at = fields.AwareDateTime(allow_none=True)
    last_status = fields.Integer(
        allow_none=True, metadata={"description": "The last answer's HTTP status."}
    )
    last_response = fields.String(metadata={"description": "The start of the last answer."})
    last_error = fields.String()


class EndpointDetailSchema(EndpointSchema):
    """Dumps ``(endpoint, recent deliveries)``: the endpoint page's two reads."""

    recent_deliveries = fields.List(
        fields.Nested(DeliverySummarySchema),
        metadata={"description": "The latest deliveries, newest first (at most 50)."},
    )

    def get_attribute(self, obj: tuple[Any, Any], attr: str, default: Any) -> Any:
        endpoint, deliveries = obj
        if attr == "recent_deliveries":
            return deliveries
        return super().get_attribute(endpoint, attr, default)


class TrySchema(Schema):
    at = fields.AwareDateTime()
    status = fields.Integer(allow_none=True, metadata={"description": "None: no answer came."})
    response = fields.String(metadata={"description": "The start of the answer's body."})
    error = fields.String()
    milliseconds = fields.Integer()


class DeliverySchema(DeliverySummarySchema):
    """Dumps ``(delivery, its tries)``: the delivery page's two reads."""

    endpoint_id = fields.Integer()
    payload = fields.Dict(
        attribute="event.payload",
        metadata={"description": "The event's data, as sent on every try."},
    )
    attempts = fields.List(fields.Nested(TrySchema), metadata={"description": "Newest first."})

    def get_attribute(self, obj: tuple[Any, Any], attr: str, default: Any) -> Any:
        delivery, attempts = obj
        if attr == "attempts":
            return attempts
        return super().get_attribute(delivery, attr, default)
