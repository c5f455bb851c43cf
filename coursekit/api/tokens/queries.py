"""Reading API tokens."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from coursekit import db
from coursekit.accounts.models import User
from coursekit.api.tokens.models import ApiToken, TokenKind
from coursekit.api.tokens.operations import hash_token


def token_for_secret(token: str) -> ApiToken | None:
    """The token row for a presented token, with its user (one query, two with roles)."""
    return db.session.scalar(
        select(ApiToken)
        .options(joinedload(ApiToken.user))
        .where(ApiToken.token_hash == hash_token(token))
    )


def personal_tokens(user: User) -> list[ApiToken]:
    """``user``'s personal tokens, newest first, revoked ones included (one query)."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.kind == TokenKind.PERSONAL)
            .order_by(ApiToken.id.desc())
        )
    )


def integration_tokens() -> list[ApiToken]:
    """Every integration token with the admin it acts as, newest first (one query)."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .options(joinedload(ApiToken.user))
            .where(ApiToken.kind == TokenKind.INTEGRATION)
            .order_by(ApiToken.id.desc())
        )
    )


def token_of(token_id: int, *, kind: TokenKind, user: User | None) -> ApiToken | None:
    """Token ``token_id`` of this kind, and of ``user`` when given (else None)."""
    query = select(ApiToken).where(ApiToken.id == token_id, ApiToken.kind == kind)
    if user is not None:
        query = query.where(ApiToken.user_id == user.id)
    return db.session.scalar(query)
