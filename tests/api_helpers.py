"""Helpers for API tests: tokens made through the operations, bearer headers."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask

from coursekit import db
from coursekit.accounts.models import User
from coursekit.api.tokens.models import TokenKind
from coursekit.api.tokens.operations import create_token
from coursekit.db import utcnow

ALL_SCOPES = ("read", "write", "admin")


def make_token(
    app: Flask,
    user_id: int,
    *scopes: str,
    kind: TokenKind = TokenKind.PERSONAL,
    expires_at: datetime | None = None,
) -> str:
    """A new token for the user (read and write unless ``scopes`` says otherwise)."""
    with app.app_context():
        user = db.session.get(User, user_id)
        _, token = create_token(
            user,
            name="test",
            kind=kind,
            scopes=scopes or ("read", "write"),
            expires_at=expires_at or utcnow() + timedelta(days=1),
            actor=user,
            now=utcnow(),
        )
        db.session.commit()
        return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def error_code(response) -> str:
    """The envelope's slug, after checking the envelope's shape."""
    assert response.is_json, (response.status_code, response.text[:200])
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    return body["error"]["code"]
