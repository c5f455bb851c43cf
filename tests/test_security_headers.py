"""Security headers on every response coursekit sends: every GET endpoint of the url_map
as its role and signed out, every POST refused, the error pages (403, 404, 405, 429, 500),
static files, media, PDFs, CSV, JSON and redirects; HSTS on HTTPS only."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from coursekit.access import POLICY_ATTRIBUTE
from coursekit.lessons.models import LessonEvent
from tests.helpers import client_from, login
from tests.page_catalogue import (
    ADMIN,
    ANONYMOUS,
    DOWNLOADS,
    EMAILS,
    LEARNER,
    PAGES,
    UNMEASURED,
    get_endpoints,
)
from tests.sample_records import Samples, seed
from tests.shared_records import file_app, fresh_limits, rows_added_removed, unchanged
from tests.test_host_app import make_host_app


def directives(csp: str) -> dict[str, list[str]]:
    """A Content-Security-Policy as directive -> sources."""
    parsed = {}
    for part in csp.split(";"):
        if words := part.split():
            parsed[words[0].lower()] = words[1:]
    return parsed


def header_problems(response: TestResponse, what: str) -> list[str]:
    """What is missing or weak in ``response``'s security headers (empty when none)."""
    headers = response.headers
    policy = directives(headers.get("Content-Security-Policy", ""))
    scripts = policy.get("script-src", policy.get("default-src"))
    found = {
        "no CSP script or default source": scripts is None,
        "unsafe script source": any(
            source in ("'unsafe-inline'", "'unsafe-eval'", "*") for source in scripts or []
        ),
        "plugins allowed": policy.get("object-src", policy.get("default-src")) != ["'none'"],
        "framing allowed": policy.get("frame-ancestors") != ["'none'"]
        or headers.get("X-Frame-Options") != "DENY",
        "no nosniff": headers.get("X-Content-Type-Options") != "nosniff",
        "no Referrer-Policy": headers.get("Referrer-Policy")
        not in ("same-origin", "no-referrer", "strict-origin-when-cross-origin"),
    }
    return [f"{what} ({response.status_code}): {name}" for name, bad in found.items() if bad]


@pytest.fixture(scope="module")
def shared(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Flask, Samples]]:
    """The app and the sample records on each database, for the whole file (writing them
    takes seconds). Every test here uses this app, including those that need no records:
    an app of their own would wipe the database after them, records and all."""
    folder = tmp_path_factory.mktemp("headers")
    with file_app(database_url, folder) as app:
        yield app, seed(app, folder / "staged")


@pytest.fixture
def app(shared: tuple[Flask, Samples]) -> Iterator[Flask]:
    with unchanged(shared[0]):
        yield fresh_limits(shared[0])


@pytest.fixture
def seeded(app: Flask, shared: tuple[Flask, Samples]) -> tuple[Flask, Samples]:
    return app, shared[1]


def role_clients(app: Flask) -> dict[str, FlaskClient]:
    clients = {ANONYMOUS: app.test_client()}
    for role, email in EMAILS.items():
        clients[role] = app.test_client()
        login(clients[role], email)
    return clients


@pytest.fixture
def lesson_visits_forgotten(app: Flask) -> Iterator[None]:
    """Opening a lesson page records that it was opened: those rows go after the test."""
    with rows_added_removed(app, LessonEvent):
        yield


def test_every_get_endpoint_sends_the_headers_as_its_role_and_signed_out(
    seeded, lesson_visits_forgotten
):
    app, samples = seeded
    clients = role_clients(app)
    problems, statuses, walked = [], set(), set()
    for catalogue in (PAGES, DOWNLOADS):
        for endpoint, variants in catalogue.items():
            for variant, visit in variants.items():
                with app.test_request_context():
                    path = url_for(endpoint, **visit.arguments(samples))
                for role in {visit.role, ANONYMOUS, LEARNER, ADMIN}:
                    response = clients[role].get(path, buffered=True)
                    statuses.add(response.status_code)
                    problems += header_problems(response, f"{endpoint} {variant} as {role}")
                walked.add(endpoint)
    # The endpoints no catalogue visits: a static file and a published key.
    keys = clients[ANONYMOUS].get("/badges/keys.json")
    key_url = urlsplit(keys.json["keys"][0]["kid"]).path
    for path in ("/static/coursekit/coursekit.css", "/static/coursekit/lesson.js", key_url):
        response = clients[ANONYMOUS].get(path)
        assert response.status_code == 200, path
        problems += header_problems(response, path)
    walked |= set(UNMEASURED)
    assert walked == get_endpoints(app)
    assert {200, 302, 400, 403, 404} <= statuses  # pages, redirects, refusals, bad tokens
    assert not problems, "\n".join(problems)


def test_every_refused_post_sends_the_headers(seeded):
    app, _ = seeded
    admin = role_clients(app)[ADMIN]
    problems = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        with app.test_request_context():
            url = url_for(rule.endpoint, **{argument: 1 for argument in rule.arguments})
        response = admin.post(url, data={})
        # No CSRF token: 400. The API's catch-all for unknown addresses answers 404
        # first: there is nothing there to protect (coursekit.api.blueprint.unmatched).
        refused = 404 if rule.endpoint == "coursekit.api.unmatched" else 400
        assert response.status_code == refused, rule.endpoint
        problems += header_problems(response, f"POST {rule.endpoint}")
    assert not problems, "\n".join(problems)


def test_error_pages_send_the_headers(app, client, monkeypatch: pytest.MonkeyPatch):
    login(client, EMAILS[LEARNER])
    # Through monkeypatch: the app outlives this test.
    monkeypatch.setitem(app.config, "COURSEKIT_LOGIN_LIMIT_PER_IP", "1 per minute")
    attacker = client_from(app, "10.7.7.7")
    login(attacker, "x@example.org", "wrong")
    responses = {
        403: client.get("/admin/users"),
        404: client.get("/no-such-page"),
        405: client.get("/logout"),
        429: login(attacker, "x@example.org", "wrong"),
        400: client.post("/account", data={"csrf_token": "forged"}),
    }

    def broken() -> str:
        raise RuntimeError("a defect in a view")

    setattr(broken, POLICY_ATTRIBUTE, "public")
    monkeypatch.setitem(app.view_functions, "coursekit.pages.home", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    responses[500] = app.test_client().get("/")
    problems = []
    for status, response in responses.items():
        assert response.status_code == status
        assert "Traceback" not in response.text
        problems += header_problems(response, f"the {status} page")
    assert not problems, "\n".join(problems)
    assert "a defect in a view" not in responses[500].text


def test_strict_transport_security_on_https_only(app):
    secure = app.test_client().get("/login", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in app.test_client().get("/login").headers


def test_in_a_host_app_coursekit_responses_carry_the_headers_and_the_hosts_do_not(
    database_url: str,
):
    host = make_host_app(database_url, with_coursekit=True)
    client = host.test_client()
    for path in ("/ce/", "/ce/static/coursekit/coursekit.css", "/ce/account"):
        response = client.get(path)
        assert not header_problems(response, path)
    assert "Content-Security-Policy" not in client.get("/").headers
    host.extensions["coursekit"].db.engine.dispose()
