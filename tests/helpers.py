"""Helpers for driving pages like a browser: fetch a form's CSRF token, then post."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

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
