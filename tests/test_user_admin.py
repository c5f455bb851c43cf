"""The console's Users section: a person's whole record, roles, legal-name correction
(and the reissue it offers), disabling; who may use it, and what each refusal says."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import Role, StateLicence, User, UserRole
from coursekit.accounts.passwords import hash_password
from coursekit.audit.models import AuditEntry
from coursekit.catalog.models import Enrolment
from coursekit.certificates.models import Certificate
from tests.certificate_records import certificate_settings, completed, issue
from tests.helpers import PASSWORD, csrf_token, load_user, login, make_user, submit
from tests.package_factory import write_package
from tests.report_records import enrol, evaluation, worksheet


@pytest.fixture
def app(make_app, tmp_path):
    write_package(tmp_path, "calf")
    return make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"),
        COURSEKIT_PUBLISH_ON_START=True,
        **certificate_settings(provider={"issuing": "approval"}),
    )


@pytest.fixture
def admin(app, client):
    client.user_id = make_user(
        app, "admin@example.org", Role.ADMIN, first_name="Ada", last_name="Admin"
    )
    login(client, "admin@example.org")
    return client


def learner_with_records(app) -> tuple[int, str]:
    """A learner with a removed licence, a completed module (attempt, worksheet reviewed,
    evaluation) and its certificate; their id and the certificate's number."""
    completion = completed(
        app, "ann@example.org", first_name="Ann", last_name="Smyth", licences={"CA": "AC 1"}
    )
    reviewer = make_user(app, "teach@example.org", first_name="Tess", last_name="Teacher")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "ann@example.org"))
        enrolment_id = enrol_id(user.id)
        user.roles.append(UserRole(role=Role.LEARNER))  # written straight, without a role
        db.session.add(
            StateLicence(user_id=user.id, state="FL", number="AP 9", removed_at=datetime.now(UTC))
        )
        db.session.commit()
        user_id = user.id
    worksheet(app, enrolment_id, 30, reviewed_by=reviewer, comment="Good palpation notes")
    evaluation(app, enrolment_id, 60)
    return user_id, issue(app, completion).number


def enrol_id(user_id: int) -> int:
    return db.session.scalar(select(Enrolment.id).where(Enrolment.user_id == user_id))


def entries(app, user_id: int) -> list[AuditEntry]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEntry)
                .where(AuditEntry.subject == f"user:{user_id}")
                .order_by(AuditEntry.id)
            )
        )


def test_the_record_shows_the_whole_learner(app, admin):
    user_id, number = learner_with_records(app)
    page = admin.get(f"/admin/users/{user_id}")
    assert page.status_code == 200
    text = page.text
    for expected in (
        "Ann",
        "Smyth",
        "12345",  # NCCAOM ID
        "CA AC 1",
        "FL AP 9",
        "<strong>removed</strong>",
        "learner",
        "active",
        "calf",
        "90.0 %",
        "passed",
        "Tess Teacher",
        "Good palpation notes",
        "standard 2026-1",
        number,
        f'href="/admin/certificates/{number}"',
        "certificate.issued",
    ):
        assert expected in text, expected
    listing = admin.get("/admin/users?q=smyth")
    assert f'href="/admin/users/{user_id}"' in listing.text


def test_unknown_users_are_404_and_only_admins_may_look(app, admin):
    user_id, _number = learner_with_records(app)
    assert admin.get("/admin/users/424242").status_code == 404
    assert admin.get(f"/admin/users/{2**40}").status_code == 404
    token = csrf_token(admin, f"/admin/users/{user_id}")
    for action in ("roles", "name", "disable", "enable"):
        response = admin.post(f"/admin/users/424242/{action}", data={"csrf_token": token})
        assert response.status_code == 404, action
    missing = admin.post(
        f"/admin/users/{user_id}/certificates/CK-0000-000000/reissue",
        data={"csrf_token": token, "reason": "x"},
    )
    assert missing.status_code == 404
    for email, roles in (("l@example.org", ()), ("i@example.org", (Role.INSTRUCTOR,))):
        make_user(app, email, *roles)
        other = app.test_client()
        login(other, email)
        assert other.get(f"/admin/users/{user_id}").status_code == 403
        token = csrf_token(other, "/account")
        for action in ("roles", "name", "disable"):
            response = other.post(
                f"/admin/users/{user_id}/{action}",
                data={"csrf_token": token, "reason": "x", "admin": "y", "first_name": "Z"},
            )
            assert response.status_code == 403, (email, action)
    assert load_user(app, user_id).role_names == {"learner"}
    assert load_user(app, user_id).first_name == "Ann"


