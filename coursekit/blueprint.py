"""The ``coursekit`` blueprint: every page, and the hooks that apply to them alone.

Hooks and error handlers are registered on the blueprint, never on the app, so a host
app that mounts coursekit keeps its own pages, errors and headers exactly as they were.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, jsonify, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response
from wtforms import ValidationError

from coursekit import db, pages
from coursekit.access import current_account, enforce_access
from coursekit.accounts import auth_views
from coursekit.accounts import views as account_views
from coursekit.accounts.forms import LogoutForm
from coursekit.accounts.host import views as host_profile_views
from coursekit.admin import console_views
from coursekit.admin import views as admin_views
from coursekit.admin.modules import views as admin_module_views
from coursekit.admin.users import views as user_admin_views
from coursekit.api.auth import authenticate_token, current_token, is_api_request
from coursekit.api.blueprint import UNMATCHED_ENDPOINT as API_UNMATCHED
from coursekit.api.blueprint import URL_PREFIX as API_PREFIX
from coursekit.api.blueprint import bp as api_bp
from coursekit.api.errors import fail
from coursekit.api.tokens import views as token_views
from coursekit.assessment import statistics_views
from coursekit.assessment.attempts import views as attempt_views
from coursekit.assessment.evaluations import views as evaluation_views
from coursekit.assessment.worksheets import views as worksheet_views
from coursekit.attestation import views as attestation_views
from coursekit.audit import views as audit_views
from coursekit.authoring import admin_views as upload_admin_views
from coursekit.authoring import my_modules_views, preview_views, staged_preview_views
from coursekit.authoring import views as authoring_views
from coursekit.catalog import views as catalog_views
from coursekit.certificates import admin_views as certificate_admin_views
from coursekit.certificates import roster_views, verify_views
from coursekit.certificates import views as certificate_views
from coursekit.certificates.badges import views as badge_views
from coursekit.certificates.provider import views as provider_views
from coursekit.errors import render_error, render_unavailable
from coursekit.lessons import views as lesson_views
from coursekit.packages.publishing import publish_packages
from coursekit.progress import views as progress_views
from coursekit.progress.reports import views as report_views
from coursekit.progress.transcript import views as transcript_views
from coursekit.webhooks import views as webhook_views

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    # No page is meant to be framed, not even by coursekit (clickjacking); older browsers
    # read X-Frame-Options where they do not know frame-ancestors.
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
HSTS = "max-age=31536000"
"""Sent on HTTPS responses only: browsers ignore it over HTTP, and a developer's
``http://localhost`` must not be pinned to HTTPS. Subdomains are the provider's to decide."""


FORM_MIMETYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
NUL_REFUSED = (
    "What you sent contains a NUL character (\\0), which no field accepts. "
    "Remove it and try again; nothing was changed."
)


def check_csrf() -> None:
    """Refuse any state-changing request without a valid CSRF token, form or not.

    An API request signed in by a bearer token needs none: no cookie is involved, so no
    other site can make a browser send it. Nor does the API's answer for unknown
    addresses, which changes nothing and must say 404/405 rather than "no CSRF token"."""
    if request.method in db.SAFE_METHODS or current_token() is not None:
        return
    if request.endpoint == API_UNMATCHED:
        return
    token = request.form.get("csrf_token") or request.headers.get("X-CSRFToken")
    try:
        validate_csrf(token)
    except ValidationError as exc:
        raise CSRFError(str(exc)) from exc


def refuse_nul_characters() -> Response | None:
    """Refuse a query string, form or JSON body with a NUL character, before any view
    reads it.

    No field has a use for one, PostgreSQL cannot store or compare text holding it (an
    error, not an answer), and SQLite's LIKE stops reading a pattern there, so a search
    for "\\x00" matched every row. A clear 400 on both backends, and nothing changes.
    JSON writes "\\u0000" for it, which only shows once the body is decoded, so a JSON
    body is decoded here (Flask keeps it for the view) and every key and string checked.
    """
    values = [*request.args.values(), *request.args.keys()]
    if request.method not in db.SAFE_METHODS and request.mimetype in FORM_MIMETYPES:
        values += [*request.form.values(), *request.form.keys()]
    writes_json = request.method not in db.SAFE_METHODS and request.is_json
    if writes_json and _holds_nul(request.get_json(silent=True)):
        if is_api_request():
            fail(400, "nul_character", NUL_REFUSED)  # the API's error envelope
        # A JSON client (the attempt page's autosave) reads refusals as JSON.
        refusal = jsonify({"error": {"code": 400, "message": NUL_REFUSED}})
        refusal.status_code = 400
        return refusal
    # A multipart part whose name does not parse is listed under the key None.
    if any(value is not None and "\x00" in value for value in values):
        abort(400, description=NUL_REFUSED)
    return None


