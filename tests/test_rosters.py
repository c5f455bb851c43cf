"""Board rosters: rows and columns from valid certificates' snapshots, the period, learners
without the board's identifier, spreadsheet safety, kept exports, the command line and
the admin pages."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import Role, User
from coursekit.audit.models import AuditEntry
from coursekit.certificates.models import Certificate, RosterExport
from coursekit.certificates.operations import reissue_certificate, revoke_certificate
from coursekit.certificates.rosters import RosterError, RosterRequest, build_roster
from tests.certificate_records import certificate_settings, completed, issue
from tests.helpers import csrf_token, login, make_user
from tests.package_factory import write_package

NCCAOM_COLUMNS = [
    "last_name",
    "first_name",
    "nccaom_id",
    "course_number",
    "completion_date",
    "points_AOM-AC",
    "points_SA",
    "total_points",
    "certificate_number",
    "provider_number",
]
STATE_COLUMNS = [
    "last_name",
    "first_name",
    "licence_number",
    "course_number",
    "completion_date",
    "hours",
    "category",
    "certificate_number",
    "provider_number",
]


@pytest.fixture
def app(make_app, tmp_path):
    write_package(tmp_path, "calf")
    return make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"),
        COURSEKIT_PUBLISH_ON_START=True,
        **certificate_settings(provider={"issuing": "approval"}),
    )


def roster(app, board="NCCAOM", **options):
    with app.app_context():
        return build_roster(RosterRequest(board, "calf", **options))


def parsed(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark
    assert b"\r\n" in content
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def on(day: int) -> datetime:
    return datetime(2026, 11, day, 15, 30, tzinfo=UTC)


def test_nccaom_rows_come_from_the_certificates(app):
    zoe = completed(app, "zoe@example.org", first_name="Zoë", last_name="Łukasz", nccaom_id="12345")
    ann = completed(app, "ann@example.org", first_name="Ann", last_name="Abbott", nccaom_id="777")
    first, second = issue(app, zoe), issue(app, ann)
    result = roster(app)
    assert list(result.columns) == NCCAOM_COLUMNS
    assert result.rows == [
        [
            "Abbott",
            "Ann",
            "777",
            "PDA-000-001",
            "2026-11-03",
            "1.5",
            "0.5",
            "2",
            second.number,
            "602",
        ],
        [
            "Łukasz",
            "Zoë",
            "12345",
            "PDA-000-001",
            "2026-11-03",
            "1.5",
            "0.5",
            "2",
            first.number,
            "602",
        ],
    ]
    assert result.missing == []
    # The snapshot is what was certified: a later change to the profile does not show.
    with app.app_context():
        db.session.scalar(select(User).where(User.email == "ann@example.org")).last_name = "Zed"
        db.session.commit()
    assert roster(app).rows[0][0] == "Abbott"


def test_a_state_roster_has_the_licence_hours_and_category(app):
    certificate = issue(
        app, completed(app, "zoe@example.org", last_name="Ng", licences={"CA": "AC 12345"})
    )
    result = roster(app, "CA")
    assert list(result.columns) == STATE_COLUMNS
    assert result.rows == [
        ["Ng", "Test", "AC 12345", "", "2026-11-03", "2", "1", certificate.number, "CEP-0000"]
    ]


def test_revoked_and_superseded_certificates_are_left_out(app):
    kept = issue(app, completed(app, "a@example.org", last_name="Able"))
    revoked = issue(app, completed(app, "b@example.org", last_name="Baker"))
    replaced = issue(app, completed(app, "c@example.org", last_name="Cole"))
    with app.app_context():
        admin = db.session.get(User, make_user(app, "boss@example.org", Role.ADMIN))
        now = datetime(2026, 11, 20, tzinfo=UTC)
        revoke_certificate(
            db.session.get(Certificate, revoked.id), actor=admin, reason="Fraud", now=now
        )
        replacement = reissue_certificate(
            db.session.get(Certificate, replaced.id), actor=admin, reason="Name", now=now
        ).number
        db.session.commit()
    numbers = [row[8] for row in roster(app).rows]
    assert numbers == [kept.number, replacement]


def test_the_period_filters_on_the_completion_day_both_ends_included(app):
    for day in (1, 2, 3, 4):
        issue(app, completed(app, f"l{day}@example.org", last_name=f"L{day}", completed_at=on(day)))
    dates = [row[4] for row in roster(app, start=date(2026, 11, 2), end=date(2026, 11, 3)).rows]
    assert dates == ["2026-11-02", "2026-11-03"]
    assert len(roster(app, start=date(2026, 11, 4)).rows) == 1
    with pytest.raises(RosterError, match="starts"):
        roster(app, start=date(2026, 11, 4), end=date(2026, 11, 3))


def test_learners_without_the_identifier_are_named_not_dropped(app):
    issue(app, completed(app, "has@example.org", last_name="Has", licences={"CA": "AC 1"}))
    none = issue(
        app, completed(app, "none@example.org", first_name="No", last_name="Id", nccaom_id=None)
    )
    completed(app, "waiting@example.org")  # completed, no certificate yet
    nccaom = roster(app)
    assert [row[0] for row in nccaom.rows] == ["Has"]
    assert [item.certificate_number for item in nccaom.missing] == [none.number]
    assert "No Id" in str(nccaom.missing[0]) and "NCCAOM ID" in str(nccaom.missing[0])
    assert nccaom.uncertified == 1
    california = roster(app, "CA")
    assert [row[2] for row in california.rows] == ["AC 1"]
    assert "California licence number" in str(california.missing[0])


def test_a_formula_in_a_name_is_neutralised(app):
    from coursekit.certificates.rosters import roster_csv

    name = '=HYPERLINK("http://evil.example","x")'
    issue(app, completed(app, "evil@example.org", last_name=name))
    rows = parsed(roster_csv(roster(app)))
    assert rows[1][0] == "'" + name


def test_unknown_boards_modules_and_versions_are_refused(app):
    with pytest.raises(RosterError, match="Unknown board"):
        roster(app, "XX")
    with pytest.raises(RosterError, match="grants no credit with Texas"):
        roster(app, "TX")
    with pytest.raises(RosterError, match=r"no version '9\.9\.9'"):
        roster(app, version="9.9.9")
    with app.app_context(), pytest.raises(RosterError, match="no module 'nope'"):
        build_roster(RosterRequest("NCCAOM", "nope"))


def cli(app, *args):
    return app.test_cli_runner().invoke(args=["coursekit", "reports", "roster", *args])


def test_the_command_writes_keeps_and_warns(app, tmp_path):
    issue(app, completed(app, "zoe@example.org", last_name="Ng"))
    issue(app, completed(app, "none@example.org", last_name="Nil", nccaom_id=None))
    target = tmp_path / "nccaom.csv"
    result = cli(
        app, "--board", "nccaom", "--module", "calf", "--from", "2026-11-01", "-o", str(target)
    )
    assert result.exit_code == 0, result.output
    content = target.read_bytes()
    assert [row[0] for row in parsed(content)] == ["last_name", "Ng"]
    assert "Warning: left out: Test Nil" in result.stderr
    assert "1 rows written" in result.stderr
    with app.app_context():
        export = db.session.scalar(select(RosterExport))
        assert export.content == content
        assert export.sha256 == hashlib.sha256(content).hexdigest()
        assert (export.board, export.rows, export.exported_by_id) == ("NCCAOM", 1, None)
        assert export.period_from == date(2026, 11, 1)
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "roster.exported"))
        assert entry.subject == f"roster-export:{export.id}"
        assert entry.details["via"] == "cli"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--board", "XX", "--module", "calf"], 1, "Unknown board 'XX'"),
        (["--board", "NCCAOM", "--module", "nope"], 1, "There is no module 'nope'"),
        (["--board", "NCCAOM", "--module", "calf", "--version", "2.0.0"], 1, "no version"),
        (
            ["--board", "NCCAOM", "--module", "calf", "--from", "2026-12-01", "--to", "2026-11-01"],
            2,
            "after --to",
        ),
        (["--board", "NCCAOM", "--module", "calf", "--from", "yesterday"], 2, "yesterday"),
    ],
)
def test_the_command_refuses_bad_input_and_keeps_nothing(app, args, code, message):
    result = cli(app, *args)
    assert result.exit_code == code
    assert message in result.stderr
    with app.app_context():
        assert db.session.scalar(select(RosterExport)) is None


def test_admins_preview_download_and_download_again(app):
    issue(app, completed(app, "zoe@example.org", first_name="Zoë", last_name="Ng"))
    make_user(app, "boss@example.org", Role.ADMIN)
    client = app.test_client()
    login(client, "boss@example.org")
    page = client.get("/admin/rosters?board=NCCAOM&module=calf&version=&start=&end=")
    assert page.status_code == 200
    assert "Zoë" in page.text and "points_AOM-AC" in page.text
    token = csrf_token(client, "/admin/rosters?board=NCCAOM&module=calf")
    form = {"board": "NCCAOM", "module": "calf", "version": "", "start": "", "end": ""}
    assert client.post("/admin/rosters/export", data=form).status_code == 400  # no token
    download = client.post("/admin/rosters/export", data={"csrf_token": token, **form})
    assert download.status_code == 200
    assert download.headers["Content-Type"].startswith("text/csv")
    assert parsed(download.data)[1][:2] == ["Ng", "Zoë"]
    with app.app_context():
        export = db.session.scalar(select(RosterExport))
        assert export.exported_by_id is not None
    listing = client.get("/admin/rosters")
    assert f"/admin/rosters/exports/{export.id}" in listing.text
    again = client.get(f"/admin/rosters/exports/{export.id}")
    assert again.data == download.data
    assert client.get("/admin/rosters/exports/999999").status_code == 404


def test_the_pages_refuse_bad_choices_with_400(app):
    make_user(app, "boss@example.org", Role.ADMIN)
    client = app.test_client()
    login(client, "boss@example.org")
    reversed_period = client.get(
        "/admin/rosters?board=NCCAOM&module=calf&start=2026-12-01&end=2026-11-01"
    )
    assert reversed_period.status_code == 400
    assert "must not be before" in reversed_period.text
    unknown = client.get("/admin/rosters?board=NCCAOM&module=calf&version=9.9.9")
    assert unknown.status_code == 400 and "no version" in unknown.text
    no_credit = client.get("/admin/rosters?board=TX&module=calf")
    assert no_credit.status_code == 400 and "grants no credit with Texas" in no_credit.text


@pytest.mark.parametrize("roles", [(), (Role.INSTRUCTOR,)])
def test_learners_and_instructors_are_refused(app, roles):
    make_user(app, "someone@example.org", *roles)
    client = app.test_client()
    login(client, "someone@example.org")
    token = csrf_token(client, "/account")
    assert client.get("/admin/rosters?board=NCCAOM&module=calf").status_code == 403
    assert client.post("/admin/rosters/export", data={"csrf_token": token}).status_code == 403
    assert client.get("/admin/rosters/exports/1").status_code == 403
