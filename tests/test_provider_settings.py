"""The provider settings page and the COURSEKIT_PROVIDER check at start-up: revisions,
images checked by content, state codes and dates, the audit entry, access."""

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
from coursekit.certificates.provider.queries import current_provider
from coursekit.certificates.provider.schemas import ProviderSettingInvalid, check_provider_setting
from tests.certificate_records import certificate_settings
from tests.helpers import csrf_token, login, make_user

PAGE = "/admin/provider"
VALID = {
    "name": "Blue Heron Acupuncture Seminars",
    "address": "12 Willow Lane, Portland, OR 97201",
    "contact": "ce@blueheron.example",
    "website": "https://blueheron.example",
    "nccaom_provider_number": "602",
    "nccaom_approved_from": "2026-01-01",
    "nccaom_approved_until": "2027-12-31",
    "state_numbers": "ca CEP-1234\nFL 50-9876\n",
    "signatory_name": "Dr. Mei-Ling Okonkwo",
    "signatory_title": "Director of Education",
    "disclaimer": "Check with your board.",
    "retention_notice": "Keep this for four years.",
    "issuing": "approval",
    "page_size": "A4",
    "validity_months": "",
}


def picture(kind: str = "PNG", size: tuple[int, int] = (40, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, kind)
    return buffer.getvalue()


@pytest.fixture
def admin(app, client):
    make_user(app, "admin@example.org", Role.ADMIN, first_name="Ada", last_name="Admin")
    login(client, "admin@example.org")
    return client


def save(client, **changes):
    data = {**VALID, **changes, "csrf_token": csrf_token(client, PAGE)}
    return client.post(PAGE, data=data, content_type="multipart/form-data")


def revisions(app) -> list[ProviderSettingsRevision]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(ProviderSettingsRevision).order_by(ProviderSettingsRevision.id)
            )
        )


def test_saving_appends_a_revision_and_an_audit_entry(app, admin):
    response = save(admin, logo=(io.BytesIO(picture()), "logo.png"))
    assert response.status_code == 302
    save(admin, contact="office@blueheron.example")
    first, second = revisions(app)
    assert first.values["contact"] == "ce@blueheron.example"  # never edited
    assert second.values["contact"] == "office@blueheron.example"
    assert second.values["state_numbers"] == [["CA", "CEP-1234"], ["FL", "50-9876"]]
    with app.app_context():
        provider = current_provider()
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert provider.issuing == "approval" and provider.page_size == "A4"
    assert provider.logo is not None and provider.logo.media_type == "image/png"  # kept
    assert [entry.action for entry in entries] == ["provider.saved", "provider.saved"]
    assert entries[1].details["changed"] == ["contact"]
    assert "logo" in entries[0].details["changed"]
    page = admin.get(PAGE).text
    assert "Ada Admin" in page and "contact" in page


def test_saving_the_same_values_writes_nothing(app, admin):
    save(admin)
    response = save(admin)
    assert response.status_code == 302
    assert len(revisions(app)) == 1
    assert "Nothing changed" in admin.get(PAGE).text


def test_images_are_recognised_by_content_not_by_name(app, admin):
    save(admin, signature=(io.BytesIO(picture("JPEG")), "signature.png"))
    with app.app_context():
        assert current_provider().signature.media_type == "image/jpeg"
    for upload, message in [
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not a PNG or JPEG"),
        (picture("GIF"), "use PNG or JPEG"),
        (picture("PNG", (2001, 10)), "at most 2000 pixels"),
        (picture("PNG")[:60], "not a PNG or JPEG"),  # truncated
        (b"", "empty"),
    ]:
        response = save(admin, logo=(io.BytesIO(upload), "logo.png"), contact="changed@x.org")
        assert response.status_code == 422
        assert message in response.text
    assert len(revisions(app)) == 1  # nothing saved by the refused uploads


