"""Fixtures of the administrator API tests: a module and a provider that issues on
approval, an administrator's token with every scope, and the same administrator signed
in to the console, so a test drives the page and the API to the same outcome.

A test module imports the fixtures by their function names (``*_fixture``); pytest
knows them by ``name=``, so the tests' arguments do not shadow the imports."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from coursekit.accounts.models import Role
from tests.api_helpers import bearer, make_token
from tests.certificate_records import certificate_settings
from tests.helpers import csrf_token, login, make_user
from tests.package_factory import write_package

API = "/api/v1/admin"
ADMIN_EMAIL = "admin@example.org"


@pytest.fixture(name="app")
def app_fixture(make_app, tmp_path) -> Flask:
    write_package(tmp_path, "calf")
    return make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"),
        COURSEKIT_PUBLISH_ON_START=True,
        **certificate_settings(provider={"issuing": "approval"}),
    )


@pytest.fixture(name="admin_id")
def admin_id_fixture(app: Flask) -> int:
    return make_user(app, ADMIN_EMAIL, Role.ADMIN, first_name="Ada", last_name="Admin")


@pytest.fixture(name="token")
def token_fixture(app: Flask, admin_id: int) -> dict[str, str]:
    """The administrator's token with every scope."""
    return bearer(make_token(app, admin_id, "read", "write", "admin"))


@pytest.fixture(name="page")
def page_fixture(app: Flask, admin_id: int) -> FlaskClient:
    """The same administrator, signed in to the console."""
    client = app.test_client()
    login(client, ADMIN_EMAIL)
    return client


def post_form(client: FlaskClient, page_url: str, action: str, **data: str) -> TestResponse:
    """Post a console form with the CSRF token of the page that shows it."""
    return client.post(action, data={"csrf_token": csrf_token(client, page_url), **data})
