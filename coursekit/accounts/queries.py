"""Reads of users and their licences."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, with_parent
from sqlalchemy.orm.attributes import set_committed_value

from coursekit import db
from coursekit.accounts.models import StateLicence, User
from coursekit.db import utcnow

_CLOCK_SKEW_SECONDS = 300
"""How far ahead of this server's clock a sign-in time may be (another server's clock)."""


def normalise_email(email: str) -> str:
    """Emails are compared and stored in lower case, without surrounding spaces."""
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    """The account registered with ``email``, if any."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def with_licences(user: User) -> User:
    """``user``, with its current licences (``user.licences``) read in one query.

    Pages, records and certificates that list licences call this first: the signed-in
    user is loaded without them (most pages do not show them), and a lazy load in a
    request is refused in tests. It costs what the lazy load did, but on purpose.
    """
    licences = db.session.scalars(
        select(StateLicence)
        .where(with_parent(user, User.licences))
        .order_by(*User.licences.property.order_by)
    )
    set_committed_value(user, "licences", list(licences))
    return user


def user_for_session(session_id: str) -> User | None:
    """The active user a Flask-Login id (``User.get_id``) stands for.

    A changed password, a sign-out or disabling rotates the session token, so ids minted
    before it no longer load; nor does one signed in more than ``COURSEKIT_REMEMBER_DAYS``
    ago (or claiming a time ahead of the clock), whatever cookie carries it.
    """
    parts = session_id.split(":")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1] or not parts[2].isdigit():
        return None
    user_id, token, signed_in_at = parts
    age = utcnow().timestamp() - int(signed_in_at)
    lifetime = timedelta(days=current_app.config["COURSEKIT_REMEMBER_DAYS"]).total_seconds()
    if not -_CLOCK_SKEW_SECONDS <= age <= lifetime:
        return None
    # Every signed-in request runs this: one query with the roles joined, not two.
    user = db.session.get(User, int(user_id), options=[joinedload(User.roles)])
    if user is None or user.session_token != token or not user.is_active:
        return None
    return user


def search_users(text: str = "", *, limit: int = 50, offset: int = 0) -> tuple[list[User], int]:
    """Users whose email or name contains ``text`` (newest first), and how many match."""
    query = select(User)
    if text:
        needle = text.strip()
        query = query.where(
            or_(
                db.contains_text(User.email, needle),
                db.contains_text(User.first_name + " " + User.last_name, needle),
                User.nccaom_id == needle,
            )
        )
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    users = db.session.scalars(query.order_by(User.id.desc()).limit(limit).offset(offset))
    return list(users), total
