"""The account fields a person types (registration, profile, state licence): each payload
of the XSS corpus is either stored exactly as sent or refused with a message that says
why, per field, and a refusal stores nothing. No field silently alters what it keeps.

- Legal first and last name: stored unaltered (a name may hold any character; boards
  match it exactly), refused only over 100 characters.
- Email: refused (no payload is an address), with the validator's reason.
- NCCAOM ID: refused (3 to 6 digits), with the rule.
- Licence number: stored unaltered up to 40 characters, refused over; the state is a
  list of choices, so a payload there is refused.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask import Flask
from sqlalchemy import func, select

from coursekit import db
from coursekit.accounts.models import StateLicence, User
from coursekit.accounts.states import STATE_NAMES
from tests.helpers import login, make_user, submit
from tests.xss_corpus import CORPUS, one_line

PAYLOADS = [one_line(payload) for payload in CORPUS]
VALID = {
    "first_name": "Mei",
    "last_name": "Lindqvist",
    "email": "new@example.org",
    "nccaom_id": "12345",
    "password": "correct horse battery staple",
}
LICENCES = "/account/licences"
LICENCE_REFUSALS = (
    "A licence number has at most 40 characters.",
    "Field cannot be longer than 40 characters.",
)
NAME_REFUSAL = "A name has at most 100 characters."
NCCAOM_REFUSALS = (
    "An NCCAOM ID is 3 to 6 digits and does not start with 0.",
    "Field cannot be longer than 6 characters.",
)


def users(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User)) or 0


def register(app: Flask, field: str, value: str):
    return submit(app.test_client(), "/register", {**VALID, field: value})


def test_a_payload_name_is_stored_unaltered(app: Flask) -> None:
    """Registration (a few payloads: each costs a password hash) and the profile (every
    payload) keep a legal name exactly as typed; only a name over 100 characters is
    refused, with the rule."""
    for number, (first, last) in enumerate(zip(PAYLOADS[:3], PAYLOADS[3:6], strict=True)):
        email = f"name{number}@example.org"
        data = {**VALID, "email": email, "first_name": first, "last_name": last}
        response = submit(app.test_client(), "/register", data)
        assert response.status_code in (302, 303), (first, last, response.text)
        with app.app_context():
            user = db.session.scalar(select(User).where(User.email == email))
            assert (user.first_name, user.last_name) == (first, last)
    client = app.test_client()
    login(client, "name0@example.org", VALID["password"])
    for payload in PAYLOADS:
        data = {"first_name": payload, "last_name": payload, "nccaom_id": ""}
        response = submit(client, "/account", data)
        if len(payload) > 100:
            assert response.status_code == 422 and NAME_REFUSAL in response.text, payload
            continue
        assert response.status_code in (302, 303), (payload, response.text)
        with app.app_context():
            user = db.session.scalar(select(User).where(User.email == "name0@example.org"))
            assert (user.first_name, user.last_name) == (payload, payload)


def field_error(page: str, field: str) -> str:
    """The message shown under ``field`` (empty when the field has none)."""
    found = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', page, re.S)
    return unescape(found.group(1)) if found else ""


@pytest.mark.parametrize("field", ["email", "nccaom_id"])
def test_a_payload_email_or_nccaom_id_is_refused_with_the_rule(app: Flask, field: str) -> None:
    for payload in PAYLOADS:
        response = register(app, field, payload)
        assert response.status_code == 422, (field, payload)
        message = field_error(response.text, field)
        if field == "nccaom_id":
            assert message in NCCAOM_REFUSALS, (payload, message)
        else:  # the email validator's own words: "An email address must have an @-sign."
            assert "email address" in message or "display name" in message, (payload, message)
    assert users(app) == 0


def test_a_payload_nccaom_id_is_refused_on_the_profile_too(app: Flask) -> None:
    make_user(app, "mei@example.org", first_name="Mei", last_name="Lindqvist")
    client = app.test_client()
    login(client, "mei@example.org")
    profile = {"first_name": "Mei", "last_name": "Lindqvist"}
    for payload in PAYLOADS:
        response = submit(client, "/account", {**profile, "nccaom_id": payload})
        assert response.status_code == 422, payload
        assert field_error(response.text, "nccaom_id") in NCCAOM_REFUSALS, payload
    with app.app_context():
        assert db.session.scalar(select(User.nccaom_id)) is None


def test_a_payload_licence_number_is_stored_unaltered_and_a_payload_state_refused(
    app: Flask,
) -> None:
    user_id = make_user(app, "mei@example.org", first_name="Mei", last_name="Lindqvist")
    client = app.test_client()
    login(client, "mei@example.org")
    kept = []
    # One current licence per state: each payload goes to another state.
    for payload, state in zip(PAYLOADS, sorted(STATE_NAMES), strict=False):
        refused = submit(client, "/account", {"state": payload, "number": "A1"}, LICENCES)
        assert refused.status_code == 422, payload
        assert "Not a valid choice" in refused.text or "Choose a US state" in refused.text
        response = submit(client, "/account", {"state": state, "number": payload}, LICENCES)
        if len(payload) > 40:
            assert response.status_code == 422, payload
            assert any(refusal in unescape(response.text) for refusal in LICENCE_REFUSALS)
            continue
        assert response.status_code in (302, 303), (payload, response.text)
        kept.append(payload)
    with app.app_context():
        stored = db.session.scalars(
            select(StateLicence.number).where(StateLicence.user_id == user_id)
        ).all()
    assert kept and sorted(stored) == sorted(kept)
