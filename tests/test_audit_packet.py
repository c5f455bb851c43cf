"""The audit packet: every listed file, with the right content, for the learners who
completed the version in the period; recorded in the audit log; admins only."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import ModuleAssignment, Role, User
from coursekit.assessment.evaluations.models import EvaluationResponse
from coursekit.audit.models import AuditEntry
from coursekit.catalog.models import Enrolment
from coursekit.certificates.models import CertificateFile
from tests.api_helpers import bearer, make_token
from tests.certificate_records import certificate_settings, completed, issue
from tests.helpers import csrf_token, login, make_user
from tests.package_factory import write_package
from tests.report_records import lesson_events

PACKET = "/admin/rosters/audit-packet"
FORM = {"module": "calf", "version": "1.0.0", "start": "2026-11-01", "end": "2026-11-30"}


@pytest.fixture
def app(make_app, tmp_path):
    write_package(tmp_path, "calf")
    return make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"),
        COURSEKIT_PUBLISH_ON_START=True,
        **certificate_settings(provider={"issuing": "approval"}),
    )


def enrolment_of(app, email: str) -> tuple[int, int]:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        enrolment = db.session.scalar(select(Enrolment.id).where(Enrolment.user_id == user.id))
        return user.id, enrolment


def evaluate(app, enrolment: int) -> None:
    item = {"id": "met-objectives", "kind": "scale", "text": "The course met its objectives."}
    with app.app_context():
        db.session.add(
            EvaluationResponse(
                enrolment_id=enrolment,
                form="standard:2026-1",
                items=[item],
                answers={"met-objectives": 4},
                submitted_at=datetime(2026, 11, 3, 15, 0, tzinfo=UTC),
            )
        )
        db.session.commit()


@pytest.fixture
def records(app):
    """Zoë completed in November (certified, evaluated, with lesson events); Old
    completed in October, outside the period; an instructor is assigned to the module."""
    zoe = completed(
        app,
        "zoe@example.org",
        first_name="Zoë",
        last_name="Łukasz",
        licences={"CA": "AC 12345"},
        percent=90.0,
    )
    certificate = issue(app, zoe)
    user_id, enrolment = enrolment_of(app, "zoe@example.org")
    lesson_events(
        app, enrolment, (5, "01-anatomy", "opened", 0), (35, "01-anatomy", "active", 1800)
    )
    evaluate(app, enrolment)
    october = datetime(2026, 10, 2, 12, 0, tzinfo=UTC)
    issue(app, completed(app, "old@example.org", last_name="Old", completed_at=october))
    teacher = make_user(
        app, "teach@example.org", Role.INSTRUCTOR, first_name="Ida", last_name="Tan"
    )
    with app.app_context():
        db.session.add(ModuleAssignment(user_id=teacher, module_id="calf"))
        db.session.commit()
    return {"certificate": certificate, "user_id": user_id}


def admin_client(app):
    make_user(app, "boss@example.org", Role.ADMIN, first_name="Ada", last_name="Boss")
    client = app.test_client()
    login(client, "boss@example.org")
    return client


def rows(archive: zipfile.ZipFile, name: str) -> list[list[str]]:
    content = archive.read(name)
    assert content.startswith(b"\xef\xbb\xbf"), name
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_packet_holds_every_file_with_its_content(app, records):
    client = admin_client(app)
    token = csrf_token(client, PACKET)
    response = client.post(PACKET, data={"csrf_token": token, **FORM})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    number = records["certificate"].number
    slug = f"lukasz-zoe-{records['user_id']}"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert sorted(archive.namelist()) == sorted(
        [
            "README.txt",
            "course-outline.md",
            "instructors.csv",
            "roster-NCCAOM.csv",
            "roster-CA.csv",
            f"seat-time/{slug}.csv",
            "attempts.csv",
            "evaluations.csv",
            "certificates.csv",
            f"certificates/{number}.pdf",
        ]
    )
    readme = archive.read("README.txt").decode()
    assert "Completions from 2026-11-01 to 2026-11-30" in readme
    assert "by Ada Boss <boss@example.org>" in readme and "1 learners, 1 certificates" in readme
    outline = archive.read("course-outline.md").decode()
    for expected in (
        "# Module calf",
        "version 1.0.0",
        "### 1. Lesson 1 (30 minutes)",
        "- Name the structures beneath the muscle.",
        "NCCAOM, course PDA-000-001: AOM-AC 1.5, SA 0.5 PDA points",
        "- Post-test pass mark: 75%",
        "- Attempts allowed: 3",
        "- Questions per attempt: 10",
        "Distance learning — home study",
    ):
        assert expected in outline, expected
    with app.app_context():
        content_hash = db.session.get(Enrolment, enrolment_of(app, "zoe@example.org")[1])
        assert content_hash.module_version.content_hash in outline
    instructors = rows(archive, "instructors.csv")
    assert instructors[1] == ["author", "A. Sample", "L.Ac.", "", ""]
    assert instructors[2][:4] == ["assigned instructor", "Ida Tan", "", "teach@example.org"]
    assert rows(archive, "roster-NCCAOM.csv")[1][:3] == ["Łukasz", "Zoë", "12345"]
    assert rows(archive, "roster-CA.csv")[1][2] == "AC 12345"
    seat = rows(archive, f"seat-time/{slug}.csv")
    assert ["seat-time", "01-anatomy", "1800"] in [row[1:4] for row in seat]
    attempts = rows(archive, "attempts.csv")
    assert attempts[0][4:] == [
        "attempt", "started_at", "closed_at", "close_reason", "earned", "possible",
        "percent", "passed", "revisions", "graded_at",
    ]  # fmt: skip
    assert attempts[1][0] == "Łukasz" and attempts[1][10:13] == ["90.0", "yes", "1"]
    evaluations = rows(archive, "evaluations.csv")
    assert evaluations[1][:2] == ["Łukasz", "Zoë"]
    assert evaluations[1][-2:] == ["The course met its objectives.", "4: Agree"]
    certificates = rows(archive, "certificates.csv")
    assert certificates[1][:2] == [number, "valid"]
    assert certificates[1][3] == "Zoë Łukasz"
    with app.app_context():
        stored = db.session.get(CertificateFile, records["certificate"].id).content
        assert archive.read(f"certificates/{number}.pdf") == stored
        entry = db.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "audit-packet.written")
        )
        assert entry.details["learners"] == 1 and entry.details["via"] == "admin"
        assert entry.actor_id is not None


def test_the_command_writes_the_packet(app, records, tmp_path):
    target = tmp_path / "packet.zip"
    runner = app.test_cli_runner()
    args = ["coursekit", "reports", "audit-packet", "--module", "calf", "--version", "1.0.0"]
    result = runner.invoke(args=[*args, "-o", str(target)])
    assert result.exit_code == 0, result.output
    names = zipfile.ZipFile(target).namelist()
    # Without a period, October's learner is in too.
    assert len([name for name in names if name.startswith("certificates/")]) == 2
    assert "2 learners" in zipfile.ZipFile(target).read("README.txt").decode()
    assert "by the command line" in zipfile.ZipFile(target).read("README.txt").decode()
    unknown = runner.invoke(args=[*args[:-1], "9.9.9", "-o", str(tmp_path / "no.zip")])
    assert unknown.exit_code == 1
    assert "no module 'calf' with version '9.9.9'" in unknown.stderr
    assert not (tmp_path / "no.zip").exists()
    assert runner.invoke(args=args).exit_code == 2  # -o is required


def test_bad_choices_get_400_and_write_nothing(app, records):
    client = admin_client(app)
    token = csrf_token(client, PACKET)
    unknown = client.post(PACKET, data={"csrf_token": token, **FORM, "version": "9.9.9"})
    assert unknown.status_code == 400 and "with version" in unknown.text
    reversed_period = {**FORM, "start": "2026-12-01"}
    response = client.post(PACKET, data={"csrf_token": token, **reversed_period})
    assert response.status_code == 400 and "must not be before" in response.text
    with app.app_context():
        assert (
            db.session.scalar(select(AuditEntry).where(AuditEntry.action == "audit-packet.written"))
            is None
        )


@pytest.mark.parametrize("roles", [(), (Role.INSTRUCTOR,)])
def test_learners_and_instructors_are_refused(app, roles):
    make_user(app, "someone@example.org", *roles)
    client = app.test_client()
    login(client, "someone@example.org")
    token = csrf_token(client, "/account")
    assert client.get(PACKET).status_code == 403
    assert client.post(PACKET, data={"csrf_token": token, **FORM}).status_code == 403


def test_the_api_writes_the_pages_packet_and_refuses_bad_choices(app, records):
    page = admin_client(app)
    with app.app_context():
        boss = db.session.scalar(select(User.id).where(User.email == "boss@example.org"))
    headers = bearer(make_token(app, boss, "read", "write", "admin"))
    api = "/api/v1/admin/rosters/audit-packets"
    body = {"module_id": "calf", "version": "1.0.0", "start": "2026-11-01", "end": "2026-11-30"}
    answer = app.test_client().post(api, json=body, headers=headers)
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    assert answer.headers["Content-Disposition"] == (
        "attachment; filename=audit-packet-calf-1.0.0.zip"
    )
    assert answer.headers["Cache-Control"] == "private, no-store"
    download = page.post(PACKET, data={"csrf_token": csrf_token(page, PACKET), **FORM})
    by_api, by_page = (
        zipfile.ZipFile(io.BytesIO(answer.data)),
        zipfile.ZipFile(io.BytesIO(download.data)),
    )
    assert by_api.namelist() == by_page.namelist()
    for name in by_api.namelist():  # the README names when it was written; the rest is equal
        if name != "README.txt":
            assert by_api.read(name) == by_page.read(name), name
    refusals = [
        ({**body, "version": "9.9.9"}, "version"),
        ({**body, "start": "2026-12-01"}, "end"),
        ({**body, "module_id": "shin"}, "version"),
        ({**body, "version": ""}, "version"),
        ({**body, "board": "CA"}, "board"),
    ]
    for refused, field in refusals:
        bad = app.test_client().post(api, json=refused, headers=headers)
        assert bad.status_code == 422 and field in bad.get_json()["error"]["fields"], refused
    with app.app_context():
        vias = db.session.scalars(
            select(AuditEntry.details).where(AuditEntry.action == "audit-packet.written")
        ).all()
    assert sorted(details["via"] for details in vias) == ["admin", "api"]
