"""Sessions: fixation, sign-out, copied cookies, remember-me lifetime, disabled accounts.

Flask keeps the session in a signed cookie, so the server cannot revoke one cookie; it
revokes a login id instead (``User.get_id``: user, session token, signed-in time). These
tests play the thief: they copy a victim's cookies into a second client and check what
still works after sign-out, a password change or reset, expiry, and disabling.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import url_for
from flask.testing import FlaskClient

from coursekit.accounts import queries
from coursekit.db import utcnow
from tests.helpers import PASSWORD, csrf_token, load_user, login, make_user, submit
from tests.learner_writes import Learner
from tests.learner_writes import heartbeat as heartbeat_post
from tests.page_catalogue import DOWNLOADS, EMAILS, LEARNER

SESSION, REMEMBER = "session", "remember_token"
NEW_PASSWORD = "a brand new passphrase 42"


def copy_of(client: FlaskClient, *names: str) -> FlaskClient:
    """A second browser holding copies of ``client``'s cookies ``names`` (a thief)."""
    thief = client.application.test_client()
    for name in names:
        cookie = client.get_cookie(name)
        assert cookie is not None, f"no {name} cookie to copy"
        thief.set_cookie(name, cookie.value)
    return thief


def signed_in(client: FlaskClient) -> bool:
    """Whether ``client`` may open the account page (signed-out users are redirected)."""
    status = client.get("/account").status_code
    assert status in (200, 302), status
    return status == 200


def session_keys(client: FlaskClient) -> dict:
    with client.session_transaction() as session:
        return dict(session)


def test_a_session_planted_before_sign_in_does_not_survive_it(app, client):
    """Session fixation: the attacker's cookie, with their CSRF token, is put in the
    victim's browser before the victim signs in."""
    user_id = make_user(app, "ann@example.org")
    attacker = app.test_client()
    attackers_token = csrf_token(attacker, "/login")
    with attacker.session_transaction() as session:
        session.update({"_user_id": "999:planted:1", "_fresh": True, "_id": "planted"})
        session["note"] = "planted by the attacker"
    planted = copy_of(attacker, SESSION).get_cookie(SESSION).value
    client.set_cookie(SESSION, planted)

    assert login(client, "ann@example.org").status_code == 302
    assert client.get_cookie(SESSION).value != planted
    after = session_keys(client)
    assert "note" not in after
    assert after["_id"] != "planted"
    assert after["_user_id"].startswith(f"{user_id}:")
    assert after.get("csrf_token") != session_keys(attacker)["csrf_token"]
    # The token the attacker knows does not forge the victim's forms.
    forged = client.post(
        "/account", data={"csrf_token": attackers_token, "first_name": "X", "last_name": "Y"}
    )
    assert forged.status_code == 400
    assert load_user(app, user_id).first_name == "Test"


def test_registration_also_starts_a_fresh_session(app, client):
    with client.session_transaction() as session:
        session["note"] = "planted"
    registration = {
        "first_name": "Mei",
        "last_name": "Chen",
        "email": "mei@example.org",
        "password": PASSWORD,
    }
    assert submit(client, "/register", registration).status_code == 302
    assert "note" not in session_keys(client)
    assert signed_in(client)


def test_sign_out_empties_the_session_and_every_copy_of_the_cookies_dies(app, client):
    make_user(app, "ann@example.org")
    login(client, "ann@example.org", remember="y")
    stolen_session = copy_of(client, SESSION)
    stolen_remember = copy_of(client, REMEMBER)
    assert signed_in(stolen_session) and signed_in(stolen_remember)

    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    assert response.status_code == 302
    removed = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(REMEMBER)]
    assert removed and "Expires=Thu, 01 Jan 1970" in removed[0]
    assert set(session_keys(client)) <= {"_flashes"}  # only the "signed out" message
    assert not signed_in(client)
    assert not signed_in(stolen_session)
    assert not signed_in(stolen_remember)
    # The account itself is fine: signing in again works.
    assert login(app.test_client(), "ann@example.org").status_code == 302


def test_a_reset_by_link_ends_sessions_and_remember_cookies(app, client, mail_outbox):
    make_user(app, "ann@example.org")
    laptop = app.test_client()
    login(laptop, "ann@example.org", remember="y")
    remembered = copy_of(laptop, REMEMBER)
    assert signed_in(remembered)

    submit(client, "/password/forgot", {"email": "ann@example.org"})
    link = re.search(r"http://localhost(/password/reset/\S+)", mail_outbox[0].get_content())[1]
    assert submit(client, link, {"new_password": NEW_PASSWORD}).status_code == 302
    assert not signed_in(laptop)
    assert not signed_in(remembered)
    assert not signed_in(client)  # a reset does not sign anyone in


