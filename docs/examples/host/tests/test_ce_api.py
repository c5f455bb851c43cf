"""The site's newsletter job reads the CE catalogue through CourseKit's JSON API, over
HTTP from a running server, with an integration token."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from host_site.ce_api import CEApiError, CEClient
from werkzeug.serving import make_server

from coursekit import db
from coursekit.accounts.host.operations import link_host_user
from coursekit.accounts.models import Role, User
from coursekit.api.tokens.models import ApiToken, TokenKind
from coursekit.api.tokens.operations import create_token, revoke_token
from coursekit.db import utcnow


@pytest.fixture
def api_url(site: Flask) -> Iterator[str]:
    """The site served on a free local port, as the job would reach it."""
    server = make_server("127.0.0.1", 0, site, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}/ce/api/v1"
    server.shutdown()
    thread.join()


@pytest.fixture
def token(site: Flask) -> str:
    """An integration token with the read scope, made for the association's CE
    administrator (a member linked to CourseKit and given the admin role)."""
    with site.app_context():
        admin = link_host_user(
            host_user_id="1",
            email="mei@members.example",
            first_name="Mei",
            last_name="Lin",
            roles=[Role.ADMIN],
        )
        db.session.flush()
        _, secret = create_token(
            admin,
            name="newsletter job",
            kind=TokenKind.INTEGRATION,
            scopes=["read"],
            expires_at=None,
            actor=admin,
            now=utcnow(),
        )
        db.session.commit()
    return secret


def test_the_client_pages_through_every_module_on_offer(api_url, token):
    client = CEClient(api_url, token)
    everything = client.get("/modules", limit=100)
    assert everything["next_cursor"] is None
    assert len(everything["items"]) >= 2  # so a page of one needs several requests
    one_by_one = [module["id"] for module in client.modules(page_size=1)]
    assert one_by_one == [module["id"] for module in everything["items"]]


def test_the_newsletter_command_prints_each_seminar_with_its_credits(site, api_url, token):
    site.config.update(CE_API_URL=api_url, CE_API_TOKEN=token)
    result = site.test_cli_runner().invoke(args=["ce-catalogue"])
    assert result.exit_code == 0, result.output
    titles = [module["title"] for module in CEClient(api_url, token).modules()]
    lines = result.output.splitlines()
    assert [line.split(" (v")[0] for line in lines] == titles
    assert all("NCCAOM" in line for line in lines)


def test_a_revoked_token_is_refused_with_the_error_envelope(site, api_url, token):
    with site.app_context():
        row = db.session.query(ApiToken).one()
        revoke_token(row, actor=db.session.get(User, row.user_id), now=utcnow())
        db.session.commit()
    with pytest.raises(CEApiError) as refused:
        list(CEClient(api_url, token).modules())
    assert (refused.value.status, refused.value.code) == (401, "invalid_token")
    site.config.update(CE_API_URL=api_url, CE_API_TOKEN=token)
    result = site.test_cli_runner().invoke(args=["ce-catalogue"])
    assert result.exit_code == 1
    assert "CourseKit refused: 401 invalid_token" in result.output
