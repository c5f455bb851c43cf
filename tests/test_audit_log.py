"""The administrator's audit log: filters, the CSV, who may read it, and that entries
can be neither edited nor deleted."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, select, update

from coursekit import db
from coursekit.accounts.models import Role, User
from coursekit.audit.display import Change, changes_in, other_details
from coursekit.audit.models import AuditEntry, AuditLogIsAppendOnly
from coursekit.audit.operations import record
from tests.certificate_records import certificate_settings, completed, issue
from tests.helpers import login, make_user
from tests.package_factory import write_package
from tests.querycount import queries_for
from tests.report_records import version_id

LOG = "/admin/audit"
CSV = "/admin/audit.csv"


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=UTC)


def write(app, action: str, subject: str, *, actor_id: int | None, when: datetime, **kw):
    """Append one entry and commit; returns its id."""
    with app.app_context():
        actor = db.session.get(User, actor_id) if actor_id is not None else None
        entry = record(action, subject, actor=actor, at=when, **kw)
        db.session.commit()
        return entry.id


@pytest.fixture
def admin(app, client):
    client.user_id = make_user(
        app, "ada@example.org", Role.ADMIN, first_name="Ada", last_name="Lovelace"
    )
    login(client, "ada@example.org")
    return client


@pytest.fixture
def entries(app, admin):
    """Four entries: two by Ada, one by Ingrid the instructor, one by the platform."""
    ingrid = make_user(
        app, "ingrid@example.org", Role.INSTRUCTOR, first_name="Ingrid", last_name="Østergaard"
    )
    return {
        "revoked": write(
            app,
            "certificate.revoked",
            "certificate:17",
            actor_id=admin.user_id,
            when=at(2),
            reason="Completion recorded in error",
        ),
        "roles": write(
            app,
            "user.roles-changed",
            "user:5",
            actor_id=admin.user_id,
            when=at(10),
            reason="New instructor for the low back module",
            before={"roles": ["learner"]},
            after={"roles": ["instructor", "learner"]},
        ),
        "published": write(
            app,
            "module.published",
            "module-version:3",
            actor_id=ingrid,
            when=at(20),
            version="1.1.0",
        ),
        "issued": write(
            app, "certificate.issued", "certificate:18", actor_id=None, when=at(31, 23), number="X"
        ),
    }


def ids_on(response) -> list[str]:
    """The subjects listed on a log page, top to bottom."""
    assert response.status_code == 200, response.text
    rows = response.text.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    return [row.split("<code>")[1].split("</code>")[0] for row in rows if "<code>" in row]


def test_the_log_lists_every_entry_newest_first_with_who_and_what_changed(admin, entries):
    response = admin.get(LOG)
    assert ids_on(response) == [
        "certificate.issued",
        "module.published",
        "user.roles-changed",
        "certificate.revoked",
    ]
    page = response.text
    assert "4 entries" in page
    assert "Ingrid Østergaard" in page and "the platform" in page
    assert "Completion recorded in error" in page
    assert "roles: <del>learner</del> → <ins>instructor, learner</ins>" in page
    assert "version: 1.1.0" in page
    assert "2026-03-31 23:00:00" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=error", ["certificate.revoked"]),  # the reason
        ("q=CERTIFICATE", ["certificate.issued", "certificate.revoked"]),  # action, any case
        ("q=user:5", ["user.roles-changed"]),  # the subject
        ("q=100%25", []),  # % is a character, not a wildcard
        ("action=module.published", ["module.published"]),
        ("action=no.such-action", []),
        ("actor=ingrid@EXAMPLE", ["module.published"]),
        ("actor=Østergaard", ["module.published"]),
        ("actor=ada+lovelace", ["user.roles-changed", "certificate.revoked"]),
        ("subject=certificate:17", ["certificate.revoked"]),
        ("subject=certificate:1", []),  # exact, not a prefix
        ("subject=certificate", ["certificate.issued", "certificate.revoked"]),
        ("start=2026-03-10", ["certificate.issued", "module.published", "user.roles-changed"]),
        ("end=2026-03-10", ["user.roles-changed", "certificate.revoked"]),
        ("start=2026-03-10&end=2026-03-20", ["module.published", "user.roles-changed"]),
        ("start=2026-03-31&end=2026-03-31", ["certificate.issued"]),  # the whole last day
        ("q=certificate&actor=ada", ["certificate.revoked"]),  # filters combine
        (
            "start=0001-01-01&end=9999-12-31",  # the extremes, without overflow
            ["certificate.issued", "module.published", "user.roles-changed", "certificate.revoked"],
        ),
    ],
)
def test_each_filter(admin, entries, query, expected):
    assert ids_on(admin.get(f"{LOG}?{query}")) == expected


def test_the_action_filter_offers_the_actions_present(admin, entries):
    page = admin.get(LOG).text
    for action in ("certificate.issued", "certificate.revoked", "module.published"):
        assert f'<option value="{action}">{action}</option>' in page
    chosen = admin.get(f"{LOG}?action=retired.action").text
    assert '<option selected value="retired.action">' in chosen


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=2026-02-30", "Enter the first day as YYYY-MM-DD"),
        ("end=yesterday", "Enter the last day as YYYY-MM-DD"),
        ("start=2026-03-20&end=2026-03-10", "The last day must not be before the first day."),
        ("start=0001-01-01&end=9999-12-31&q=" + "x" * 201, "longer than 200 characters"),
    ],
)
def test_a_bad_date_range_is_refused_with_400_and_says_why(admin, entries, query, message):
    for url in (LOG, CSV):
        response = admin.get(f"{url}?{query}")
        assert response.status_code == 400, url
        assert response.mimetype == "text/html"
        assert message in response.text
        assert 'role="alert"' in response.text
        assert "Completion recorded in error" not in response.text


def test_pages_keep_the_filter(app, admin):
    for day in range(1, 29):
        for hour in (1, 2):
            write(app, "test.entry", f"thing:{day}-{hour}", actor_id=None, when=at(day, hour))
    first = admin.get(f"{LOG}?action=test.entry&start=2026-03-01")
    assert "56 entries" in first.text and "Page 1 of 2" in first.text
    assert "page=2" in first.text and "action=test.entry" in first.text
    assert "start=2026-03-01" in first.text
    second = admin.get(f"{LOG}?action=test.entry&start=2026-03-01&page=2")
    assert len(ids_on(second)) == 6


def test_the_csv_has_the_filtered_entries_with_formulas_defused(app, admin, entries):
    write(
        app,
        "user.name-corrected",
        "user:9",
        actor_id=admin.user_id,
        when=at(25),
        reason='=HYPERLINK("http://evil.example","x")',
        before={"last_name": "Smith"},
        after={"last_name": "-Smyth"},
    )
    response = admin.get(f"{CSV}?actor=ada")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment;" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [row["action"] for row in rows] == [
        "user.name-corrected",  # 25 March: newest first by the time of the change
        "user.roles-changed",
        "certificate.revoked",
    ]
    newest = rows[0]
    assert newest["reason"] == '\'=HYPERLINK("http://evil.example","x")'
    assert newest["changes"] == "last_name: Smith → -Smyth"
    assert newest["actor_email"] == "ada@example.org"
    assert newest["actor_name"] == "Ada Lovelace"
    assert newest["at"] == "2026-03-25T12:00:00+00:00"
    assert (
        newest["details"] == '{"after": {"last_name": "-Smyth"}, "before": {"last_name": "Smith"}}'
    )
    everything = list(csv.DictReader(io.StringIO(admin.get(CSV).text)))
    assert len(everything) == 5
    assert everything[0]["action"] == "certificate.issued"
    assert everything[0]["actor_name"] == "the platform" and everything[0]["actor_email"] == ""


def test_the_page_links_to_the_csv_of_the_same_filter(admin, entries):
    page = admin.get(f"{LOG}?actor=ada&subject=certificate").text
    assert 'href="/admin/audit.csv?actor=ada&amp;subject=certificate"' in page


@pytest.mark.parametrize("url", [LOG, CSV])
def test_learners_and_instructors_are_refused_and_anonymous_sent_to_sign_in(app, url):
    write(app, "certificate.revoked", "certificate:1", actor_id=None, when=at(1), reason="secret")
    anonymous = app.test_client()
    response = anonymous.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    for email, roles in (("lea@example.org", ()), ("ivan@example.org", (Role.INSTRUCTOR,))):
        make_user(app, email, *roles)
        client = app.test_client()
        login(client, email)
        response = client.get(url)
        assert response.status_code == 403
        assert "secret" not in response.text


def test_no_route_changes_an_entry(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("coursekit.audit."):
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule


def test_the_admin_navigation_links_to_the_log(admin):
    assert 'href="/admin/audit">Audit log</a>' in admin.get("/admin/users").text


def test_an_entry_cannot_be_updated_or_deleted_through_the_orm(app):
    entry_id = write(app, "certificate.revoked", "certificate:1", actor_id=None, when=at(1))
    attempts = (
        lambda entry: setattr(entry, "reason", "rewritten"),
        lambda entry: db.session.delete(entry),
        lambda _entry: db.session.execute(update(AuditEntry).values(reason="rewritten")),
        lambda _entry: db.session.execute(delete(AuditEntry).where(AuditEntry.id == entry_id)),
    )
    for attempt in attempts:
        with app.app_context():
            entry = db.session.get_one(AuditEntry, entry_id)
            with pytest.raises(AuditLogIsAppendOnly):
                attempt(entry)
                db.session.flush()
            db.session.rollback()
    with app.app_context():
        kept = db.session.scalars(select(AuditEntry)).all()
        assert [(item.id, item.reason) for item in kept] == [(entry_id, "")]


def test_a_subject_links_to_its_page(make_app, tmp_path):
    write_package(tmp_path, "calf")
    app = make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"),
        COURSEKIT_PUBLISH_ON_START=True,
        **certificate_settings(),
    )
    certificate = issue(app, completed(app, "zoe@example.org"))
    version = version_id(app, "calf", "1.0.0")
    write(app, "module.published", f"module-version:{version}", actor_id=None, when=at(1))
    write(app, "provider.saved", "provider", actor_id=None, when=at(1))
    write(app, "certificate.revoked", "certificate:999999", actor_id=None, when=at(1))
    ada = make_user(app, "ada@example.org", Role.ADMIN)
    write(app, "user.disabled", f"user:{ada}", actor_id=None, when=at(1))
    client = app.test_client()
    login(client, "ada@example.org")
    page = client.get(LOG).text
    assert f'<a href="/admin/users/{ada}">user:{ada}</a>' in page
    number = certificate.number
    assert f'<a href="/admin/certificates/{number}">certificate:{certificate.id}</a>' in page
    assert f'<a href="/teach/modules/calf/report">module-version:{version}</a>' in page
    assert '<a href="/admin/provider">provider</a>' in page
    assert "<td>certificate:999999</td>" in page  # no such certificate: no link


# Signed in: user and roles (2); the actions for the select (1); the count and the page
# of entries with their actors (2); the pages of the certificates and module versions
# listed (one query per kind of subject, 2).
BUDGET = 7


def _filled(app, admin_id: int, first: int, count: int) -> None:
    with app.app_context():
        actor = db.session.get(User, admin_id)
        for index in range(first, first + count):
            record(
                f"test.action-{index % 7}",
                f"certificate:{index}" if index % 2 else f"module-version:{index}",
                actor=actor if index % 3 else None,
                at=at(1 + index % 28),
                reason=f"reason {index}",
                before={"status": "a"},
                after={"status": "b"},
            )
        db.session.commit()


def test_the_log_page_has_a_fixed_query_budget(app, admin):
    _filled(app, admin.user_id, 0, 2)
    few = queries_for(app, admin, f"{LOG}?q=reason")
    _filled(app, admin.user_id, 2, 120)
    many = queries_for(app, admin, f"{LOG}?q=reason")
    assert len(many) == len(few), (few, many)
    assert len(many) <= BUDGET, many


@pytest.mark.parametrize(
    ("details", "changes", "others"),
    [
        (
            {"before": {"a": 1, "b": True}, "after": {"a": 1, "b": False, "c": ["x", "y"]}},
            [Change("b", "yes", "no"), Change("c", "—", "x, y")],
            [],
        ),
        (
            {"field": "last_name", "before": "Smith", "after": "Smyth", "user": 5},
            [Change("last_name", "Smith", "Smyth")],
            [("user", "5")],
        ),
        (
            {"status": {"before": "active", "after": "disabled"}, "sessions_ended": 2},
            [Change("status", "active", "disabled")],
            [("sessions_ended", "2")],
        ),
        ({"number": "X", "replaces": None}, [], [("number", "X")]),
    ],
)
def test_details_read_as_changes_and_the_rest(details, changes, others):
    assert changes_in(details) == changes
    assert other_details(details) == others
