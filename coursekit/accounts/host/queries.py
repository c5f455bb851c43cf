"""Reads of the accounts linked to a host app's users."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from coursekit import db
from coursekit.accounts.models import User


def account_for_host_user(host_user_id: str) -> User | None:
    """The coursekit account linked to the host user ``host_user_id``, active or not.

    Every request of a signed-in host user runs this: one query, roles joined, as
    ``user_for_session`` does for coursekit's own login.
    """
    return db.session.scalar(
        select(User).where(User.host_user_id == host_user_id).options(joinedload(User.roles))
    )
