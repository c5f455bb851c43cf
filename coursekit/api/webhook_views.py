"""Webhook endpoints and deliveries: the administrator console's Webhooks section
(``coursekit.webhooks.views``) as JSON, on the same operations and queries.

A signing secret is in the answer to registering and to rotating only, and that answer
is not cached, as the page that shows it is not.
"""

from __future__ import annotations

from typing import Any, NoReturn

from flask import after_this_request, current_app
from werkzeug.wrappers import Response

from coursekit.access import access, current_account
from coursekit.api.endpoint import endpoint
from coursekit.api.errors import fail
from coursekit.api.pagination import PageQuery, page_schema, paginate
from coursekit.api.routes import bp
from coursekit.api.schemas.webhooks import (
    DeliverySchema,
    EndpointDetailSchema,
    EndpointInput,
    EndpointSchema,
    EndpointWithSecretSchema,
)
from coursekit.db import utcnow
from coursekit.webhooks import operations, queries
from coursekit.webhooks.models import EndpointState, WebhookDelivery, WebhookEndpoint
from coursekit.webhooks.operations import WebhookChangeRefused

TAG = "webhooks"


def _endpoint_or_404(endpoint_id: int) -> WebhookEndpoint:
    found = queries.endpoint_by_id(endpoint_id)
    if found is None:
        fail(404, "not_found", "No webhook endpoint has this id.")
    return found


def _delivery_or_404(delivery_id: int) -> WebhookDelivery:
    found = queries.delivery_by_id(delivery_id)
    if found is None:
        fail(404, "not_found", "No webhook delivery has this id.")
    return found


def _not_stored(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def _refused(refusal: WebhookChangeRefused) -> NoReturn:
    fail(refusal.status, "conflict", refusal.message)


@bp.get("/webhooks")
@access("admin")
@endpoint(
    "Webhook endpoints, active first, then oldest first",
    tag=TAG,
    query=PageQuery,
    response=page_schema(EndpointSchema),
)
def webhooks(query: dict[str, Any]) -> dict[str, Any]:
    return paginate(queries.all_endpoints(), lambda found: found.id, query)


@bp.post("/webhooks")
@access("admin")
@endpoint(
    "Register a webhook endpoint; the answer holds its signing secret, once",
    tag=TAG,
    body=EndpointInput,
    response=EndpointWithSecretSchema,
    status=201,
    description="The address must be https on a public host (docs/webhooks.md); the "
    "secret is never shown again: rotate it to get a new one.",
)
def register_webhook(body: dict[str, Any]) -> WebhookEndpoint:
    registered = operations.register_endpoint(
        body["url"],
        body["events"],
        description=body["description"],
        actor=current_account(),
        allow_private=current_app.config["COURSEKIT_WEBHOOK_ALLOW_PRIVATE_ADDRESSES"],
        now=utcnow(),
    )
    after_this_request(_not_stored)
    return registered


@bp.get("/webhooks/<int:endpoint_id>")
@access("admin")
@endpoint(
    "A webhook endpoint with its latest deliveries and their last answers",
    tag=TAG,
    response=EndpointDetailSchema,
)
def webhook(endpoint_id: int) -> tuple[WebhookEndpoint, Any]:
    found = _endpoint_or_404(endpoint_id)
    return found, queries.recent_deliveries(found.id)


@bp.post("/webhooks/<int:endpoint_id>/rotate")
@access("admin")
@endpoint(
    "Give an endpoint a new signing secret (in this answer, once), used from the next try",
    tag=TAG,
    response=EndpointWithSecretSchema,
)
def rotate_webhook_secret(endpoint_id: int) -> WebhookEndpoint:
    found = _endpoint_or_404(endpoint_id)
    operations.rotate_secret(found, actor=current_account(), now=utcnow())
    after_this_request(_not_stored)
    return found


def _change_state(endpoint_id: int, state: EndpointState) -> WebhookEndpoint:
    found = _endpoint_or_404(endpoint_id)
    try:
        return operations.set_endpoint_state(found, state, actor=current_account(), now=utcnow())
    except WebhookChangeRefused as refusal:
        _refused(refusal)


@bp.post("/webhooks/<int:endpoint_id>/disable")
@access("admin")
@endpoint(
    "Disable an endpoint: nothing new is queued for it, what waits is paused",
    tag=TAG,
    response=EndpointSchema,
    errors=(409,),
    description="409 when it is already disabled.",
)
def disable_webhook(endpoint_id: int) -> WebhookEndpoint:
    return _change_state(endpoint_id, EndpointState.DISABLED)


@bp.post("/webhooks/<int:endpoint_id>/enable")
@access("admin")
@endpoint(
    "Enable an endpoint again: waiting deliveries go out on the deliverer's next run",
    tag=TAG,
    response=EndpointSchema,
    errors=(409,),
    description="409 when it is already active.",
)
def enable_webhook(endpoint_id: int) -> WebhookEndpoint:
    return _change_state(endpoint_id, EndpointState.ACTIVE)


@bp.get("/webhooks/deliveries/<int:delivery_id>")
@access("admin")
@endpoint(
    "A delivery: its event, state, every try (newest first) and the payload",
    tag=TAG,
    response=DeliverySchema,
)
def webhook_delivery(delivery_id: int) -> tuple[WebhookDelivery, Any]:
    found = _delivery_or_404(delivery_id)
    return found, queries.attempts_of(found.id)


@bp.post("/webhooks/deliveries/<int:delivery_id>/redeliver")
@access("admin")
@endpoint(
    "Send a failed delivery again: a new round of tries with the same event id",
    tag=TAG,
    response=DeliverySchema,
    errors=(409,),
    description="409 unless the delivery has failed.",
)
def redeliver_webhook_delivery(delivery_id: int) -> tuple[WebhookDelivery, Any]:
    found = _delivery_or_404(delivery_id)
    try:
        operations.redeliver(found, actor=current_account(), now=utcnow())
    except WebhookChangeRefused as refusal:
        _refused(refusal)
    return found, queries.attempts_of(found.id)
