"""The API blueprint, nested in coursekit's at ``/api/v1`` (endpoints ``coursekit.api.*``).

Its hooks run after coursekit's (token sign-in, access, CSRF for sessions): the token's
scope and the rate limit. Every error inside ``/api/v1`` answers with the envelope,
addresses that match no endpoint included (:func:`unmatched`).
"""

from __future__ import annotations

from flask import current_app, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from coursekit.access import access
from coursekit.api import (  # noqa: F401  (they add their routes to bp)
    account_views,
    attempt_views,
    catalogue_views,
    certificate_views,
    coursework_views,
    docs_views,
    learning_views,
    staff_routes,  # the staff API: instructor and administrator endpoints
    # Staff API: webhooks (issue 12).
    webhook_views,
)
from coursekit.api.auth import check_scope, touch_token
from coursekit.api.errors import STANDARD, error_response, validation_failed
from coursekit.api.routes import bp
from coursekit.errors import ValidationFailed

URL_PREFIX = "/api/v1"
UNMATCHED_ENDPOINT = "coursekit.api.unmatched"
ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE"]

bp.before_request(check_scope)
bp.teardown_request(touch_token)
bp.register_error_handler(HTTPException, error_response)
# Handlers by status too: Flask prefers any handler for a status (the standalone app's
# 404 and 405 pages) over a handler by class, so the envelope must claim each status.
for status in STANDARD:
    bp.register_error_handler(status, error_response)
bp.register_error_handler(ValidationFailed, validation_failed)


@bp.route("/<path:unmatched>", methods=ANY_METHOD)
@access("public")
def unmatched(unmatched: str) -> None:
    """Any other address under ``/api/v1``: 405 with ``Allow`` when the path exists for
    other methods, else 404, in the envelope (Flask's own would be an HTML page)."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = []
    for method in ANY_METHOD:
        try:
            endpoint, _ = adapter.match(method=method)
        except (HTTPException, RequestRedirect):
            continue
        if endpoint != request.endpoint:
            allowed.append(method)
    if allowed:
        raise MethodNotAllowed(valid_methods=allowed)
    raise NotFound()
