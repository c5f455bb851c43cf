"""Writes to accounts. Every rule on account data is checked here, once, for the pages,
the CLI and (later) the API alike. Functions flush; the caller commits."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from flask import current_app, render_template
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from coursekit import db, signals
from coursekit.accounts.models import (
    AccountStatus,
    Role,
    StateLicence,
    User,
    UserRole,
    new_session_token,
)
from coursekit.accounts.passwords import hash_password, password_problems, verify_password
from coursekit.accounts.queries import user_by_email, with_licences
from coursekit.accounts.rules import check_new_account, name_and_id_problems
from coursekit.accounts.states import STATE_NAMES
from coursekit.accounts.tokens import (
    InvalidResetToken,
    make_reset_token,
    password_fingerprint,
    read_reset_token,
)
from coursekit.audit.operations import record
from coursekit.db import utcnow
from coursekit.errors import CourseKitError, ValidationFailed
from coursekit.mail import send_mail


def add_account(user: User, duplicate_message: str) -> User:
    """Store a new account and announce it (``user_registered``).

    A concurrent request that stored the same email (or host user) first wins the race;
    this one is refused with ``duplicate_message`` and nothing is written.
    """
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError as exc:
        raise ValidationFailed({"email": [duplicate_message]}) from exc
    signals.user_registered.send(current_app._get_current_object(), user=user)
    return user


def register_user(
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    nccaom_id: str | None = None,
    roles: Iterable[Role] = (),
) -> User:
    """Create an account. Every account is a learner; ``roles`` adds more."""
    email, errors = check_new_account(
        email=email, first_name=first_name, last_name=last_name, nccaom_id=nccaom_id
    )
    if problems := password_problems(password, email=email):
        errors["password"] = problems
    if "email" not in errors and user_by_email(email) is not None:
        errors["email"] = [
            "An account with this email already exists. Sign in or reset your password."
        ]
    if errors:
        raise ValidationFailed(errors)
    user = User(
        email=email,
        password_hash=hash_password(password),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        nccaom_id=nccaom_id or None,
        roles=[UserRole(role=role) for role in {Role.LEARNER, *roles}],
    )
    return add_account(user, "An account with this email already exists.")


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, stamped with the login time; else None.

    Takes the same time for an unknown email as for a wrong password.
    """
    user = user_by_email(email)
    if not verify_password(user.password_hash if user else None, password):
        return None
    if not user.is_active:
        return None
    user.last_login_at = utcnow()
    return user


def _set_password(user: User, new_password: str) -> None:
    if problems := password_problems(new_password, email=user.email):
        raise ValidationFailed({"new_password": problems})
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    end_sessions(user)
    signals.password_changed.send(current_app._get_current_object(), user=user)


def end_sessions(user: User) -> None:
    """Sign ``user`` out everywhere: every session and remember cookie carries the old
    session token, so a copy of a cookie kept from before stops working too."""
    user.session_token = new_session_token()
    db.session.flush()


def change_password(user: User, current_password: str, new_password: str) -> User:
    """Change a signed-in user's password after checking the current one."""
    if not verify_password(user.password_hash, current_password):
        raise ValidationFailed({"current_password": ["Your current password is not correct."]})
    _set_password(user, new_password)
    return user


def request_password_reset(email: str, reset_url_for: Callable[[str], str]) -> None:
    """Mail a reset link if an active account has this email; do nothing otherwise, so the
    page cannot be used to find out who has an account."""
    user = user_by_email(email)
    if user is None or not user.is_active:
        return
    link = reset_url_for(make_reset_token(user))
    body = render_template("coursekit/accounts/reset_mail.txt", user=user, link=link)
    send_mail(user.email, "Reset your CourseKit password", body)


def user_for_reset_token(token: str) -> User:
    """The account a reset link is good for, or ``InvalidResetToken`` saying why not."""
    user_id, fingerprint = read_reset_token(token)
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or password_fingerprint(user) != fingerprint:
        raise InvalidResetToken("This reset link has already been used. Ask for a new one.")
    return user


def reset_password(user: User, new_password: str) -> User:
    """Set a new password from a reset link (which dies with the old password)."""
    _set_password(user, new_password)
    return user


def update_profile(user: User, *, first_name: str, last_name: str, nccaom_id: str | None) -> User:
    """Change the legal name and NCCAOM ID a learner's certificates will carry."""
    if errors := name_and_id_problems(first_name, last_name, nccaom_id):
        raise ValidationFailed(errors)
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.nccaom_id = nccaom_id or None
    db.session.flush()
    return user


def add_licence(user: User, *, state: str, number: str) -> StateLicence:
    """Record a state licence; one current licence per state."""
    state = state.strip().upper()
    number = number.strip()
    errors: dict[str, list[str]] = {}
    if state not in STATE_NAMES:
        errors["state"] = ["Choose a US state or territory."]
    if not number:
        errors["number"] = ["Enter the licence number."]
    elif len(number) > 40:
        errors["number"] = ["A licence number has at most 40 characters."]
    current = with_licences(user).licences
    if not errors and any(licence.state == state for licence in current):
        errors["state"] = [f"You already have a {STATE_NAMES[state]} licence; remove it first."]
    if errors:
        raise ValidationFailed(errors)
    licence = StateLicence(user=user, state=state, number=number)
    db.session.add(licence)
    db.session.flush()
    db.session.expire(user, ["licences"])
    return licence


