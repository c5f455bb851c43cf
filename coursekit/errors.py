"""Domain exceptions and the error pages coursekit renders for its own endpoints."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping

from flask import current_app, render_template, request
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge


class CourseKitError(Exception):
    """Base class of coursekit's domain errors."""


class ValidationFailed(CourseKitError):
    """Input broke a rule. ``errors`` maps field names to messages for the person."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = dict(errors)


ERROR_TITLES = {
    400: "The request could not be understood",
    403: "You do not have access to this page",
    404: "Page not found",
    405: "That action is not allowed here",
    413: "The upload is too large",
    429: "Too many attempts",
    500: "Something went wrong on our side",
    503: "The service is briefly unavailable",
}

ERROR_HINTS = {
    400: "Check what you entered and try again.",
    403: "If you think you should have access, contact your course provider.",
    404: "The address may be mistyped, or the page may have moved.",
    413: "Nothing was received or kept. Send a smaller file.",
    429: "Please wait a few minutes before trying again.",
    500: "The problem has been logged. Please try again in a moment.",
}


def retry_after_seconds() -> int:
    """Seconds until the rate limit this request broke lets the client try again."""
    breached = current_app.extensions["coursekit"].limiter.current_limit
    if breached is None:
        return 60
    return max(1, math.ceil(breached.reset_at - time.time()))


def render_error(error: HTTPException) -> tuple[str, int] | tuple[str, int, dict[str, str]]:
    """An error page for ``error``, with its status code and never a stack trace; a
    rate limit's page also says when to try again (``Retry-After``)."""
    code = error.code or 500
    if isinstance(error, RequestEntityTooLarge):
        # The body was refused unread; the page's own forms (sign out) must not try to
        # read it again, which would raise the same error while rendering this page.
        request.form, request.files = ImmutableMultiDict(), ImmutableMultiDict()
    if isinstance(error, CSRFError):
        message = (
            "This form has expired or was sent from another site. Reload the page and try again."
        )
    elif code in ERROR_HINTS and error.description == type(error).description:
        message = ERROR_HINTS[code]
    else:
        # A view's own words (abort(400, description=...)) say what was wrong.
        message = error.description or ""
    title = ERROR_TITLES.get(code, error.name)
    page = render_template("coursekit/errors/error.html", code=code, title=title, message=message)
    if isinstance(error, RateLimitExceeded):
        return page, code, {"Retry-After": str(retry_after_seconds())}
    return page, code
