"""Domain exceptions and the error pages coursekit renders for its own endpoints."""

from __future__ import annotations

import errno
import logging
import math
import sqlite3
import time
from collections.abc import Mapping

from flask import current_app, g, jsonify, render_template, request
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.wrappers import Response

log = logging.getLogger("coursekit.errors")


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

RETRY_AFTER_SECONDS = 10
"""What the 503 page's ``Retry-After`` asks for: a database restart or fail-over takes
seconds, and clients that retry sooner only add load while it comes back."""
DATABASE_UNAVAILABLE = (
    "We could not reach our database, so nothing you sent was saved. Please try again in a moment."
)
STORAGE_FULL = (
    "The server has run out of storage space and could not store what you sent, so "
    "nothing was saved. Please try again later; if this keeps happening, tell your "
    "course provider."
)
_OUT_OF_SPACE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
_POSTGRESQL_DISK_FULL = "53100"


def retry_after_seconds() -> int:
    """Seconds until the rate limit this request broke lets the client try again."""
    breached = current_app.extensions["coursekit"].limiter.current_limit
    if breached is None:
        return 60
    # The window's own reset time, not Flask-Limiter's ``reset_at``: that one is
    # ``int(reset_time + 1)``, so a window just started would read as 61 s of 60.
    window = breached.limit.get_expiry()
    return min(window, max(1, math.ceil(breached.window.reset_time - time.time())))


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


def is_out_of_space(error: BaseException) -> bool:
    """Whether ``error`` says the disk is full: ENOSPC or EDQUOT from the operating
    system, SQLite's ``SQLITE_FULL``, or PostgreSQL's ``disk_full`` (53100)."""
    if isinstance(error, OSError):
        return error.errno in _OUT_OF_SPACE_ERRNOS
    if isinstance(error, DBAPIError):
        cause = error.orig
        return (
            getattr(cause, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
            or getattr(cause, "sqlstate", None) == _POSTGRESQL_DISK_FULL
        )
    return False


def render_unavailable(error: Exception) -> Response:
    """A 503 for a request the database or the disk could not complete (an
    ``OperationalError``: unreachable, restarting, out of space; or an ``OSError`` of a
    full disk), HTML or JSON as the client asked, with ``Retry-After``.

    The request's writes are rolled back after it (a status of 400 or more is never
    committed), so the learner can send it again as it was. Any other ``OSError`` is
    raised again: it is a fault of the code or the machine, answered with the 500 page.
    """
    if isinstance(error, OSError) and not is_out_of_space(error):
        raise error
    log.error("503 for %s %s: %s", request.method, request.path, error, exc_info=error)
    message = STORAGE_FULL if is_out_of_space(error) else DATABASE_UNAVAILABLE
    if request.is_json or request.accept_mimetypes.best == "application/json":
        response = jsonify({"error": {"code": 503, "message": message}})
    else:
        # Flask-Login's context processor loads the signed-in user for every template,
        # from the database that just failed: this page is rendered as for a visitor.
        g._login_user = current_app.login_manager.anonymous_user()
        page = render_template(
            "coursekit/errors/error.html", code=503, title=ERROR_TITLES[503], message=message
        )
        response = Response(page, mimetype="text/html")
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
