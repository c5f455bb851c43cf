"""Provider settings over the API, driven beside the settings page: the same revisions,
audit entries and rules (images recognised by content, state codes, dates), and bad
input refused with the envelope while nothing is saved."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image
from sqlalchemy import func, select

from coursekit import db
from coursekit.accounts.models import Role
from coursekit.audit.models import AuditEntry
from coursekit.certificates.provider.models import ProviderSettingsRevision
from tests.api_helpers import bearer, error_code, make_token
from tests.helpers import login, make_user
from tests.test_provider_settings import PAGE, picture, save

API = "/api/v1/admin/provider"


@pytest.fixture
def token(app) -> dict[str, str]:
    admin = make_user(app, "admin@example.org", Role.ADMIN, first_name="Ada", last_name="Admin")
    return bearer(make_token(app, admin, "read", "write", "admin"))


@pytest.fixture
def page(app, token):
    """The settings page, signed in as the same administrator."""
    client = app.test_client()
    login(client, "admin@example.org")
    return client


def saved(app) -> tuple[int, int]:
    """How many revisions and audit entries of them there are."""
    with app.app_context():
        revisions = db.session.scalar(select(func.count(ProviderSettingsRevision.id)))
        entries = db.session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.action == "provider.saved")
        )
        return revisions, entries


def test_a_change_by_api_is_a_revision_the_page_shows(app, client, token, page):
    before = client.get(API, headers=token).get_json()
    assert before["history"] == [] and before["logo"] is None
    assert before["settings"]["issuing"] == "automatic"
    change = {"name": "Blue Heron Seminars", "state_numbers": {"CA": "CEP-1234"}}
    answer = client.patch(API, json=change, headers=token)
    assert answer.status_code == 200, answer.text
    shown = answer.get_json()
    assert shown["changed"] == ["name", "state_numbers"]
    assert shown["settings"]["name"] == "Blue Heron Seminars"
    assert shown["settings"]["state_numbers"] == {"CA": "CEP-1234"}
    assert shown["settings"]["contact"] == before["settings"]["contact"]  # left out: kept
    assert shown["history"][0]["saved_by"]["email"] == "admin@example.org"
    assert saved(app) == (1, 1)
    assert "Blue Heron Seminars" in page.get(PAGE).text
    again = client.patch(API, json=change, headers=token).get_json()
    assert again["changed"] == [] and saved(app) == (1, 1)
    # The page's save is read back by the API in the same shape.
    assert save(page, contact="office@blueheron.example").status_code == 302
    read = client.get(API, headers=token).get_json()
    assert read["settings"]["contact"] == "office@blueheron.example"
    assert read["settings"]["issuing"] == "approval"  # the page sends every field
    assert [save["changed"] for save in read["history"]][1] == ["name", "state_numbers"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"state_numbers": {"ZZ": "1"}}, "state_numbers"),
        ({"nccaom_approved_from": "2027-01-01", "nccaom_approved_until": "2026-01-01"}, None),
        ({"issuing": "sometimes"}, "issuing"),
        ({"validity_months": "12"}, "validity_months"),
        ({"validity_months": 0}, "validity_months"),
        ({"name": "x" * 201}, "name"),
        ({"logo": "logo.png"}, "logo"),  # images are files of their own
        ({"is_admin": True}, "is_admin"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_saved(app, client, token, change, field):
    answer = client.patch(API, json=change, headers=token)
    assert answer.status_code == 422 and error_code(answer) == "invalid"
    fields = answer.get_json()["error"]["fields"]
    assert field in fields if field else fields
    assert saved(app) == (0, 0)


def test_an_approval_ending_before_the_saved_start_is_refused(app, client, token):
    client.patch(API, json={"nccaom_approved_from": "2027-01-01"}, headers=token)
    answer = client.patch(API, json={"nccaom_approved_until": "2026-06-30"}, headers=token)
    assert answer.status_code == 422
    assert "nccaom_approved_until" in answer.get_json()["error"]["fields"]
    assert saved(app) == (1, 1)


def test_malformed_bodies_are_refused(app, client, token):
    broken = client.patch(API, data="{", content_type="application/json", headers=token)
    assert broken.status_code == 400 and error_code(broken) == "malformed_json"
    listed = client.patch(API, json=["name"], headers=token)
    assert listed.status_code == 422
    assert saved(app) == (0, 0)


def test_images_are_files_read_by_content_as_on_the_page(app, client, token, page):
    logo = f"{API}/logo"
    assert client.get(logo, headers=token).status_code == 404
    png = picture()
    put = client.put(logo, data=png, content_type="image/png", headers=token)
    assert put.status_code == 200, put.text
    assert put.get_json()["changed"] == ["logo"]
    assert put.get_json()["logo"]["media_type"] == "image/png"
    fetched = client.get(logo, headers=token)
    assert fetched.data == png and fetched.mimetype == "image/png"
    assert "private" in fetched.headers["Cache-Control"]
    # The type comes from the bytes: a JPEG sent as image/png is kept as a JPEG.
    signature = client.put(
        f"{API}/signature", data=picture("JPEG"), content_type="image/png", headers=token
    )
    assert signature.get_json()["signature"]["media_type"] == "image/jpeg"
    assert saved(app) == (2, 2)
    assert "data:image/png;base64," in page.get(PAGE).text
    removed = client.delete(logo, headers=token)
    assert removed.status_code == 200 and removed.get_json()["logo"] is None
    assert client.get(logo, headers=token).status_code == 404
    assert client.get(f"{API}/signature", headers=token).status_code == 200  # kept
    assert client.get(f"{API}/stamp", headers=token).status_code == 404
    assert saved(app) == (3, 3)


def noise_png() -> bytes:
    """A PNG over 1 MB: random pixels do not compress."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", (1000, 400), os.urandom(1000 * 400 * 3)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not a PNG or JPEG"),
        (picture("GIF"), "use PNG or JPEG"),
        (picture("PNG", (2001, 10)), "at most 2000 pixels"),
        (picture("PNG")[:60], "not a PNG or JPEG"),
        (b"", "empty"),
        (noise_png(), "larger than 1024 KB"),
    ],
)
def test_unusable_images_are_refused(app, client, token, content, message):
    answer = client.put(f"{API}/logo", data=content, content_type="image/png", headers=token)
    assert answer.status_code == 422 and error_code(answer) == "invalid"
    assert message in answer.get_json()["error"]["fields"]["logo"][0]
    assert saved(app) == (0, 0)


def test_an_image_in_another_media_type_is_refused(app, client, token):
    for content_type in ("text/plain", "multipart/form-data", "application/json"):
        answer = client.put(f"{API}/logo", data=picture(), content_type=content_type, headers=token)
        assert answer.status_code == 415 and error_code(answer) == "unsupported_media_type"
    assert saved(app) == (0, 0)
