"""Creating and revoking API tokens (writes that flush; the request commits)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime

from coursekit import db
from coursekit.accounts.models import Role, User
from coursekit.api.tokens.models import ApiToken, Scope, TokenKind
from coursekit.audit.operations import record
from coursekit.errors import ValidationFailed

TOKEN_PREFIX = "ck_"  # noqa: S105  a label shown with tokens, not a secret  # nosec B105
"""Every token starts with this, so secret scanners and people can recognise one."""
VISIBLE_CHARACTERS = 10
"""How much of the token is kept and shown to tell tokens apart (``ck_`` and 7 more)."""


def hash_token(token: str) -> str:
    """The stored form of a token. The token has 256 random bits, so a plain SHA-256
    (no salt, no slow hash) cannot be reversed, and lets a request find it by index."""
    return hashlib.sha256(token.encode()).hexdigest()


def allowed_scopes(user: User) -> frozenset[str]:
    """The scopes ``user`` may give a token: admin only for instructors and admins."""
    staff = bool(user.role_names & {Role.INSTRUCTOR, Role.ADMIN})
    return frozenset(Scope) if staff else frozenset({Scope.READ, Scope.WRITE})


def create_token(
    user: User,
    *,
    name: str,
    kind: TokenKind,
    scopes: Iterable[str],
    expires_at: datetime | None,
    actor: User,
    now: datetime,
) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the row and the token, which is never stored.

    Raises ``ValidationFailed`` for an empty name, no scope, a scope the user may not
    hold, or an expiry in the past.
    """
    wanted = set(scopes)
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = ["Give the token a name that says where it is used."]
    if not wanted:
        errors["scopes"] = ["Choose at least one scope."]
    elif not wanted <= allowed_scopes(user):
        errors["scopes"] = ["The admin scope is only for instructors and administrators."]
    if expires_at is not None and expires_at <= now:
        errors["expires_at"] = ["The expiry must be in the future."]
    if errors:
        raise ValidationFailed(errors)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id,
        name=name.strip(),
        kind=kind,
        scopes=sorted(wanted),
        token_hash=hash_token(token),
        prefix=token[:VISIBLE_CHARACTERS],
        created_at=now,
        expires_at=expires_at,
    )
    db.session.add(row)
    db.session.flush()
    record(
        "api_token.created",
        f"api_token:{row.id}",
        actor=actor,
        at=now,
        user_id=user.id,
        name=row.name,
        kind=row.kind,
        scopes=row.scopes,
        expires_at=expires_at.isoformat() if expires_at else None,
    )
    return row, token


def revoke_token(row: ApiToken, *, actor: User, now: datetime) -> None:
    """Stop ``row`` from working from now on; revoking twice changes nothing."""
    if row.revoked_at is not None:
        return
    row.revoked_at = now
    db.session.flush()
    record("api_token.revoked", f"api_token:{row.id}", actor=actor, at=now, user_id=row.user_id)
