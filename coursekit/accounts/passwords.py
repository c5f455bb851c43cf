"""Password policy and hashing.

Hashes use Werkzeug's scrypt (a memory-hard KDF; Werkzeug ships with Flask, so no extra
dependency), at the cost ``COURSEKIT_PASSWORD_HASH_METHOD`` sets. The policy follows NIST
SP 800-63B: a minimum and maximum length, no composition rules, and a refusal of the most
common passwords.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash


@cache
def _dummy_hash(method: str) -> str:
    """Compared against when the email is unknown, so a failed login costs the same time
    whether or not the account exists. Made on first use, not at import: an scrypt hash
    would add its cost to every process start, CLI commands included."""
    return generate_password_hash("not a real password", method=method)


@cache
def common_passwords() -> frozenset[str]:
    """The 1,000 most common passwords, lower-cased (see the data file's header)."""
    text = files("coursekit.accounts").joinpath("common-passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def password_problems(password: str, *, email: str | None = None) -> list[str]:
    """Why ``password`` is not acceptable, as messages for the learner; empty if it is."""
    config = current_app.config
    minimum = config["COURSEKIT_PASSWORD_MIN_LENGTH"]
    maximum = config["COURSEKIT_PASSWORD_MAX_LENGTH"]
    problems = []
    if len(password) < minimum:
        problems.append(f"Use at least {minimum} characters.")
    if len(password) > maximum:
        problems.append(f"Use at most {maximum} characters.")
    lowered = password.lower()
    if lowered in common_passwords():
        problems.append("This is one of the most common passwords; choose another.")
    elif email and lowered == email.lower():
        problems.append("Do not use your email address as your password.")
    return problems


def hash_password(password: str) -> str:
    """A salted scrypt hash of ``password``."""
    return generate_password_hash(password, method=_method())


def _method() -> str:
    return current_app.config["COURSEKIT_PASSWORD_HASH_METHOD"]


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``; takes the same time when there is
    no hash (unknown account)."""
    if password_hash is None:
        check_password_hash(_dummy_hash(_method()), password)
        return False
    return check_password_hash(password_hash, password)
