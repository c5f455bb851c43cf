"""The ``ApiToken`` model."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coursekit.accounts.models import User
from coursekit.db import Base, utcnow


class TokenKind(StrEnum):
    """Who a token is for: a person's own scripts, or another system of the provider."""

    PERSONAL = "personal"
    INTEGRATION = "integration"


class Scope(StrEnum):
    """What a token may do. Scopes do not imply each other; a token carries each it needs.

    ``read``: GET endpoints open to learners; ``write``: a learner's own writes (enrol,
    lessons, attempts, worksheets, evaluations, profile); ``admin``: every endpoint whose
    policy is instructor or admin, reads and writes alike.
    """

    READ = "read"
    WRITE = "write"
    ADMIN = "admin"


class ApiToken(Base):
    """One API token. Revoking sets ``revoked_at``: the row stays, for the audit trail.

    Only ``token_hash`` (SHA-256 of the token) and ``prefix`` (its first characters, so a
    person can tell their tokens apart) are stored, never the token.
    """

    __tablename__ = "coursekit_api_token"
    __table_args__ = (CheckConstraint("kind IN ('personal', 'integration')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("coursekit_user.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))
    scopes: Mapped[list[str]] = mapped_column(JSON)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="raise")

    def usable_at(self, now: datetime) -> bool:
        """Not revoked, not expired, and its user may still sign in."""
        return (
            self.revoked_at is None
            and (self.expires_at is None or self.expires_at > now)
            and self.user.is_active
        )
