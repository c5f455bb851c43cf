"""Users, their roles and their state licences."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coursekit.db import Base, utcnow

NCCAOM_ID_PATTERN = r"^[1-9][0-9]{2,5}$"
"""NCCAOM IDs are 3 to 6 digits with no leading zero (CE-RULES.md)."""


class Role(StrEnum):
    """What a user may do. Every account is a learner; admins may also do what
    instructors do (see ``coursekit.access``)."""

    LEARNER = "learner"
    INSTRUCTOR = "instructor"
    ADMIN = "admin"


class AccountStatus(StrEnum):
    """Accounts are disabled, never deleted: their learner records must survive."""

    ACTIVE = "active"
    DISABLED = "disabled"


def new_session_token() -> str:
    """A fresh random value that ties login sessions to the current password."""
    return secrets.token_urlsafe(16)


class User(Base):
    """A person with an account: an acupuncturist, an instructor or an administrator.

    ``first_name`` and ``last_name`` are the legal names that boards match exactly.
    ``session_token`` is part of the id that Flask-Login keeps in the session and the
    remember cookie; changing it (on a password change, reset, sign-out or disabling)
    ends every session and remember cookie of the account.

    In a host app with its own login, ``host_user_id`` is the host user's id
    (``get_id()``) that the account belongs to, and ``password_hash`` is None: the host
    owns the credentials (docs/integration.md).
    """

    __tablename__ = "coursekit_user"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'disabled')", name="status"),
        CheckConstraint("email = lower(email)", name="email_lower"),
        # Learners lists walk names in order and stop at a page (keyset paging); the id
        # breaks ties between equal names (migration 0012).
        Index(None, "last_name", "first_name", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    host_user_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    nccaom_id: Mapped[str | None] = mapped_column(String(6))
    status: Mapped[str] = mapped_column(String(16), default=AccountStatus.ACTIVE)
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", lazy="selectin", cascade="all, delete-orphan"
    )
    licences: Mapped[list[StateLicence]] = relationship(
        back_populates="user",
        order_by="StateLicence.state",
        primaryjoin="and_(User.id == StateLicence.user_id, StateLicence.removed_at.is_(None))",
        viewonly=True,
    )

    # Flask-Login's user protocol.
    @property
    def is_active(self) -> bool:
        return self.status == AccountStatus.ACTIVE

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """The login id Flask-Login signs into the session and the remember cookie:
        ``"<user id>:<session token>:<signed-in at, Unix seconds>"``.

        Flask-Login reads it once, when the user signs in, so the time is the sign-in's;
        ``user_for_session`` refuses an id older than ``COURSEKIT_REMEMBER_DAYS``, because
        the remember cookie itself carries no expiry a server could check.
        """
        return f"{self.id}:{self.session_token}:{int(utcnow().timestamp())}"

    @property
    def role_names(self) -> frozenset[str]:
        """The roles this user holds."""
        return frozenset(role.role for role in self.roles)

    def has_role(self, role: Role) -> bool:
        """Whether the user holds ``role``."""
        return role in self.role_names

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class UserRole(Base):
    """One role held by one user, and when it was granted."""

    __tablename__ = "coursekit_user_role"
    __table_args__ = (CheckConstraint("role IN ('learner', 'instructor', 'admin')", name="role"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("coursekit_user.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="roles")


class StateLicence(Base):
    """A state licence to practise acupuncture, as the learner entered it.

    Removing a licence sets ``removed_at``; the row stays, because certificates and
    rosters issued while it was current name it. One current licence per state.
    """

    __tablename__ = "coursekit_state_licence"
    __table_args__ = (
        CheckConstraint("length(state) = 2 AND state = upper(state)", name="state_code"),
        Index(
            "uq_coursekit_state_licence_current",
            "user_id",
            "state",
            unique=True,
            sqlite_where=text("removed_at IS NULL"),
            postgresql_where=text("removed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("coursekit_user.id"), index=True)
    state: Mapped[str] = mapped_column(String(2))
    number: Mapped[str] = mapped_column(String(40))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class ModuleAssignment(Base):
    """An instructor assigned to a module (every version of it): they review its
    worksheets and read its results. Administrators act on every module."""

    __tablename__ = "coursekit_module_assignment"

    user_id: Mapped[int] = mapped_column(ForeignKey("coursekit_user.id"), primary_key=True)
    module_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
