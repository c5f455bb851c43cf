"""Writes to accounts. Every rule on account data is checked here, once, for the pages,
the CLI and (later) the API alike. Functions flush; the caller commits."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from email_validator import EmailNotValidError, validate_email
from flask import current_app, render_template
from sqlalchemy.exc import IntegrityError

from coursekit import db, signals
from coursekit.accounts.models import (
    NCCAOM_ID_PATTERN,
    AccountStatus,
    Role,
    StateLicence,
    User,
    UserRole,
    new_session_token,
)
from coursekit.accounts.passwords import hash_password, password_problems, verify_password
from coursekit.accounts.queries import normalise_email, user_by_email
from coursekit.accounts.states import STATE_NAMES
from coursekit.accounts.tokens import (
    InvalidResetToken,
    make_reset_token,
    password_fingerprint,
    read_reset_token,
)
from coursekit.db import utcnow
from coursekit.errors import ValidationFailed
from coursekit.mail import send_mail


def _checked_email(email: str) -> str:
    try:
        return validate_email(normalise_email(email), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValidationFailed({"email": [str(exc)]}) from exc


NAME_MAX_LENGTH = 100


def _check_name_and_id(
    first_name: str, last_name: str, nccaom_id: str | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for field, value, label in (
        ("first_name", first_name, "first"),
        ("last_name", last_name, "last"),
    ):
        if not value.strip():
            errors[field] = [f"Enter your legal {label} name."]
        elif len(value.strip()) > NAME_MAX_LENGTH:
            errors[field] = [f"A name has at most {NAME_MAX_LENGTH} characters."]
    if nccaom_id and not re.fullmatch(NCCAOM_ID_PATTERN, nccaom_id):
        errors["nccaom_id"] = ["An NCCAOM ID is 3 to 6 digits and does not start with 0."]
    return errors


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
    errors = _check_name_and_id(first_name, last_name, nccaom_id)
    try:
        email = _checked_email(email)
    except ValidationFailed as exc:
        errors.update(exc.errors)
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
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError as exc:  # a concurrent registration won the race
        raise ValidationFailed({"email": ["An account with this email already exists."]}) from exc
    signals.user_registered.send(current_app._get_current_object(), user=user)
    return user


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
    # Every session and remember cookie carries the old token; they all end here.
    user.session_token = new_session_token()
    db.session.flush()
    signals.password_changed.send(current_app._get_current_object(), user=user)


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
    if errors := _check_name_and_id(first_name, last_name, nccaom_id):
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
    if not errors and any(licence.state == state for licence in user.licences):
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
    licence = next((item for item in user.licences if item.id == licence_id), None)
    if licence is None:
        raise ValidationFailed({"licence": ["That licence is not on your profile."]})
    licence.removed_at = utcnow()
    db.session.flush()
    db.session.expire(user, ["licences"])


def set_status(user: User, status: AccountStatus) -> None:
    """Disable or re-enable an account. Disabling ends its sessions at their next request
    (the session loader refuses inactive accounts); nothing is deleted."""
    user.status = status
    db.session.flush()


def grant_role(user: User, role: Role) -> None:
    """Give ``user`` a role they do not yet hold."""
    if role not in user.role_names:
        user.roles.append(UserRole(role=role))
        db.session.flush()