def remove_licence(user: User, licence_id: int) -> None:
    """Mark one of the user's current licences as removed (the record stays)."""
    current = with_licences(user).licences
    licence = next((item for item in current if item.id == licence_id), None)
    if licence is None:
        raise ValidationFailed({"licence": ["That licence is not on your profile."]})
    licence.removed_at = utcnow()
    db.session.flush()
    db.session.expire(user, ["licences"])


class AccountChangeRefused(CourseKitError):
    """An administrative change the account rules refuse, with the HTTP status that says
    why (409: it would leave no active administrator, or it is already so)."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


LAST_ADMIN_MESSAGE = (
    "{name} is the last active administrator: give another account the admin role "
    "first. Nothing was changed."
)


def _refuse_losing_last_admin(user: User) -> None:
    """Refuse a change that takes the admin role or the active status from the last
    active administrator.

    The active administrators' rows are locked first (``FOR UPDATE`` on PostgreSQL;
    SQLite writes already queue behind ``BEGIN IMMEDIATE``), and counted in a second
    statement that sees what a concurrent change committed meanwhile: two admins
    demoting each other at the same moment cannot both succeed.
    """
    if not (user.is_active and user.has_role(Role.ADMIN)):
        return
    active_admins = (
        select(User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.ADMIN, User.status == AccountStatus.ACTIVE)
    )
    db.session.execute(active_admins.with_for_update(of=User)).all()
    others = db.session.scalar(
        select(func.count()).select_from(active_admins.where(User.id != user.id).subquery())
    )
    if not others:
        raise AccountChangeRefused(LAST_ADMIN_MESSAGE.format(name=user.full_name))


def _audit(action: str, user: User, **kwargs: Any) -> None:
    record(action, f"user:{user.id}", **kwargs)


def set_status(
    user: User,
    status: AccountStatus,
    *,
    actor: User | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> User:
    """Disable or re-enable an account, with an audit entry. Nothing is deleted.

    Disabling draws a new session token: every session and remember cookie ends at its
    next request, and stays ended when the account is enabled again. The last active
    administrator cannot be disabled (``AccountChangeRefused``).
    """
    if user.status == status:
        raise AccountChangeRefused(f"{user.email} is already {status}. Nothing was changed.")
    if status == AccountStatus.DISABLED:
        _refuse_losing_last_admin(user)
        end_sessions(user)
    before, user.status = user.status, status
    db.session.flush()
    action = "user.disabled" if status == AccountStatus.DISABLED else "user.enabled"
    _audit(
        action,
        user,
        actor=actor,
        at=now or utcnow(),
        reason=reason.strip(),
        before=before,
        after=str(status),
    )
    return user


def change_roles(
    user: User,
    roles: Iterable[Role],
    *,
    actor: User | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> User:
    """Give ``user`` exactly ``roles`` (plus learner, which every account holds), with one
    audit entry naming the roles before and after.

    Refused (``AccountChangeRefused``) when nothing would change, and when the last
    active administrator would lose the admin role.
    """
    before = sorted(user.role_names)
    wanted = {Role.LEARNER, *roles}
    if wanted == user.role_names:
        raise AccountChangeRefused(
            f"{user.email} already has roles {', '.join(before)}. Nothing was changed."
        )
    if Role.ADMIN not in wanted:
        _refuse_losing_last_admin(user)
    for held in list(user.roles):
        if held.role not in wanted:
            user.roles.remove(held)
    for role in sorted(wanted - user.role_names):
        user.roles.append(UserRole(role=role))
    db.session.flush()
    _audit(
        "user.roles_changed",
        user,
        actor=actor,
        at=now or utcnow(),
        reason=reason.strip(),
        before=before,
        after=sorted(user.role_names),
    )
    return user


def grant_role(user: User, role: Role, **audit: Any) -> User:
    """Give ``user`` one more role (``change_roles`` with it added)."""
    if role in user.role_names:
        raise AccountChangeRefused(f"{user.email} already has the {role} role.")
    return change_roles(user, {*map(Role, user.role_names), role}, **audit)


def revoke_role(user: User, role: Role, **audit: Any) -> User:
    """Take one role from ``user``; every account stays a learner."""
    if role == Role.LEARNER:
        raise AccountChangeRefused("Every account is a learner; that role cannot be revoked.")
    if role not in user.role_names:
        raise AccountChangeRefused(f"{user.email} does not have the {role} role.")
    return change_roles(user, {Role(held) for held in user.role_names} - {role}, **audit)


def correct_legal_name(
    user: User,
    *,
    first_name: str,
    last_name: str,
    actor: User | None,
    reason: str,
    now: datetime,
) -> User:
    """An administrator corrects the legal name, with the reason and the names before
    and after in the audit log. The same rules as the learner's profile apply.
    Certificates already issued keep the name they print until they are reissued."""
    errors = name_and_id_problems(first_name, last_name, None)
    if not reason.strip():
        errors["reason"] = ["Give the reason: it is kept in the audit log."]
    if errors:
        raise ValidationFailed(errors)
    before = {"first_name": user.first_name, "last_name": user.last_name}
    after = {"first_name": first_name.strip(), "last_name": last_name.strip()}
    if before == after:
        raise AccountChangeRefused(
            f"The legal name is already {user.full_name}. Nothing was changed.", 422
        )
    user.first_name, user.last_name = after["first_name"], after["last_name"]
    db.session.flush()
    _audit(
        "user.name_corrected",
        user,
        actor=actor,
        at=now,
        reason=reason.strip(),
        before=before,
        after=after,
    )
    return user
