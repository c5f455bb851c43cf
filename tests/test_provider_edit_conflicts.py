"""Two administrators editing the provider settings at once: the second save, based on
settings the first has replaced, is refused and changes nothing, on the page (the form
carries the revision it was filled from) and over the API (``If-Match`` with the ETag);
two saves racing past that check are stopped by the database (migration 0016)."""

from __future__ import annotations

import io
import re

import pytest
from flask.testing import FlaskClient

from coursekit import db
from coursekit.accounts.models import Role
from coursekit.certificates.provider import operations
from coursekit.certificates.provider.operations import EditConflict, save_provider_settings
from coursekit.db import utcnow
from tests.api_helpers import bearer, error_code, make_token
from tests.helpers import csrf_token, login, make_user
from tests.test_api_admin_provider import API, saved
from tests.test_provider_settings import PAGE, VALID, picture

_REVISION = re.compile(r'id="revision" name="revision" type="hidden" value="(\d*)"')


def form_revision(page: str) -> str:
    """The revision the settings form on ``page`` was filled from."""
    found = _REVISION.search(page)
    assert found, "the form carries no revision"
    return found.group(1)


def admin_client(app, email: str, first: str, last: str) -> FlaskClient:
    make_user(app, email, Role.ADMIN, first_name=first, last_name=last)
    client = app.test_client()
    login(client, email)
    return client


@pytest.fixture
def ada(app) -> FlaskClient:
    return admin_client(app, "ada@example.org", "Ada", "Admin")


@pytest.fixture
def bob(app) -> FlaskClient:
    return admin_client(app, "bob@example.org", "Bob", "Board")


def post_form(client: FlaskClient, revision: str, **changes) -> object:
    """Send the settings form as a browser that opened it at ``revision`` would."""
    data = {**VALID, **changes, "revision": revision, "csrf_token": csrf_token(client, PAGE)}
    return client.post(PAGE, data=data, content_type="multipart/form-data")


def test_a_save_over_settings_changed_since_the_form_was_opened_is_refused(app, ada, bob):
    ada_opened, bob_opened = ada.get(PAGE).text, bob.get(PAGE).text
    assert form_revision(ada_opened) == form_revision(bob_opened) == "0"
    assert post_form(ada, "0", contact="office@blueheron.example").status_code == 302
    refused = post_form(bob, "0", address="1 Harbour Road, Seattle, WA 98101")
    assert refused.status_code == 409
    assert "saved by Ada Admin" in refused.text and "contact" in refused.text
    assert "1 Harbour Road, Seattle" in refused.text  # what Bob typed is still there
    assert saved(app) == (1, 1)
    # Having seen Ada's change, Bob saves on purpose: the refusal based his form on it.
    adas = form_revision(ada.get(PAGE).text)
    assert adas != "0" and form_revision(refused.text) == adas
    again = post_form(bob, adas, address="1 Harbour Road, Seattle, WA 98101")
    assert again.status_code == 302
    assert saved(app) == (2, 2)
    assert form_revision(bob.get(PAGE).text) not in ("0", adas)


def test_a_refused_save_says_a_chosen_file_must_be_chosen_again(app, ada, bob):
    post_form(ada, "0", contact="office@blueheron.example")
    refused = post_form(bob, "0", logo=(io.BytesIO(picture()), "logo.png"))
    assert refused.status_code == 409 and "choose it again" in refused.text
    assert saved(app) == (1, 1)


@pytest.mark.parametrize("revision", ["abc", "-1", "99999999999"])
def test_a_damaged_revision_field_is_refused(app, ada, revision):
    refused = post_form(ada, revision)
    assert refused.status_code == 422 and "This form is damaged" in refused.text
    assert saved(app) == (0, 0)


@pytest.fixture
def token(app) -> dict[str, str]:
    admin = make_user(app, "api@example.org", Role.ADMIN, first_name="Ivy", last_name="Api")
    return bearer(make_token(app, admin, "read", "write", "admin"))


def test_the_api_answers_an_etag_and_refuses_a_change_based_on_an_old_one(app, client, token, ada):
    read = client.get(API, headers=token)
    assert read.headers["ETag"] == '"0"' and read.get_json()["revision_id"] == 0
    changed = client.patch(API, json={"name": "Blue Heron"}, headers={**token, "If-Match": '"0"'})
    revision = changed.get_json()["revision_id"]
    assert changed.status_code == 200 and changed.headers["ETag"] == f'"{revision}"'
    assert form_revision(ada.get(PAGE).text) == str(revision)
    # The page saves in between: the API's ETag no longer matches.
    assert post_form(ada, str(revision), contact="office@blueheron.example").status_code == 302
    stale = {**token, "If-Match": f'"{revision}"'}
    refused = client.patch(API, json={"name": "Green Heron"}, headers=stale)
    assert refused.status_code == 412 and error_code(refused) == "precondition_failed"
    assert "saved by Ada Admin" in refused.get_json()["error"]["message"]
    image = client.put(f"{API}/logo", data=picture(), content_type="image/png", headers=stale)
    assert image.status_code == 412
    assert client.delete(f"{API}/signature", headers=stale).status_code == 412
    assert saved(app) == (2, 2)
    assert client.get(API, headers=token).get_json()["settings"]["name"] == VALID["name"]


@pytest.mark.parametrize(
    ("if_match", "status"),
    [
        ("*", 200),  # any: the change applies to whatever is in force
        ('W/"0"', 412),  # a weak tag never matches
        ('"zero"', 412),  # not a tag of ours
        ('"0", "1"', 400),  # one read, one tag
    ],
)
def test_if_match_forms(app, client, token, if_match, status):
    answer = client.patch(API, json={"name": "Blue Heron"}, headers={**token, "If-Match": if_match})
    assert answer.status_code == status
    if status == 412:
        assert "names no version" in answer.get_json()["error"]["message"]
    assert saved(app) == ((1, 1) if status == 200 else (0, 0))


def test_two_saves_based_on_the_same_revision_cannot_both_land(app, monkeypatch):
    """The second of two saves that both read revision 1 before either wrote: the
    operation's own check passes for it, so the database's unique constraint stops it."""
    admin = make_user(app, "ada@example.org", Role.ADMIN, first_name="Ada", last_name="Admin")
    with app.app_context():
        actor = db.session.get(operations.User, admin)
        save_provider_settings(
            {"name": "First"}, logo="keep", signature="keep", actor=actor, now=utcnow()
        )
        read_before = operations.latest_revision()
        save_provider_settings(
            {"name": "Second"}, logo="keep", signature="keep", actor=actor, now=utcnow()
        )
        db.session.commit()
        monkeypatch.setattr(operations, "latest_revision", lambda: read_before)
        with pytest.raises(EditConflict, match="at the same moment") as raised:
            save_provider_settings(
                {"name": "Third"}, logo="keep", signature="keep", actor=actor, now=utcnow()
            )
        assert raised.value.current == read_before.id
        db.session.commit()
    assert saved(app) == (2, 2)
