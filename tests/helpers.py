"""Test helpers: app settings, users, and driving pages like a browser (CSRF on)."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from coursekit import db
from coursekit.accounts import operations
from coursekit.accounts.models import Role, User
from coursekit.accounts.queries import user_by_email
from coursekit.assessment.worksheets.operations import assign_module
from coursekit.db import utcnow

PASSWORD = "correct horse battery staple"
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def client_from(app: Flask, address: str) -> FlaskClient:
    """A test client whose requests come from the client address ``address``."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def csrf_token(client: FlaskClient, page: str) -> str:
    """The CSRF token from the first form on ``page``."""
    response = client.get(page)
    match = _CSRF.search(response.text)
    assert match, f"no CSRF token on {page} ({response.status_code})"
    return match.group(1)


def submit(client: FlaskClient, page: str, data: dict, action: str | None = None) -> TestResponse:
    """Open ``page`` and post ``data`` with its CSRF token to ``action`` (default: page)."""
    token = csrf_token(client, page)
    return client.post(action or page, data={"csrf_token": token, **data})


def login(client: FlaskClient, email: str, password: str = PASSWORD, **extra: str) -> TestResponse:
    """Sign in through the login form."""
    return submit(client, "/login", {"email": email, "password": password, **extra})


def app_config(url: str, **extra: object) -> dict:
    """Settings for a test app on the database at ``url``."""
    return {
        "TESTING": True,
        "COURSEKIT_DATABASE_URL": url,
        "COURSEKIT_SECRET_KEY": "test-secret-key",
        "COURSEKIT_AUTO_MIGRATE": True,
        # Tests that need modules give their own folder (see ``make_app`` in conftest).
        "COURSEKIT_PUBLISH_ON_START": False,
        "COURSEKIT_RAISE_ON_LAZY_LOAD": True,
        # scrypt at 1/32 of its production cost: the suite hashes and checks passwords
        # thousands of times, and what it tests is the policy, not the cost.
        "COURSEKIT_PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        **extra,
    }


def make_user(
    app: Flask, email: str, *roles: Role, password: str = PASSWORD, **profile: str
) -> int:
    """Create an account straight through the operations layer; returns its id."""
    with app.app_context():
        user = operations.register_user(
            email=email,
            password=password,
            first_name=profile.get("first_name", "Test"),
            last_name=profile.get("last_name", email.split("@")[0].title()),
            nccaom_id=profile.get("nccaom_id"),
            roles=roles,
        )
        db.session.commit()
        return user.id


def assign(app: Flask, email: str, module_id: str) -> None:
    """Make an instructor responsible for a module (the CLI's operation)."""
    with app.app_context():
        assign_module(user_by_email(email), module_id, actor=None, now=utcnow())
        db.session.commit()


def load_user(app: Flask, user_id: int) -> User:
    """A fresh copy of a user from the database (with roles and licences loaded)."""
    with app.app_context():
        user = db.session.get(User, user_id)
        _ = user.licences, user.roles
        return user


def head_revision() -> str:
    """The newest migration shipped with coursekit."""
    from importlib.resources import files

    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(files("coursekit") / "migrations")).get_current_head()
