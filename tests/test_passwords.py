"""Password change and reset: sessions end, links work once and expire."""

from __future__ import annotations

import re
import time

from tests.helpers import PASSWORD, csrf_token, load_user, login, make_user, submit

NEW_PASSWORD = "a brand new passphrase 42"


def reset_link(mail_outbox) -> str:
    assert len(mail_outbox) == 1
    body = mail_outbox[0].get_content()
    return re.search(r"http://localhost(/password/reset/\S+)", body).group(1)


def test_password_change_ends_other_sessions_but_keeps_this_one(app, client):
    make_user(app, "ann@example.org")
    other_device = app.test_client()
    login(client, "ann@example.org")
    login(other_device, "ann@example.org", remember="y")
    assert other_device.get("/account").status_code == 200

    response = submit(
        client,
        "/account/password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert other_device.get("/account").status_code == 302  # session and remember cookie dead
    assert login(app.test_client(), "ann@example.org", NEW_PASSWORD).status_code == 302
    assert login(app.test_client(), "ann@example.org", PASSWORD).status_code == 422


def test_password_change_checks_the_current_password_and_the_policy(app, client):
    user_id = make_user(app, "ann@example.org")
    before = load_user(app, user_id).password_hash
    login(client, "ann@example.org")
    wrong = submit(
        client, "/account/password", {"current_password": "nope", "new_password": NEW_PASSWORD}
    )
    assert wrong.status_code == 422
    assert "current password is not correct" in wrong.text
    common = submit(
        client, "/account/password", {"current_password": PASSWORD, "new_password": "password123"}
    )
    assert common.status_code == 422
    assert load_user(app, user_id).password_hash == before


def test_reset_by_mailed_link_works_once(app, client, mail_outbox):
    make_user(app, "ann@example.org")
    response = submit(client, "/password/forgot", {"email": "ANN@example.org"})
    assert response.status_code == 302
    link = reset_link(mail_outbox)
    assert client.get(link).status_code == 200
    assert submit(client, link, {"new_password": NEW_PASSWORD}).status_code == 302
    assert login(app.test_client(), "ann@example.org", NEW_PASSWORD).status_code == 302

    again = client.get(link)
    assert again.status_code == 400
    assert "already been used" in again.text


def test_reset_for_an_unknown_email_looks_the_same_and_sends_nothing(app, client, mail_outbox):
    response = submit(client, "/password/forgot", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert "If an account uses nobody@example.org" in client.get(response.headers["Location"]).text
    assert mail_outbox == []


def test_tampered_expired_and_stale_reset_links_are_refused(app, client, mail_outbox):
    user_id = make_user(app, "ann@example.org")
    submit(client, "/password/forgot", {"email": "ann@example.org"})
    link = reset_link(mail_outbox)
    before = load_user(app, user_id).password_hash

    tampered = link[:-3] + ("aaa" if not link.endswith("aaa") else "bbb")
    page = client.get(tampered)
    assert page.status_code == 400 and "not valid" in page.text
    token = csrf_token(client, "/password/forgot")
    posted = client.post(tampered, data={"csrf_token": token, "new_password": NEW_PASSWORD})
    assert posted.status_code == 400
    assert load_user(app, user_id).password_hash == before

    app.config["COURSEKIT_RESET_TOKEN_MAX_AGE"] = 1
    time.sleep(2.1)
    expired = client.get(link)
    assert expired.status_code == 400 and "expired" in expired.text
    app.config["COURSEKIT_RESET_TOKEN_MAX_AGE"] = 3600
    assert client.get(link).status_code == 200

    # A link made before a password change dies with the old password.
    login(client, "ann@example.org")
    submit(
        client, "/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    stale = app.test_client().get(link)
    assert stale.status_code == 400 and "already been used" in stale.text


def test_a_reset_link_for_a_disabled_account_is_refused(app, client, mail_outbox):
    user_id = make_user(app, "ann@example.org")
    submit(client, "/password/forgot", {"email": "ann@example.org"})
    link = reset_link(mail_outbox)
    before = load_user(app, user_id).password_hash
    disable = app.test_cli_runner().invoke(
        args=["coursekit", "users", "disable", "ann@example.org"]
    )
    assert disable.exit_code == 0, disable.output

    page = client.get(link)
    assert page.status_code == 400 and "Ask for a new one" in page.text
    token = csrf_token(client, "/password/forgot")
    posted = client.post(link, data={"csrf_token": token, "new_password": NEW_PASSWORD})
    assert posted.status_code == 400
    assert load_user(app, user_id).password_hash == before
    # Nor does a disabled account get a new link.
    submit(client, "/password/forgot", {"email": "ann@example.org"})
    assert len(mail_outbox) == 1