def _holds_nul(value: Any) -> bool:
    """Whether a decoded JSON value has a NUL in any string, key or nested value."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


def reload_packages_in_debug() -> None:
    """In debug mode, publish package changes on disk before the next request (a local
    convenience for authors; production reloads only with `coursekit modules reload`)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.debug and app.extensions["coursekit"].library.changed_on_disk():
        publish_packages(app)


def commit_request(response: Response) -> Response:
    """Commit the request's writes once if it succeeded, roll them back if not. A commit
    the database refuses (gone, restarting, disk full) kept nothing: the view's answer
    is replaced by the 503 page, so nobody is told that something was saved."""
    try:
        db.commit_request(response_ok=response.status_code < 400)
    except OperationalError as error:
        return render_unavailable(error)
    return response


def add_security_headers(response: Response) -> Response:
    """Set coursekit's security headers where a view has not set its own."""
    for header, value in SECURITY_HEADERS.items():
        response.headers.setdefault(header, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def template_context() -> dict[str, Any]:
    """What every coursekit template may use."""
    config = current_app.config
    account = current_account()
    return {
        "ck_site_name": config["COURSEKIT_SITE_NAME"],
        "ck_provider_name": config["COURSEKIT_PROVIDER_NAME"],
        "ck_account": account,
        "ck_roles": account.role_names if account else frozenset(),
        "ck_signed_in": current_user.is_authenticated,
        "ck_own_login": current_app.extensions["coursekit"].own_login,
        "ck_logout_form": LogoutForm,
        "ck_short_seat_time": config["COURSEKIT_SEAT_TIME_SCALE"] < 1,
    }


def make_blueprint(*, own_login: bool) -> Blueprint:
    """Build the blueprint for one app: the credential pages when coursekit owns the
    login, the host users' first-visit page when the host does."""
    bp = Blueprint(
        "coursekit",
        __name__,
        template_folder="templates",
        static_folder="static",
        static_url_path="/static",
    )
    bp.before_request(reload_packages_in_debug)
    bp.before_request(refuse_nul_characters)
    bp.before_request(authenticate_token)
    bp.before_request(enforce_access)
    bp.before_request(check_csrf)
    # After-request hooks run last-registered first: the commit goes first, so a 503
    # that replaces a response whose commit failed gets the security headers too.
    bp.after_request(add_security_headers)
    bp.after_request(commit_request)
    bp.register_error_handler(HTTPException, render_error)
    bp.register_error_handler(OperationalError, render_unavailable)
    bp.register_error_handler(OSError, render_unavailable)
    bp.context_processor(template_context)
    bp.register_blueprint(pages.bp)
    bp.register_blueprint(account_views.bp)
    bp.register_blueprint(admin_views.bp)
    bp.register_blueprint(console_views.bp)
    bp.register_blueprint(user_admin_views.bp)
    bp.register_blueprint(admin_module_views.bp)
    bp.register_blueprint(catalog_views.bp)
    bp.register_blueprint(lesson_views.bp)
    bp.register_blueprint(attempt_views.bp)
    bp.register_blueprint(evaluation_views.bp)
    bp.register_blueprint(statistics_views.bp)
    bp.register_blueprint(worksheet_views.bp)
    bp.register_blueprint(my_modules_views.bp)
    bp.register_blueprint(transcript_views.bp)
    bp.register_blueprint(progress_views.bp)
    bp.register_blueprint(report_views.bp)
    bp.register_blueprint(certificate_views.bp)
    bp.register_blueprint(verify_views.bp)
    bp.register_blueprint(certificate_admin_views.bp)
    bp.register_blueprint(provider_views.bp)
    bp.register_blueprint(attestation_views.bp)
    bp.register_blueprint(roster_views.bp)
    bp.register_blueprint(badge_views.bp)
    bp.register_blueprint(audit_views.bp)
    bp.register_blueprint(preview_views.bp)
    bp.register_blueprint(staged_preview_views.bp)
    bp.register_blueprint(authoring_views.bp)
    bp.register_blueprint(upload_admin_views.bp)
    bp.register_blueprint(webhook_views.bp)
    bp.register_blueprint(token_views.bp)
    bp.register_blueprint(api_bp, url_prefix=API_PREFIX)
    if own_login:
        bp.register_blueprint(auth_views.bp)
    else:
        bp.register_blueprint(host_profile_views.bp)
    return bp
