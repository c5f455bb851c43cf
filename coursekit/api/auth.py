"""Who is calling the API: a bearer token, or the browser session.

A request with ``Authorization: Bearer <token>`` is that token's user for this request
only: Flask-Login's current user is set on ``g`` (no session, no cookie), so every
``@access`` policy and every view works unchanged. Token requests skip CSRF (a browser
never attaches the header by itself); session requests don't. Each token's scopes
bound what it may call (:func:`required_scope`); each token (or session user, or
anonymous address) has its own rate limit.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, g, request
from sqlalchemy import or_, update
from sqlalchemy.exc import SQLAlchemyError

from coursekit.access import API_BLUEPRINT, Policy, current_account, policy_of
from coursekit.api.errors import fail
from coursekit.api.tokens.models import ApiToken, Scope
from coursekit.api.tokens.queries import token_for_secret
from coursekit.db import SAFE_METHODS, utcnow
from coursekit.ratelimit import hit

TOUCH_INTERVAL = timedelta(minutes=1)
"""``last_used_at`` is written at most this often per token: not a write per request."""


def is_api_request() -> bool:
    """Whether the current request was routed to an API endpoint."""
    return API_BLUEPRINT in request.blueprints


def current_token() -> ApiToken | None:
    """The token that authenticated this request, if one did."""
    return g.get("_coursekit_api_token")


def authenticate_token() -> None:
    """Before the access check: sign the request in as its bearer token's user.

    Only API requests read the header (pages never accept tokens). A missing header
    leaves the session to decide; a malformed, unknown, expired or revoked token, or one
    whose user is disabled, is refused with 401.
    """
    if not is_api_request():
        return
    header = request.headers.get("Authorization")
    if header is None:
        return
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        fail(401, "invalid_token", "Send the token as: Authorization: Bearer <token>.")
    token = token_for_secret(secret.strip())
    if token is None or not token.usable_at(utcnow()):
        fail(401, "invalid_token", "The token is unknown, expired or revoked.")
    g._coursekit_api_token = token
    # Plain values for the teardown: a refused request's rollback expires the row.
    g._coursekit_api_token_use = (token.id, token.last_used_at)
    g._login_user = token.user  # Flask-Login's current user, for this request only


def required_scope(policy: Policy, method: str) -> Scope:
    """The scope a token needs: admin for instructor and admin endpoints, else read for
    safe methods and write for the rest."""
    if policy in ("instructor", "admin"):
        return Scope.ADMIN
    return Scope.READ if method in SAFE_METHODS else Scope.WRITE


def check_scope() -> None:
    """API ``before_request`` (after the access check): a token must carry the scope
    the endpoint needs; then spend one request of the caller's rate limit."""
    token = current_token()
    if token is not None and request.endpoint is not None:
        policy = policy_of(request.endpoint)
        needed = required_scope(policy, request.method) if policy is not None else Scope.ADMIN
        if policy != "public" and needed not in token.scopes:
            fail(403, "insufficient_scope", f"This token lacks the {needed} scope.")
    hit("COURSEKIT_API_LIMIT", key=_limit_key, shared="api")


def _limit_key() -> str:
    token = current_token()
    if token is not None:
        return f"api-token:{token.id}"
    account = current_account()
    if account is not None:
        return f"api-user:{account.id}"
    return f"api-address:{request.remote_addr}"


def touch_token(_exc: BaseException | None = None) -> None:
    """Teardown: note when the token was last used, at most once per ``TOUCH_INTERVAL``.

    Runs after the request committed, in a short write of its own, so a GET stays a
    read-only transaction and a failed request still counts as a use.
    """
    use = g.get("_coursekit_api_token_use")
    now = utcnow()
    if use is None or (use[1] is not None and now - use[1] < TOUCH_INTERVAL):
        return
    database = current_app.extensions["coursekit"].db
    try:
        with database.new_session() as session, session.begin():
            session.execute(
                update(ApiToken)
                .where(ApiToken.id == use[0])
                .where(
                    or_(
                        ApiToken.last_used_at.is_(None),
                        ApiToken.last_used_at < now - TOUCH_INTERVAL,
                    )
                )
                .values(last_used_at=now)
            )
    except SQLAlchemyError:
        # A convenience for the token's owner: a busy database must not fail a request
        # that has already been answered.
        current_app.logger.warning("Could not record the last use of API token %s", use[0])
