"""The Webhooks section of the administrator console: register endpoints, see their
deliveries with the last answer, rotate secrets, disable, send a failed delivery again.
Administrators only; each change is audited.

A secret is shown once, on the page that answers the form that made it (never in a
redirect's flash message, which travels in the session cookie), and that page is not
cached.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    url_for,
)
from werkzeug.wrappers import Response

from coursekit.access import access, current_account
from coursekit.db import utcnow
from coursekit.web import Page, perform
from coursekit.webhooks import operations, queries
from coursekit.webhooks.events import EVENT_TYPES
from coursekit.webhooks.forms import ConfirmForm, EndpointForm
from coursekit.webhooks.models import EndpointState, WebhookDelivery, WebhookEndpoint
from coursekit.webhooks.operations import WebhookChangeRefused

bp = Blueprint("webhooks", __name__, url_prefix="/admin/webhooks")


def _endpoint_or_404(endpoint_id: int) -> WebhookEndpoint:
    endpoint = queries.endpoint_by_id(endpoint_id)
    if endpoint is None:
        abort(404)
    return endpoint


def _delivery_or_404(delivery_id: int) -> WebhookDelivery:
    delivery = queries.delivery_by_id(delivery_id)
    if delivery is None:
        abort(404)
    return delivery


def _index_page(form: EndpointForm, status: int = 200) -> Page:
    return render_template(
        "coursekit/webhooks/index.html",
        endpoints=queries.all_endpoints(),
        event_types=EVENT_TYPES,
        form=form,
    ), status


def _secret_page(endpoint: WebhookEndpoint, secret: str, *, new: bool) -> Response:
    response = make_response(
        render_template(
            "coursekit/webhooks/secret.html", endpoint=endpoint, secret=secret, new=new
        ),
        201 if new else 200,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _endpoint_page(endpoint: WebhookEndpoint, status: int = 200, refusal: str = "") -> Page:
    return render_template(
        "coursekit/webhooks/endpoint.html",
        endpoint=endpoint,
        deliveries=queries.recent_deliveries(endpoint.id),
        event_types=EVENT_TYPES,
        form=ConfirmForm(formdata=None),
        refusal=refusal,
    ), status


@bp.get("")
@access("admin")
def index() -> Page:
    return _index_page(EndpointForm(formdata=None))


@bp.post("")
@access("admin")
def register() -> Page:
    form = EndpointForm()
    endpoint = perform(
        form,
        lambda: operations.register_endpoint(
            form.url.data,
            form.events.data,
            description=form.description.data or "",
            actor=current_account(),
            allow_private=current_app.config["COURSEKIT_WEBHOOK_ALLOW_PRIVATE_ADDRESSES"],
            now=utcnow(),
        ),
    )
    if endpoint is None:
        return _index_page(form, 422)
    return _secret_page(endpoint, endpoint.secret, new=True)


@bp.get("/<int:endpoint_id>")
@access("admin")
def endpoint(endpoint_id: int) -> Page:
    return _endpoint_page(_endpoint_or_404(endpoint_id))


@bp.post("/<int:endpoint_id>/rotate")
@access("admin")
def rotate(endpoint_id: int) -> Page:
    endpoint = _endpoint_or_404(endpoint_id)
    if not ConfirmForm().validate():
        abort(400)
    secret = operations.rotate_secret(endpoint, actor=current_account(), now=utcnow())
    return _secret_page(endpoint, secret, new=False)


def _change_state(endpoint_id: int, state: EndpointState, done: str) -> Page:
    endpoint = _endpoint_or_404(endpoint_id)
    if not ConfirmForm().validate():
        abort(400)
    try:
        operations.set_endpoint_state(endpoint, state, actor=current_account(), now=utcnow())
    except WebhookChangeRefused as refusal:
        return _endpoint_page(endpoint, refusal.status, refusal.message)
    flash(done, "success")
    return redirect(url_for(".endpoint", endpoint_id=endpoint.id))


@bp.post("/<int:endpoint_id>/disable")
@access("admin")
def disable(endpoint_id: int) -> Page:
    return _change_state(
        endpoint_id, EndpointState.DISABLED, "Disabled: nothing is sent to this endpoint now."
    )


@bp.post("/<int:endpoint_id>/enable")
@access("admin")
def enable(endpoint_id: int) -> Page:
    return _change_state(
        endpoint_id, EndpointState.ACTIVE, "Enabled: waiting deliveries go out on the next run."
    )


def _delivery_page(delivery: WebhookDelivery, status: int = 200, refusal: str = "") -> Page:
    return render_template(
        "coursekit/webhooks/delivery.html",
        delivery=delivery,
        attempts=queries.attempts_of(delivery.id),
        form=ConfirmForm(formdata=None),
        refusal=refusal,
    ), status


@bp.get("/deliveries/<int:delivery_id>")
@access("admin")
def delivery(delivery_id: int) -> Page:
    return _delivery_page(_delivery_or_404(delivery_id))


@bp.post("/deliveries/<int:delivery_id>/redeliver")
@access("admin")
def redeliver(delivery_id: int) -> Page:
    delivery = _delivery_or_404(delivery_id)
    if not ConfirmForm().validate():
        abort(400)
    try:
        operations.redeliver(delivery, actor=current_account(), now=utcnow())
    except WebhookChangeRefused as refusal:
        return _delivery_page(delivery, refusal.status, refusal.message)
    flash("Queued: the delivery is sent again on the next run.", "success")
    return redirect(url_for(".delivery", delivery_id=delivery.id))
