"""Signed, expiring password-reset tokens.

A token carries the user id and a fingerprint of the user's current password hash, so it
stops working as soon as the password changes: it can be used once, and an older link is
dead after any reset or change.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from coursekit.accounts.models import User

_SALT = "coursekit.password-reset"


class InvalidResetToken(Exception):
    """The reset link is malformed, tampered with, expired or already used."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALT)


def password_fingerprint(user: User) -> str:
    """A short digest of the user's password hash; changes whenever the password does
    (an account linked to a host user has none until it is given one)."""
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def make_reset_token(user: User) -> str:
    """A token for resetting ``user``'s password."""
    return _serializer().dumps({"user": user.id, "pw": password_fingerprint(user)})


def read_reset_token(token: str) -> tuple[int, str]:
    """The user id and password fingerprint a valid, unexpired token was made for.

    The caller compares the fingerprint with the user's current one.
    """
    max_age = current_app.config["COURSEKIT_RESET_TOKEN_MAX_AGE"]
    try:
        payload = _serializer().loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise InvalidResetToken("This reset link has expired. Ask for a new one.") from exc
    except BadSignature as exc:
        raise InvalidResetToken("This reset link is not valid. Ask for a new one.") from exc
    if (
        not isinstance(payload, dict)
        or not isinstance(payload.get("user"), int)
        or not isinstance(payload.get("pw"), str)
    ):
        raise InvalidResetToken("This reset link is not valid. Ask for a new one.")
    return payload["user"], payload["pw"]