def test_every_form_needs_its_csrf_token(app, admin):
    user_id, number = learner_with_records(app)
    for action, data in (
        ("roles", {"instructor": "y", "reason": "teaches"}),
        ("name", {"first_name": "Anne", "last_name": "Smith", "reason": "typo"}),
        ("disable", {"reason": "left"}),
        (f"certificates/{number}/reissue", {"reason": "name"}),
    ):
        response = admin.post(f"/admin/users/{user_id}/{action}", data=data)
        assert response.status_code == 400, action
    user = load_user(app, user_id)
    assert (user.first_name, user.status, user.role_names) == ("Ann", "active", {"learner"})
    assert entries(app, user_id) == []


def test_roles_change_with_a_reason_and_are_audited(app, admin):
    user_id, _number = learner_with_records(app)
    page = f"/admin/users/{user_id}"
    no_reason = submit(admin, page, {"instructor": "y"}, f"{page}/roles")
    assert no_reason.status_code == 422
    assert "Give the reason" in no_reason.text
    assert load_user(app, user_id).role_names == {"learner"}
    granted = submit(admin, page, {"instructor": "y", "reason": "Teaches calf"}, f"{page}/roles")
    assert granted.status_code == 302
    assert load_user(app, user_id).role_names == {"learner", "instructor"}
    same = submit(admin, page, {"instructor": "y", "reason": "again"}, f"{page}/roles")
    assert same.status_code == 409
    assert "Nothing was changed" in same.text
    revoked = submit(admin, page, {"reason": "Stopped teaching"}, f"{page}/roles")
    assert revoked.status_code == 302
    assert load_user(app, user_id).role_names == {"learner"}
    logged = [(e.action, e.actor_id, e.reason, e.details) for e in entries(app, user_id)]
    assert logged == [
        (
            "user.roles_changed",
            admin.user_id,
            "Teaches calf",
            {"before": ["learner"], "after": ["instructor", "learner"]},
        ),
        (
            "user.roles_changed",
            admin.user_id,
            "Stopped teaching",
            {"before": ["instructor", "learner"], "after": ["learner"]},
        ),
    ]
    assert "Stopped teaching" in admin.get(page).text


def test_a_name_correction_is_audited_and_offers_reissue_without_doing_it(app, admin):
    user_id, number = learner_with_records(app)
    page = f"/admin/users/{user_id}"
    fixed = submit(
        admin,
        page,
        {"first_name": " Anne ", "last_name": "Smith", "reason": "Licence shows Smith"},
        f"{page}/name",
    )
    assert fixed.status_code == 302
    user = load_user(app, user_id)
    assert (user.first_name, user.last_name) == ("Anne", "Smith")
    [entry] = entries(app, user_id)
    assert (entry.action, entry.actor_id, entry.reason) == (
        "user.name_corrected",
        admin.user_id,
        "Licence shows Smith",
    )
    assert entry.details == {
        "before": {"first_name": "Ann", "last_name": "Smyth"},
        "after": {"first_name": "Anne", "last_name": "Smith"},
    }
    with app.app_context():
        [certificate] = db.session.scalars(select(Certificate)).all()
        assert certificate.status == "valid"  # offered, not reissued
        assert certificate.fields["learner"]["legal_name"] == "Ann Smyth"
    record = admin.get(page).text
    assert "1 valid certificate prints a name other than Anne Smith" in record
    assert f"/admin/users/{user_id}/certificates/{number}/reissue" in record

    reissued = submit(
        admin, page, {"reason": "Legal name corrected"}, f"{page}/certificates/{number}/reissue"
    )
    assert reissued.status_code == 302
    with app.app_context():
        old, new = db.session.scalars(select(Certificate).order_by(Certificate.id)).all()
        assert (old.status, new.status) == ("superseded", "valid")
        assert new.fields["learner"]["legal_name"] == "Anne Smith"
    record = admin.get(page).text
    assert "prints a name other than" not in record
    again = submit(admin, page, {"reason": "again"}, f"{page}/certificates/{number}/reissue")
    assert again.status_code == 409
    assert "already been replaced" in again.text


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        ("", "Smith", "This field is required."),
        ("   ", "Smith", "This field is required."),
        ("Anne", "S" * 101, "Field cannot be longer than 100 characters."),
    ],
)
def test_invalid_names_get_the_profile_forms_messages(app, admin, first, last, message):
    user_id, _number = learner_with_records(app)
    page = f"/admin/users/{user_id}"
    response = submit(
        admin, page, {"first_name": first, "last_name": last, "reason": "typo"}, f"{page}/name"
    )
    assert response.status_code == 422
    assert message in response.text
    # The learner's own profile form says the same.
    profile = submit(admin, "/account", {"first_name": first, "last_name": last})
    assert profile.status_code == 422 and message in profile.text
    assert load_user(app, user_id).last_name == "Smyth"
    assert entries(app, user_id) == []


