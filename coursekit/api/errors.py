"""One error envelope for every API error:
``{"error": {"code": "<slug>", "message": "...", "fields": {...}}}``.

Werkzeug's HTTP errors (404, 405, 413, 429, 500…), domain refusals from the operations
(``ValidationFailed`` → 422) and the API's own refusals (:class:`ApiError`) all answer
through :func:`error_response`; no API answer is ever an HTML page or a stack trace.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NoReturn

from flask import current_app, jsonify
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wrappers import Response

from coursekit.errors import ValidationFailed, retry_after_seconds

FieldErrors = Mapping[str, object]

# The slug and message of each status when the error brings none of its own.
STANDARD = {
    400: ("bad_request", "The request could not be understood."),
    401: ("unauthorized", "Authenticate with a bearer token or a signed-in session."),
    403: ("forbidden", "You may not do this."),
    404: ("not_found", "There is nothing here, or nothing you may see."),
    405: ("method_not_allowed", "This address does not accept that method."),
    409: ("conflict", "The request conflicts with the current state."),
    412: (
        "precondition_failed",
        "It changed since you read it (If-Match): read it again, then send your change.",
    ),
    413: ("payload_too_large", "The request body is too large."),
    415: ("unsupported_media_type", "Send a JSON body with Content-Type: application/json."),
    422: ("invalid", "Some fields are invalid."),
    429: ("rate_limited", "Too many requests; try again after Retry-After seconds."),
    500: ("internal_error", "Something went wrong on our side; it has been logged."),
}


class ApiError(HTTPException):
    """An API refusal with its own slug, message and field errors."""

    def __init__(
        self, status: int, slug: str, message: str, fields: FieldErrors | None = None
    ) -> None:
        super().__init__(description=message)
        self.code = status
        self.slug = slug
        self.fields = dict(fields or {})


def fail(status: int, slug: str, message: str, fields: FieldErrors | None = None) -> NoReturn:
    """Refuse the request with the envelope."""
    raise ApiError(status, slug, message, fields)


def envelope(status: int, slug: str, message: str, fields: FieldErrors | None = None) -> Response:
    """The error response itself."""
    response = jsonify({"error": {"code": slug, "message": message, "fields": dict(fields or {})}})
    response.status_code = status
    return response


def error_response(error: HTTPException) -> Response:
    """The API blueprint's handler for every HTTP error raised inside it."""
    status = error.code or 500
    default_slug, default_message = STANDARD.get(status, ("error", error.name))
    if isinstance(error, ApiError):
        response = envelope(status, error.slug, error.description or "", error.fields)
    elif isinstance(error, CSRFError):
        message = "Session requests that write need the X-CSRFToken header (docs/api.md)."
        response = envelope(400, "csrf_failed", message)
    else:
        if isinstance(error, InternalServerError):
            current_app.logger.error("API error", exc_info=error.original_exception)
        # Werkzeug's descriptions speak of browsers and pages; ours speak API.
        response = envelope(status, default_slug, default_message)
    for header, value in error.get_headers():
        if header.lower() in {"allow", "retry-after"}:
            response.headers[header] = value
    if isinstance(error, RateLimitExceeded):
        # When the limit frees: an hourly limit spent is not "wait a minute".
        response.headers["Retry-After"] = str(retry_after_seconds())
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="coursekit"'
    return response


def validation_failed(failure: ValidationFailed) -> Response:
    """A rule in an operation refused the input: 422 with the messages per field."""
    return envelope(422, "invalid", "Some fields are invalid.", failure.errors)
