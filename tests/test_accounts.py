"""Registration, sign-in, profile and licences, through the pages."""

from __future__ import annotations

from sqlalchemy import func, select

from coursekit import db
from coursekit.accounts import operations
from coursekit.accounts.models import StateLicence, User
from tests.helpers import PASSWORD, csrf_token, load_user, login, make_user, submit

REGISTRATION = {
    "first_name": "Mei",
    "last_name": "Chen",
    "email": "Mei.Chen@Example.org",
    "nccaom_id": "123456",
    "password": PASSWORD,
}


def count_users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def test_registration_creates_a_learner_and_signs_in(app, client):
    response = submit(client, "/register", REGISTRATION)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account")
    page = client.get("/account")
    assert page.status_code == 200
    assert "mei.chen@example.org" in page.text
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.email == "mei.chen@example.org"
        assert user.role_names == {"learner"}
        assert user.nccaom_id == "123456"
        assert user.password_hash.startswith("scrypt:")
        assert user.created_at.tzinfo is not None


def test_a_64_character_password_works(app, client):
    long_password = "x7-" * 21 + "q"
    assert len(long_password) == 64
    assert (
        submit(client, "/register", {**REGISTRATION, "password": long_password}).status_code == 302
    )
    assert login(app.test_client(), REGISTRATION["email"], long_password).status_code == 302
    assert login(app.test_client(), REGISTRATION["email"], long_password[:63]).status_code == 422


def test_bad_registrations_are_refused_and_change_nothing(app, client):
    make_user(app, "taken@example.org")
    cases = {
        "email": ({"email": "TAKEN@example.org"}, "already exists"),
        "nccaom_id": ({"nccaom_id": "012345"}, "3 to 6 digits"),
        "nccaom_id ": ({"nccaom_id": "12a45"}, "3 to 6 digits"),
        "password": ({"password": "qwertyuiop"}, "most common passwords"),
        "password ": ({"password": "short"}, "at least 10 characters"),
        "email ": ({"email": "not-an-email"}, "must have an @-sign"),
        "first_name": ({"first_name": ""}, "This field is required"),
    }
    for field, (change, message) in cases.items():
        response = submit(client, "/register", {**REGISTRATION, **change})
        assert response.status_code == 422, field
        assert message.lower() in response.text.lower(), field
        assert 'aria-invalid="true"' in response.text, field
    assert count_users(app) == 1


def test_common_passwords_are_refused_whatever_their_case(app, client):
    response = submit(client, "/register", {**REGISTRATION, "password": "PASSWORD123"})
    assert response.status_code == 422
    assert "most common passwords" in response.text
    assert count_users(app) == 0


def test_login_with_wrong_password_or_unknown_email_says_the_same(app, client):
    make_user(app, "ann@example.org")
    wrong = login(client, "ann@example.org", "not the password at all")
    unknown = login(client, "nobody@example.org", PASSWORD)
    for response in (wrong, unknown):
        assert response.status_code == 422
        assert "The email or password is not correct." in response.text
    assert client.get("/account").status_code == 302  # still signed out


def test_login_is_case_insensitive_on_email_and_redirects_to_next(app, client):
    make_user(app, "ann@example.org")
    response = submit(
        client,
        "/login?next=/account",
        {"email": " Ann@Example.org ", "password": PASSWORD},
        action="/login?next=/account",
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"


def test_login_refuses_an_offsite_next(app, client):
    make_user(app, "ann@example.org")
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = submit(
            client,
            "/login",
            {"email": "ann@example.org", "password": PASSWORD},
            action=f"/login?next={target}",
        )
        assert response.status_code == 302
        assert response.headers["Location"] == "/", target
        client.post("/logout", data={"csrf_token": _token(client)})


def _token(client) -> str:
    return csrf_token(client, "/account")


def test_disabled_account_cannot_sign_in_and_its_session_ends(app, client):
    user_id = make_user(app, "ann@example.org")
    assert login(client, "ann@example.org").status_code == 302
    disable = app.test_cli_runner().invoke(
        args=["coursekit", "users", "disable", "ann@example.org"]
    )
    assert disable.exit_code == 0, disable.output
    assert client.get("/account").status_code == 302
    assert login(app.test_client(), "ann@example.org").status_code == 422
    assert load_user(app, user_id).status == "disabled"  # kept, not deleted
    enable = app.test_cli_runner().invoke(args=["coursekit", "users", "enable", "ann@example.org"])
    assert enable.exit_code == 0, enable.output
    assert login(app.test_client(), "ann@example.org").status_code == 302


def test_logout_needs_a_post_with_csrf(app, client):
    make_user(app, "ann@example.org")
    login(client, "ann@example.org")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/account").status_code == 200
    assert client.post("/logout", data={"csrf_token": _token(client)}).status_code == 302
    assert client.get("/account").status_code == 302


def test_profile_update_and_bad_nccaom_id(app, client):
    user_id = make_user(app, "ann@example.org")
    login(client, "ann@example.org")
    ok = submit(
        client, "/account", {"first_name": "Ann", "last_name": "Lee-Wong", "nccaom_id": "987"}
    )
    assert ok.status_code == 302
    bad = submit(
        client, "/account", {"first_name": "Ann", "last_name": "X", "nccaom_id": "1234567"}
    )
    assert bad.status_code == 422
    user = load_user(app, user_id)
    assert (user.last_name, user.nccaom_id) == ("Lee-Wong", "987")


def test_licences_are_added_once_per_state_and_removal_keeps_the_record(app, client):
    user_id = make_user(app, "ann@example.org")
    login(client, "ann@example.org")
    page = "/account"
    assert (
        submit(client, page, {"state": "CA", "number": "AC 12345"}, "/account/licences").status_code
        == 302
    )
    assert (
        submit(client, page, {"state": "TX", "number": "AC-77"}, "/account/licences").status_code
        == 302
    )
    duplicate = submit(client, page, {"state": "CA", "number": "AC 999"}, "/account/licences")
    assert duplicate.status_code == 422
    assert "already have a California licence" in duplicate.text
    unknown = submit(client, page, {"state": "ZZ", "number": "1"}, "/account/licences")
    assert unknown.status_code == 422
    user = load_user(app, user_id)
    assert [(item.state, item.number) for item in user.licences] == [
        ("CA", "AC 12345"),
        ("TX", "AC-77"),
    ]

    ca = user.licences[0].id
    assert submit(client, page, {}, f"/account/licences/{ca}/remove").status_code == 302
    assert [item.state for item in load_user(app, user_id).licences] == ["TX"]
    with app.app_context():
        kept = db.session.get(StateLicence, ca)
        assert kept.removed_at is not None  # a state change, not a delete
    # Once removed, the state may be added again.
    assert (
        submit(client, page, {"state": "CA", "number": "AC 2"}, "/account/licences").status_code
        == 302
    )


def test_nobody_removes_another_learners_licence(app, client):
    owner = make_user(app, "owner@example.org")
    with app.app_context():
        licence = operations.add_licence(db.session.get(User, owner), state="FL", number="AP1")
        db.session.commit()
        licence_id = licence.id
    make_user(app, "other@example.org")
    login(client, "other@example.org")
    response = submit(client, "/account", {}, f"/account/licences/{licence_id}/remove")
    assert response.status_code == 404
    assert [item.state for item in load_user(app, owner).licences] == ["FL"]


def test_overlong_names_are_refused_not_truncated(app, client):
    response = submit(client, "/register", {**REGISTRATION, "last_name": "L" * 101})
    assert response.status_code == 422
    assert count_users(app) == 0
