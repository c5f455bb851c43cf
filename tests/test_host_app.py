"""Mounting coursekit under /ce in a host app with its own routes and LoginManager."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask, abort, request
from flask_login import LoginManager, UserMixin, login_user
from sqlalchemy import delete

from coursekit import CourseKit
from coursekit.models import Base
from tests.package_factory import write_package


class HostUser(UserMixin):
    def __init__(self, user_id: str) -> None:
        self.id = user_id
        self.email = f"member{user_id}@host.example"


def make_host_app(database_url: str, *, with_coursekit: bool) -> Flask:
    host = Flask("host")
    host.config.update(SECRET_KEY="host-secret", COURSEKIT_DATABASE_URL=database_url)
    manager = LoginManager(host)
    manager.login_view = "host_login"
    manager.user_loader(HostUser)

    @host.get("/")
    def index() -> str:
        return "host home"

    @host.route("/feedback", methods=["POST"])
    def feedback() -> str:  # a host form without CSRF: coursekit must not start refusing it
        return f"thanks {request.form.get('name', '')}"

    @host.get("/boom")
    def boom() -> str:
        abort(418)

    @host.get("/host-login")
    def host_login() -> str:
        login_user(HostUser(request.args.get("as", "42")))
        return "host login page"

    @host.errorhandler(404)
    def host_not_found(error: Exception) -> tuple[str, int]:
        return "host 404 page", 404

    if with_coursekit:
        CourseKit().init_app(host, url_prefix="/ce")
    return host


@pytest.fixture
def apps(database_url: str) -> Iterator[tuple[Flask, Flask]]:
    plain = make_host_app(database_url, with_coursekit=False)
    mounted = make_host_app(database_url, with_coursekit=True)
    yield plain, mounted
    mounted.extensions["coursekit"].db.engine.dispose()


def snapshot(app: Flask) -> list[tuple]:
    client = app.test_client()
    responses = [
        client.get("/"),
        client.post("/feedback", data={"name": "Li"}),
        client.get("/boom"),
        client.get("/missing"),
        client.get("/host-login"),
    ]
    return [
        (r.status_code, r.text, sorted((k, v) for k, v in r.headers if k != "Set-Cookie"))
        for r in responses
    ]


def test_host_pages_are_unchanged_by_mounting(apps):
    plain, mounted = apps
    assert snapshot(mounted) == snapshot(plain)


def test_coursekit_lives_under_the_prefix_and_uses_the_host_login(apps):
    _, host = apps
    client = host.test_client()
    home = client.get("/ce/")
    assert home.status_code == 200
    assert "Trigger-point release" in home.text
    assert "/ce/static/coursekit/coursekit.css" in home.text
    assert client.get("/ce/static/coursekit/coursekit.css").status_code == 200
    # The host owns sign-in: coursekit's credential pages are not mounted ...
    assert client.get("/ce/login").text == "host 404 page"
    assert client.get("/ce/register").status_code == 404
    # ... and a protected coursekit page sends the visitor to the host's login view.
    response = client.get("/ce/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/host-login")
    assert host.login_manager.login_view == "host_login"


def test_a_host_user_without_a_ce_profile_is_sent_to_complete_it(apps):
    _, host = apps
    client = host.test_client()
    client.get("/host-login")
    response = client.get("/ce/account")
    assert response.status_code == 302
    assert response.headers["Location"] == "/ce/account/complete?next=/ce/account"
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "Complete your CE profile" in page.text


def test_coursekit_error_pages_stay_inside_coursekit(apps):
    _, host = apps
    client = host.test_client()
    response = client.post("/ce/account", data={})
    assert response.status_code in (302, 400)
    assert client.get("/nothing-here").text == "host 404 page"


def test_registering_twice_on_one_app_is_an_error(apps):
    _, host = apps
    with pytest.raises(RuntimeError, match="already registered"):
        CourseKit(host)


def test_a_host_app_publishes_with_the_cli_and_serves_the_catalogue_under_its_prefix(
    database_url, tmp_path
):
    write_package(tmp_path, "calf", title="Calf and heel pain")
    host = make_host_app(database_url, with_coursekit=False)
    host.config["COURSEKIT_MODULES_PATH"] = str(tmp_path / "modules")
    CourseKit().init_app(host, url_prefix="/ce")
    engine = host.extensions["coursekit"].db.engine
    try:
        assert "0 modules" in host.test_client().get("/ce/modules").text  # nothing published
        result = host.test_cli_runner().invoke(args=["coursekit", "modules", "reload"])
        assert result.exit_code == 0, result.output
        client = host.test_client()
        catalogue = client.get("/ce/modules").text
        assert '<a href="/ce/modules/calf">Calf and heel pain</a>' in catalogue
        assert client.get("/ce/modules/calf").status_code == 200
    finally:
        with engine.begin() as connection:
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(delete(table))
        engine.dispose()


def test_the_api_serves_under_the_mount_prefix_with_its_own_errors(apps):
    _plain, mounted = apps
    client = mounted.test_client()
    document = client.get("/ce/api/v1/openapi.json").get_json()
    assert document["servers"] == [{"url": "/ce/api/v1"}]
    # The host's own 404 page stays the host's; inside the API the envelope wins.
    missing = client.get("/ce/api/v1/no-such-thing")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    anonymous = client.get("/ce/api/v1/me")
    assert anonymous.status_code == 401 and "Location" not in anonymous.headers
    # A host user without a coursekit account is signed in but no learner (as on pages).
    client.get("/host-login")
    refused = client.get("/ce/api/v1/me")
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden"