def test_an_image_over_one_megabyte_is_refused(app, admin):
    # Random pixels do not compress: a 1,000 x 400 PNG of noise is over 1 MB.
    noise = Image.frombytes("RGB", (1000, 400), os.urandom(1000 * 400 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")
    assert len(buffer.getvalue()) > 1024 * 1024
    response = save(admin, logo=(io.BytesIO(buffer.getvalue()), "logo.png"))
    assert response.status_code == 422
    assert "larger than 1024 KB" in response.text
    assert revisions(app) == []


def test_omitting_an_upload_keeps_the_image_and_the_box_removes_it(app, admin):
    save(admin, logo=(io.BytesIO(picture()), "logo.png"))
    save(admin, contact="new@example.org")
    with app.app_context():
        assert current_provider().logo is not None
    save(admin, contact="new@example.org", remove_logo="y")
    with app.app_context():
        assert current_provider().logo is None
        entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.details["changed"] == ["logo"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"state_numbers": "XX 123"}, "Unknown state code XX"),
        ({"state_numbers": "CA"}, "Line 1: write the state code"),
        ({"state_numbers": "CA 1\nca 2"}, "CA is given twice"),
        ({"nccaom_approved_until": "2025-12-31"}, "cannot end before it starts"),
        ({"issuing": "sometimes"}, "Not a valid choice"),
        ({"validity_months": "0"}, "Number must be between 1 and 600"),
    ],
)
def test_bad_values_are_refused_with_a_clear_message(app, admin, changes, message):
    response = save(admin, **changes)
    assert response.status_code == 422
    assert message in response.text
    assert revisions(app) == []


def test_the_page_warns_when_issuing_needs_more(app, admin):
    save(admin, address="", signatory_name="")
    page = admin.get(PAGE).text
    assert "Certificates cannot be issued yet" in page
    assert "provider address, signatory name" in page
    save(admin)
    assert "Certificates cannot be issued yet" not in admin.get(PAGE).text


def test_the_form_starts_from_the_configuration(make_app):
    app = make_app(**certificate_settings())
    client = app.test_client()
    make_user(app, "admin@example.org", Role.ADMIN)
    login(client, "admin@example.org")
    page = client.get(PAGE).text
    assert "Blue Heron Acupuncture Seminars" in page
    assert "CA CEP-1234\nFL 50-9876" in page
    assert "Not saved here yet" in page


@pytest.mark.parametrize("role", [(), (Role.INSTRUCTOR,)])
def test_learners_and_instructors_are_refused(app, client, role):
    make_user(app, "someone@example.org", *role)
    login(client, "someone@example.org")
    assert client.get(PAGE).status_code == 403
    token = csrf_token(client, "/account")
    assert client.post(PAGE, data={**VALID, "csrf_token": token}).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count(ProviderSettingsRevision.id))) == 0


@pytest.mark.parametrize(
    ("provider", "message"),
    [
        ({"issuing": "sometimes"}, "issuing: Must be one of: automatic, approval."),
        ({"nccaom_approved_from": "2026-13-01"}, "nccaom_approved_from: Not a valid date."),
        ({"state_numbers": {"ZZ": "1"}}, "Unknown state code ZZ"),
        ({"logo": "no-such-logo.png"}, "logo: No readable file"),
        ({"signatory": "Dr. X"}, "signatory: Unknown field."),
    ],
)
def test_a_bad_configuration_stops_the_app(make_app, provider, message):
    with pytest.raises(ProviderSettingInvalid, match="COURSEKIT_PROVIDER is not valid") as bad:
        make_app(**certificate_settings(provider=provider))
    assert message in str(bad.value)


def test_configured_images_are_checked_by_content(tmp_path):
    (tmp_path / "logo.png").write_text("not an image")
    (tmp_path / "signature.jpg").write_bytes(picture("JPEG"))
    with pytest.raises(ProviderSettingInvalid, match=r"logo\.png: The file is not a PNG or JPEG"):
        check_provider_setting({"logo": "logo.png"}, str(tmp_path))
    check_provider_setting({"signature": "signature.jpg", "validity_months": 24}, str(tmp_path))
