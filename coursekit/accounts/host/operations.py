"""Writes: the coursekit account of a host app's user."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from coursekit import db
from coursekit.accounts.host.queries import account_for_host_user
from coursekit.accounts.models import Role, User, UserRole
from coursekit.accounts.operations import AccountChangeRefused, add_account
from coursekit.accounts.queries import user_by_email
from coursekit.accounts.rules import check_new_account
from coursekit.audit.operations import record
from coursekit.errors import ValidationFailed

HOST_ID_MAX_LENGTH = 255

EMAIL_TAKEN = (
    "Another CE account already uses this email. Use a different email, or ask your "
    "course provider to link that account to you."
)


def link_host_user(
    *,
    host_user_id: str,
    email: str,
    first_name: str,
    last_name: str,
    nccaom_id: str | None = None,
    roles: Iterable[Role] = (),
) -> User:
    """Create the coursekit account of the host user ``host_user_id`` (its CE profile).

    The account has no password: the host owns the credentials. The same rules as
    registration apply to the name, NCCAOM ID and email. An email that another account
    already holds is refused rather than taken over: the host may not have verified it,
    and that account's records belong to whoever registered it.

    The first-visit page calls this; a host that creates its users' CE profiles itself
    (at its own sign-up, say) calls it too, then commits ``coursekit.db.session``.
    """
    _check_host_user_id(host_user_id)
    if account_for_host_user(host_user_id) is not None:
        raise ValidationFailed({"host_user": ["This user already has a CE profile."]})
    email, errors = check_new_account(
        email=email, first_name=first_name, last_name=last_name, nccaom_id=nccaom_id
    )
    if "email" not in errors and user_by_email(email) is not None:
        errors["email"] = [EMAIL_TAKEN]
    if errors:
        raise ValidationFailed(errors)
    user = User(
        host_user_id=host_user_id,
        email=email,
        password_hash=None,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        nccaom_id=nccaom_id or None,
        roles=[UserRole(role=role) for role in {Role.LEARNER, *roles}],
    )
    return add_account(user, EMAIL_TAKEN)


def link_existing_account(
    user: User, host_user_id: str, *, actor: User | None, reason: str, now: datetime
) -> User:
    """Link an account made before the site mounted CourseKit (with CourseKit's own
    sign-up) to the host user ``host_user_id``, keeping every record it has; an audit
    entry names the link and the reason.

    ``AccountChangeRefused`` (nothing changes) when the reason is blank, the host user
    already has a CE account (two accounts cannot merge: their records stay apart), or
    this account is already linked (a link is never moved silently: it decides whose
    certificates a host user sees). The account's password stays, unused while the
    host owns sign-in."""
    _check_host_user_id(host_user_id)
    if not reason.strip():
        raise AccountChangeRefused("Give the reason: it is kept in the audit log.", 422)
    if user.host_user_id is not None:
        raise AccountChangeRefused(
            f"{user.email} is already linked to host user {user.host_user_id!r}. "
            "Nothing was changed."
        )
    holder = account_for_host_user(host_user_id)
    if holder is not None:
        raise AccountChangeRefused(
            f"Host user {host_user_id!r} already has the CE account {holder.email}. "
            "Nothing was changed."
        )
    user.host_user_id = host_user_id
    db.session.flush()
    record(
        "user.host_linked",
        f"user:{user.id}",
        actor=actor,
        at=now,
        reason=reason.strip(),
        host_user_id=host_user_id,
    )
    return user


def _check_host_user_id(host_user_id: str) -> None:
    if not host_user_id or len(host_user_id) > HOST_ID_MAX_LENGTH:
        raise ValueError(f"a host user id is 1 to {HOST_ID_MAX_LENGTH} characters")
