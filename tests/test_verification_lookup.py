"""Looking a certificate up: the form, one 404 for every miss, the headers that keep
answers out of caches, indexes and referrers, the rate limit, and access without an
account."""

from __future__ import annotations

import pytest

from tests.certificate_records import completed, issue
from tests.helpers import client_from, login, make_user
from tests.querycount import count_queries
from tests.verification_records import VERIFY_HEADERS, text_of, verification_app


@pytest.fixture
def app(make_app, tmp_path):
    return verification_app(make_app, tmp_path)


MISSES = {
    "unknown": "7" * 28,
    "truncated": None,  # the real code without its last character
    "too long": None,  # the real code with one more
    "malformed": "not-a-code!",
    "forbidden letter": "U" * 28,
    "markup": '"><img src=x onerror=alert(1)>',
    "huge": "A" * 5000,
}


def test_every_miss_gets_the_same_not_found_page(app, client):
    certificate = issue(app, completed(app, "ann@example.org"))
    misses = {
        **MISSES,
        "truncated": certificate.code[:-1],
        "too long": certificate.code + "A",
    }
    pages, documents, queries = set(), set(), set()
    for kind, code in misses.items():
        with count_queries(app) as statements:
            response = client.get(f"/verify/{code}")
        assert response.status_code == 404, kind
        pages.add(response.data)
        queries.add(len(statements))
        json_response = client.get(f"/verify/{code}.json")
        assert json_response.status_code == 404, kind
        assert json_response.json["error"]["code"] == "not_found"
        documents.add(json_response.data)
    assert len(pages) == 1 and len(documents) == 1
    assert queries == {1}  # the same lookup for every miss, malformed or not
    page = text_of(pages.pop().decode())
    assert "No certificate has this code" in page
    assert certificate.code not in page


def test_the_lookup_form(app, client):
    form = client.get("/verify")
    assert form.status_code == 200
    assert 'method="get"' in form.text and "csrf_token" not in form.text
    empty = client.get("/verify", query_string={"code": "  "})
    assert empty.status_code == 400
    assert "Enter the verification code" in empty.text
    malformed = client.get("/verify", query_string={"code": "ABCD-1234"})
    assert malformed.status_code == 400
    assert "This is not a verification code" in malformed.text
    unknown = client.get("/verify", query_string={"code": "7" * 28}, follow_redirects=True)
    assert unknown.status_code == 404
    assert "No certificate has this code" in unknown.text


def test_verification_answers_are_not_cached_indexed_or_referred(app, client):
    certificate = issue(app, completed(app, "ann@example.org"))
    for url in (
        f"/verify/{certificate.code}",
        f"/verify/{certificate.code}.json",
        f"/verify/{certificate.code.lower()}",
        "/verify/nothing",
        "/verify/nothing.json",
        "/verify",
        "/verify?code=x",
    ):
        headers = client.get(url).headers
        for name, value in VERIFY_HEADERS.items():
            assert headers[name] == value, (url, name)


def test_lookups_are_rate_limited_per_client_address(make_app):
    app = make_app(COURSEKIT_VERIFY_LIMIT="3 per minute")
    guesser = client_from(app, "10.2.0.1")
    statuses = [guesser.get(f"/verify/{'7' * 28}").status_code for _ in range(3)]
    assert statuses == [404, 404, 404]
    page = guesser.get(f"/verify/{'7' * 28}")
    assert page.status_code == 429
    assert "Too many certificate lookups" in page.text
    assert page.headers["Cache-Control"] == "no-store"
    document = guesser.get(f"/verify/{'7' * 28}.json")
    assert document.status_code == 429
    assert document.json["error"]["code"] == "rate_limited"
    assert guesser.get("/verify", query_string={"code": "x"}).status_code == 429
    neighbour = client_from(app, "10.2.0.2")
    assert neighbour.get(f"/verify/{'7' * 28}.json").status_code == 404


def test_the_form_counts_against_the_limit(make_app):
    app = make_app(COURSEKIT_VERIFY_LIMIT="2 per minute")
    client = client_from(app, "10.2.0.3")
    statuses = [client.get("/verify", query_string={"code": "x"}).status_code for _ in range(3)]
    assert statuses == [400, 400, 429]
    assert client.get("/verify").status_code == 200  # the empty form itself is free


def test_a_signed_in_user_sees_the_same_page(app, client):
    certificate = issue(app, completed(app, "ann@example.org"))
    make_user(app, "bob@example.org")
    login(client, "bob@example.org")
    page = client.get(f"/verify/{certificate.code}")
    assert page.status_code == 200
    assert "Valid certificate" in page.text


def test_a_verifier_needs_no_account(app):
    certificate = issue(app, completed(app, "ann@example.org"))
    stranger = app.test_client()
    assert stranger.get(f"/verify/{certificate.code}").status_code == 200
    assert stranger.get(f"/verify/{certificate.code}.json").status_code == 200
    assert stranger.get("/verify").status_code == 200


def test_every_page_links_to_the_lookup_form(client):
    assert 'href="/verify">Check a certificate</a>' in client.get("/").text
