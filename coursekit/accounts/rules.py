"""The rules on an account's details, shared by registration, host-user linking, the
profile page and administrators' corrections."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

from coursekit.accounts.models import NCCAOM_ID_PATTERN
from coursekit.accounts.queries import normalise_email
from coursekit.errors import ValidationFailed


def checked_email(email: str) -> str:
    """``email`` normalised, or ``ValidationFailed`` saying why it is not an address."""
    try:
        return validate_email(normalise_email(email), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValidationFailed({"email": [str(exc)]}) from exc


NAME_MAX_LENGTH = 100


def name_and_id_problems(
    first_name: str, last_name: str, nccaom_id: str | None
) -> dict[str, list[str]]:
    """What is wrong with a legal name and NCCAOM ID, by field (empty if nothing)."""
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


def check_new_account(
    *, email: str, first_name: str, last_name: str, nccaom_id: str | None
) -> tuple[str, dict[str, list[str]]]:
    """The normalised email of a new account, and what is wrong with its details (empty
    when nothing is). Registration and host-user linking share these rules."""
    errors = name_and_id_problems(first_name, last_name, nccaom_id)
    try:
        email = checked_email(email)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    return email, errors
