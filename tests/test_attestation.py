"""The participant attestation, versioned: the admin page appends revisions (audited,
never edited), enrolment stores the wording in force, and a learner who read an older
wording is asked again."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import Role
from coursekit.attestation.models import AttestationRevision
from coursekit.audit.models import AuditEntry
from coursekit.catalog.models import Enrolment
from tests.helpers import csrf_token, login, make_user
from tests.package_factory import write_package
from tests.querycount import queries_for
from tests.test_ui import assert_accessible_forms

PAGE = "/admin/attestation"
SETTINGS_TEXT = "I attest that I am me (settings wording)."
NEW_TEXT = "I attest that I study alone and that my answers are my own (2026-2)."


@pytest.fixture
def app(make_app, tmp_path):
    write_package(tmp_path, "calf", title="Calf and heel pain")
    return make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"),
        COURSEKIT_PUBLISH_ON_START=True,
        COURSEKIT_ATTESTATION_TEXT=SETTINGS_TEXT,
        COURSEKIT_ATTESTATION_VERSION="test-3",
    )


@pytest.fixture
def admin(app):
    client = app.test_client()
    make_user(app, "admin@example.org", Role.ADMIN, first_name="Ada", last_name="Admin")
    login(client, "admin@example.org")
    return client


@pytest.fixture
def learner(app):
    client = app.test_client()
    make_user(app, "learner@example.org")
    login(client, "learner@example.org")
    return client


def save(client, text: str = NEW_TEXT, version: str = "2026-2", reason: str = "NCCAOM wording"):
    data = {"text": text, "version": version, "reason": reason}
    return client.post(PAGE, data={"csrf_token": csrf_token(client, PAGE), **data})


def revisions(app) -> list[AttestationRevision]:
    with app.app_context():
        return list(
            db.session.scalars(select(AttestationRevision).order_by(AttestationRevision.id))
        )


def enrolments(app) -> list[Enrolment]:
    with app.app_context():
        return list(db.session.scalars(select(Enrolment)))


def enrol(client, shown: str | None = None):
    data = {"accept": "y", "csrf_token": csrf_token(client, "/modules/calf")}
    if shown is not None:
        data["shown_version"] = shown
    return client.post("/modules/calf/enrol", data=data)


def test_until_a_revision_is_saved_the_settings_are_in_force(app, admin, learner):
    page = admin.get(PAGE).text
    assert SETTINGS_TEXT in page and "From the configuration" in page
    assert_accessible_forms(page, PAGE)
    shown = learner.get("/modules/calf").text
    assert SETTINGS_TEXT in shown and 'name="shown_version" type="hidden" value="test-3"' in shown
    assert enrol(learner, "test-3").status_code == 302
    (enrolment,) = enrolments(app)
    assert (enrolment.attestation_text, enrolment.attestation_version) == (SETTINGS_TEXT, "test-3")


def test_saving_appends_an_audited_revision_that_enrolment_then_stores(app, admin, learner):
    assert save(admin).status_code == 302
    assert save(admin, text=NEW_TEXT + " Revised.", version="2026-3").status_code == 302
    first, second = revisions(app)
    assert (first.version, first.text, first.reason) == ("2026-2", NEW_TEXT, "NCCAOM wording")
    assert second.version == "2026-3"  # the first is kept as it was
    with app.app_context():
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "attestation.saved")
        ).all()
    assert [entry.details["after"]["version"] for entry in entries] == ["2026-2", "2026-3"]
    assert entries[0].details["before"] == {"version": "test-3", "text": SETTINGS_TEXT}
    assert entries[0].reason == "NCCAOM wording" and entries[0].actor_id == first.saved_by_id
    page = admin.get(PAGE).text
    assert "In force: 2026-3" in page and "Ada Admin" in page and page.count("<tr>") == 3

    assert NEW_TEXT + " Revised." in learner.get("/modules/calf").text
    assert enrol(learner, "2026-3").status_code == 302
    (enrolment,) = enrolments(app)
    assert enrolment.attestation_version == "2026-3"
    assert enrolment.attestation_text == NEW_TEXT + " Revised."


def test_a_learner_who_read_older_wording_is_asked_again(app, admin, learner):
    learner.get("/modules/calf")  # shows test-3
    save(admin)
    stale = enrol(learner, "test-3")
    assert stale.status_code == 409
    assert "updated while the page was open" in stale.text
    assert NEW_TEXT in stale.text and 'value="2026-2"' in stale.text
    assert enrolments(app) == []
    assert enrol(learner, "2026-2").status_code == 302
    assert enrolments(app)[0].attestation_text == NEW_TEXT


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reason": " "}, "Give the reason"),
        ({"text": ""}, "Write the attestation text"),
        ({"version": ""}, "Give the wording a label"),
        ({"version": "x" * 41}, "within 40 characters"),
        ({"text": SETTINGS_TEXT, "version": "test-3"}, "Nothing changed"),
    ],
)
def test_refusals_write_nothing(app, admin, changes, message):
    refused = save(admin, **changes)
    assert refused.status_code == 422
    assert message in refused.text
    assert revisions(app) == []


def test_a_label_never_names_two_wordings(app, admin, learner):
    enrol(learner, "test-3")  # an acceptance of the settings wording under test-3
    refused = save(admin, version="test-3")
    assert refused.status_code == 422
    assert "already names other wording" in refused.text
    assert save(admin).status_code == 302
    again = save(admin, text=NEW_TEXT + " Other.", version="2026-2")
    assert again.status_code == 422
    assert len(revisions(app)) == 1


def test_attestation_page_query_budget_does_not_grow_with_revisions(app, admin):
    save(admin, version="v0")
    few = queries_for(app, admin, PAGE)
    for number in range(1, 8):
        save(admin, text=f"{NEW_TEXT} {number}", version=f"v{number}")
    many = queries_for(app, admin, PAGE)
    assert len(many) == len(few), (few, many)
    assert len(re.findall(r"<td>v\d</td>", admin.get(PAGE).text)) == 8