def test_a_name_correction_needs_a_reason_and_a_change(app, admin):
    user_id, _number = learner_with_records(app)
    page = f"/admin/users/{user_id}"
    data = {"first_name": "Anne", "last_name": "Smith"}
    assert submit(admin, page, data, f"{page}/name").status_code == 422
    same = submit(
        admin, page, {"first_name": "Ann", "last_name": "Smyth", "reason": "x"}, f"{page}/name"
    )
    assert same.status_code == 422 and "already Ann Smyth" in same.text
    assert entries(app, user_id) == []


def test_disabling_ends_the_sessions_at_once_and_keeps_the_records(app, admin):
    user_id, number = learner_with_records(app)
    learner = app.test_client()
    with app.app_context():  # the records' learner has no password yet
        db.session.get(User, user_id).password_hash = hash_password(PASSWORD)
        db.session.commit()
    assert login(learner, "ann@example.org").status_code == 302
    assert learner.get("/account").status_code == 200
    page = f"/admin/users/{user_id}"
    assert submit(admin, page, {}, f"{page}/disable").status_code == 422  # no reason
    assert learner.get("/account").status_code == 200
    disabled = submit(admin, page, {"reason": "Shared the account"}, f"{page}/disable")
    assert disabled.status_code == 302
    signed_out = learner.get("/account")
    assert signed_out.status_code == 302 and "/login" in signed_out.headers["Location"]
    assert load_user(app, user_id).status == "disabled"
    assert number in admin.get(page).text  # records stay
    again = submit(admin, page, {"reason": "twice"}, f"{page}/disable")
    assert again.status_code == 409

    enabled = submit(admin, page, {"reason": "Cleared up"}, f"{page}/enable")
    assert enabled.status_code == 302
    # The session ended for good: enabling does not bring an old cookie back.
    assert learner.get("/account").status_code == 302
    assert login(learner, "ann@example.org").status_code == 302
    actions = [(e.action, e.reason, e.details) for e in entries(app, user_id)]
    assert actions == [
        ("user.disabled", "Shared the account", {"before": "active", "after": "disabled"}),
        ("user.enabled", "Cleared up", {"before": "disabled", "after": "active"}),
    ]


def test_an_account_without_records_has_a_record_page(app, admin):
    user_id = make_user(app, "new@example.org", first_name="New", last_name="Person")
    page = admin.get(f"/admin/users/{user_id}")
    assert page.status_code == 200
    for empty in ("No enrolments.", "No attempts.", "No certificates.", "No entries."):
        assert empty in page.text


def test_the_enrolment_links_to_its_full_event_record(app, admin):
    enrolment = enrol(app, "bo@example.org")
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == "bo@example.org"))
    assert f"/teach/enrolments/{enrolment}" in admin.get(f"/admin/users/{user_id}").text


def test_user_search_ignores_letter_case_in_every_alphabet(app, admin):
    """Search folds É and Ø as it folds E and O, on SQLite as on PostgreSQL (one shared
    ``db.contains_text``, which the certificate and audit searches use too)."""
    zoe = make_user(app, "zoe@example.org", first_name="Zoë", last_name="Ørsted")
    eve = make_user(app, "eve@example.org", first_name="Émile", last_name="Dubois")
    for query, expected in [
        ("ørsted", {zoe}),
        ("ZOË ØRSTED", {zoe}),
        ("émile", {eve}),
        ("ÉMILE DU", {eve}),
        ("ZOE@EXAMPLE", {zoe}),
        ("Ørsteds", set()),
    ]:
        page = admin.get("/admin/users", query_string={"q": query}).text
        found = {user for user in (zoe, eve) if f'href="/admin/users/{user}"' in page}
        assert found == expected, query