def test_a_password_change_ends_a_copied_remember_cookie_but_not_this_browser(app, client):
    make_user(app, "ann@example.org")
    login(client, "ann@example.org", remember="y")
    stolen = copy_of(client, REMEMBER)
    changed = submit(
        client, "/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert changed.status_code == 302
    assert not signed_in(stolen)
    assert signed_in(copy_of(client, REMEMBER))  # this browser was remembered again


def test_remember_cookie_lifetime_and_flags(app, client):
    make_user(app, "ann@example.org")
    response = login(client, "ann@example.org", remember="y")
    header = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith(REMEMBER))
    assert "; Secure" in header and "; HttpOnly" in header and "SameSite=Lax" in header
    expires = client.get_cookie(REMEMBER).expires.replace(tzinfo=UTC)
    assert abs(expires - (utcnow() + timedelta(days=14))) < timedelta(minutes=5)
    session_cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("ses"))
    assert "Expires" not in session_cookie  # the session itself ends with the browser


def test_remember_days_is_configurable(make_app):
    app = make_app(COURSEKIT_REMEMBER_DAYS=30)
    make_user(app, "ann@example.org")
    client = app.test_client()
    login(client, "ann@example.org", remember="y")
    expires = client.get_cookie(REMEMBER).expires.replace(tzinfo=UTC)
    assert abs(expires - (utcnow() + timedelta(days=30))) < timedelta(minutes=5)


def test_a_sign_in_older_than_the_remember_days_is_refused_by_the_server(
    app, client, monkeypatch: pytest.MonkeyPatch
):
    """The browser drops the remember cookie after 14 days; a copy kept elsewhere (or a
    session cookie, which Flask accepts for 31 days) must not outlive that either."""
    make_user(app, "ann@example.org")
    login(client, "ann@example.org", remember="y")
    remembered = copy_of(client, REMEMBER)
    assert signed_in(client) and signed_in(remembered)

    later = utcnow() + timedelta(days=13, hours=23)
    monkeypatch.setattr(queries, "utcnow", lambda: later)
    assert signed_in(copy_of(client, SESSION)) and signed_in(copy_of(client, REMEMBER))
    much_later = utcnow() + timedelta(days=14, hours=1)
    monkeypatch.setattr(queries, "utcnow", lambda: much_later)
    assert not signed_in(copy_of(client, SESSION))
    assert not signed_in(copy_of(client, REMEMBER))


@pytest.mark.parametrize(
    "login_id",
    [
        "{id}:{token}",  # the format before sign-in times (no time: sign in again)
        "{id}:{token}:{future}",  # a time ahead of the clock
        "{id}:{token}:{now}:extra",
        "{id}:wrong-token:{now}",
        "x{id}:{token}:{now}",
    ],
)
def test_a_malformed_or_stale_login_id_is_refused(app, client, login_id: str):
    user_id = make_user(app, "ann@example.org")
    now = int(utcnow().timestamp())
    values = {
        "id": user_id,
        "token": load_user(app, user_id).session_token,
        "now": now,
        "future": now + 3600,
    }
    with client.session_transaction() as session:
        session["_user_id"] = "{id}:{token}:{now}".format(**values)
    assert signed_in(client)  # the well-formed id works: the cases below differ only in it
    with client.session_transaction() as session:
        session["_user_id"] = login_id.format(**values)
    assert not signed_in(client)


def test_a_disabled_accounts_session_and_remember_cookie_stop_on_every_endpoint(seeded):
    """Pages, downloads (PDF, CSV, JSON badges) and the lesson heartbeat (JSON) all stop
    answering the learner's data on the next request after the account is disabled."""
    app, samples = seeded
    browser = app.test_client()
    login(browser, EMAILS[LEARNER], remember="y")
    remembered = copy_of(browser, REMEMBER)
    paths = ["/account", "/dashboard"]
    with app.test_request_context():
        for endpoint, variants in DOWNLOADS.items():
            for visit in variants.values():
                if visit.role == LEARNER:
                    paths.append(url_for(endpoint, **visit.arguments(samples)))
    assert len(paths) >= 7
    for path in paths:
        assert browser.get(path).status_code == 200, path
    heartbeat = heartbeat_post(app, Learner(browser, samples.learner_id))
    assert browser.post(heartbeat.path, **heartbeat.arguments).status_code == 200

    disable = app.test_cli_runner().invoke(args=["coursekit", "users", "disable", EMAILS[LEARNER]])
    assert disable.exit_code == 0, disable.output
    for client in (browser, remembered):
        for path in paths:
            response = client.get(path)
            assert response.status_code == 302, path
            assert "/login" in response.headers["Location"], path
        refused = client.post(heartbeat.path, **heartbeat.arguments)
        assert refused.status_code == 302 and "/login" in refused.headers["Location"]


def test_a_sign_in_time_comes_from_the_sign_in(app, client):
    """The login id is minted once, at sign-in: later requests do not renew it (which
    would make a remembered sign-in last forever)."""
    user_id = make_user(app, "ann@example.org")
    login(client, "ann@example.org", remember="y")
    first = session_keys(client)["_user_id"]
    client.get("/account")
    assert session_keys(client)["_user_id"] == first
    stamp = datetime.fromtimestamp(int(first.rsplit(":", 1)[1]), UTC)
    assert abs(utcnow() - stamp) < timedelta(minutes=5)
    assert first.startswith(f"{user_id}:")
