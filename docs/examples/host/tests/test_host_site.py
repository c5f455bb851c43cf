"""The example host site: its own login and pages, CourseKit mounted at /ce, the first
visit's CE profile, the overridden template and the signal listeners."""

from __future__ import annotations

import re
from types import SimpleNamespace

from flask import Flask
from flask.testing import FlaskClient
from host_site import members
from werkzeug.test import TestResponse

from coursekit import db
from coursekit.accounts.models import User
from coursekit.signals import certificate_issued

_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
PASSWORD = "a long member passphrase"


def post_form(client: FlaskClient, page: str, data: dict[str, str]) -> TestResponse:
    """Open ``page``, take the CSRF token of its last form and post ``data`` to it."""
    tokens = _CSRF.findall(client.get(page).text)
    assert tokens, f"no form on {page}"
    return client.post(page, data={"csrf_token": tokens[-1], **data})


def signed_in(site: Flask, email: str = "mei@members.example") -> FlaskClient:
    client = site.test_client()
    response = post_form(client, "/login", {"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.text
    return client


def test_the_site_keeps_its_own_pages_and_login(site):
    client = site.test_client()
    assert "Welcome to the Acupuncture Association" in client.get("/").text
    assert client.get("/activity").headers["Location"].startswith("/login")
    refused = post_form(client, "/login", {"email": "mei@members.example", "password": "no"})
    assert refused.status_code == 422
    assert "Email or password is not correct." in refused.text
    # CourseKit's own credential pages are not mounted: the site owns sign-in.
    assert client.get("/ce/login").status_code == 404
    assert client.get("/ce/register").status_code == 404


def test_coursekit_pages_render_inside_the_sites_layout(site):
    page = site.test_client().get("/ce/modules")
    assert page.status_code == 200
    assert '<a class="association-brand" href="/">Acupuncture Association</a>' in page.text
    assert '<nav class="ce-nav" aria-label="Continuing education">' in page.text
    assert "/ce/static/coursekit/coursekit.css" in page.text
    assert "/static/site.css" in page.text
    assert "Calf" in page.text  # the catalogue itself, published by `coursekit modules reload`
    # CourseKit's own header is gone: the override replaced coursekit/base.html.
    assert 'class="site-header"' not in page.text


def test_a_protected_ce_page_asks_a_signed_out_visitor_to_sign_in_on_the_site(site):
    response = site.test_client().get("/ce/dashboard")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_the_first_visit_completes_the_ce_profile_and_the_site_records_it(site):
    client = signed_in(site)
    first = client.get("/ce/account")
    assert first.status_code == 302
    assert first.headers["Location"] == "/ce/account/complete?next=/ce/account"
    form = client.get(first.headers["Location"])
    assert 'value="mei@members.example"' in form.text  # prefilled from the member
    done = post_form(
        client,
        first.headers["Location"],
        {"first_name": "Mei", "last_name": "Lin", "email": "mei@members.example"},
    )
    assert done.headers["Location"] == "/ce/account"
    profile = client.get("/ce/account")
    assert profile.status_code == 200
    assert 'value="Lin"' in profile.text
    assert "Sign out Mei" in profile.text  # the site's header, with the site's user
    with site.app_context():
        account = db.session.query(User).one()
        assert (account.host_user_id, account.password_hash) == ("1", None)
    # The listener on user_registered wrote to the site's own records.
    assert "Completed the CE profile" in client.get("/activity").text
    # Another member is a different learner, with their own first visit.
    assert signed_in(site, "kai@members.example").get("/ce/account").status_code == 302


def test_a_certificate_for_a_member_is_recorded_on_their_activity(site):
    client = signed_in(site)
    post_form(
        client,
        "/ce/account/complete",
        {"first_name": "Mei", "last_name": "Lin", "email": "mei@members.example"},
    )
    with site.test_request_context():
        account_id = db.session.query(User.id).scalar()
        certificate = SimpleNamespace(
            user_id=account_id, number="CE-2026-000007", fields={"module": {"title": "Heel pain"}}
        )
        certificate_issued.send(site, certificate=certificate, replaces=None)
        # Another app's signals are not this site's business.
        certificate_issued.send(Flask("other"), certificate=certificate, replaces=None)
        assert [what for _, what in members.activity_of(1)] == [
            "Certificate CE-2026-000007: Heel pain",
            "Completed the CE profile",
        ]
