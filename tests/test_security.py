"""CSRF on every state change, cookie flags, security headers and rate limits."""

from __future__ import annotations

import os
import secrets
import time

import pytest
from flask import url_for
from sqlalchemy import func, select
from werkzeug.routing import AnyConverter, Rule

from coursekit import create_app, db
from coursekit.accounts.models import Role, StateLicence, User
from tests.helpers import PASSWORD, app_config, client_from, csrf_token, login, make_user, submit

REDIS_URL = os.environ.get("COURSEKIT_TEST_REDIS_URL")


def row_counts(app) -> tuple[int, int]:
    with app.app_context():
        users = db.session.scalar(select(func.count()).select_from(User))
        licences = db.session.scalar(select(func.count()).select_from(StateLicence))
        return users, licences


def sample_arguments(rule: Rule) -> dict[str, object]:
    """1 for each argument of the address, or the first value an ``any(...)`` allows."""
    return {
        name: sorted(converter.items)[0] if isinstance(converter, AnyConverter) else 1
        for name, converter in rule._converters.items()
    }


def test_every_state_changing_endpoint_requires_a_csrf_token(app, client):
    # An admin passes every role policy, so each post reaches the CSRF check.
    make_user(app, "ann@example.org", Role.ADMIN)
    login(client, "ann@example.org")
    before = row_counts(app)
    writes = {"POST", "PUT", "PATCH", "DELETE"}
    # The API's answer for unknown addresses changes nothing, and says 404/405 first.
    unmatched = "coursekit.api.unmatched"
    changes = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.methods & writes and rule.endpoint != unmatched
    ]
    assert len(changes) >= 8
    for rule in changes:
        with app.test_request_context():
            url = url_for(rule.endpoint, **sample_arguments(rule))
        method = sorted(rule.methods & writes)[0]
        for token in (None, "forged-token"):
            data = {"state": "CA", "number": "1", "first_name": "X", "last_name": "Y"}
            headers = {"X-CSRFToken": token} if token else {}
            if rule.endpoint.startswith("coursekit.api."):
                # Session writes to the API carry the token in a header; JSON bodies.
                response = client.open(url, method=method, json=data, headers=headers)
                assert response.status_code == 400, rule.endpoint
                assert response.get_json()["error"]["code"] == "csrf_failed"
                continue
            if token:
                data["csrf_token"] = token
            response = client.post(url, data=data)
            assert response.status_code == 400, rule.endpoint
            assert "This form has expired" in response.text
    assert row_counts(app) == before
    assert client.get("/account").status_code == 200  # the logout post did nothing either


def test_session_cookies_are_httponly_lax_and_secure(app, client):
    make_user(app, "ann@example.org")
    response = login(client, "ann@example.org", remember="y")
    cookies = response.headers.getlist("Set-Cookie")
    for name in ("session=", "remember_token="):
        cookie = next(value for value in cookies if value.startswith(name))
        assert "; Secure" in cookie and "; HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_cookies_are_not_secure_in_debug(database_url):
    app = create_app(app_config(database_url, DEBUG=True))
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert app.config["REMEMBER_COOKIE_SECURE"] is False
    app.extensions["coursekit"].db.engine.dispose()


def test_security_headers_on_every_page(app, client):
    for page in ("/", "/login", "/no-such-page"):
        headers = client.get(page).headers
        assert headers["X-Content-Type-Options"] == "nosniff", page
        csp = headers.get("Content-Security-Policy", "")
        assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp, page


def test_login_is_limited_per_client_address(app):
    app.config["COURSEKIT_LOGIN_LIMIT_PER_IP"] = "3 per minute"
    attacker = client_from(app, "10.0.0.9")
    statuses = [login(attacker, f"user{n}@example.org", "wrong").status_code for n in range(4)]
    assert statuses == [422, 422, 422, 429]
    assert "Too many attempts" in login(attacker, "x@example.org").text
    neighbour = client_from(app, "10.0.0.10")
    assert login(neighbour, "x@example.org", "wrong").status_code == 422


def test_a_spent_limit_asks_to_wait_until_its_window_frees_and_no_longer(app, monkeypatch):
    # The clock stands still a quarter second past a whole second: Flask-Limiter's
    # rounded ``reset_at`` made this read 61 s for a per-minute limit.
    now = [1_800_000_000.25]
    monkeypatch.setattr(time, "time", lambda: now[0])
    app.config["COURSEKIT_LOGIN_LIMIT_PER_IP"] = "3 per minute"
    attacker = client_from(app, "10.0.0.11")
    for n in range(3):
        login(attacker, f"user{n}@example.org", "wrong")
    assert login(attacker, "x@example.org", "wrong").headers["Retry-After"] == "60"
    now[0] += 45.5
    assert login(attacker, "x@example.org", "wrong").headers["Retry-After"] == "15"


def test_login_is_limited_per_account_from_any_address(app):
    make_user(app, "ann@example.org")
    app.config["COURSEKIT_LOGIN_LIMIT_PER_ACCOUNT"] = "2 per minute"
    statuses = []
    for n in range(3):
        client = client_from(app, f"10.1.0.{n}")
        statuses.append(login(client, "Ann@example.org", "wrong").status_code)
    assert statuses == [422, 422, 429]
    # Even the right password waits: the limit protects the account, not the attempt.
    late = client_from(app, "10.1.0.99")
    assert login(late, "ann@example.org", PASSWORD).status_code == 429
    other = client_from(app, "10.1.0.98")
    assert login(other, "bob@example.org", "wrong").status_code == 422


def test_password_reset_requests_are_limited(app, client, mail_outbox):
    make_user(app, "ann@example.org")
    app.config["COURSEKIT_RESET_LIMIT_PER_IP"] = "2 per minute"
    statuses = [
        submit(client, "/password/forgot", {"email": "ann@example.org"}).status_code
        for _ in range(3)
    ]
    assert statuses == [302, 302, 429]
    assert len(mail_outbox) == 2


@pytest.mark.skipif(not REDIS_URL, reason="shared rate limits need COURSEKIT_TEST_REDIS_URL")
def test_two_processes_share_login_limits_through_redis(database_url):
    """Two app instances stand in for two gunicorn workers: the count is shared."""
    config = app_config(
        database_url,
        COURSEKIT_RATELIMIT_STORAGE_URI=REDIS_URL,
        COURSEKIT_LOGIN_LIMIT_PER_IP="3 per minute",
    )
    workers = [create_app(config), create_app(config)]
    address = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250)}"
    statuses = []
    for attempt in range(4):
        client = client_from(workers[attempt % 2], address)
        statuses.append(login(client, f"{secrets.token_hex(4)}@example.org", "wrong").status_code)
    assert statuses == [422, 422, 422, 429]
    for worker in workers:
        worker.extensions["coursekit"].db.engine.dispose()


def test_csrf_token_from_another_session_is_refused(app):
    make_user(app, "ann@example.org")
    mallory = app.test_client()
    stolen = csrf_token(mallory, "/login")
    victim = app.test_client()
    login(victim, "ann@example.org")
    response = victim.post(
        "/account", data={"csrf_token": stolen, "first_name": "X", "last_name": "Y"}
    )
    assert response.status_code == 400
