"""The administrator's module page: statuses and reports, reload, retire, instructor
assignments (shared with the command line), the audit entries, and refusals."""

from __future__ import annotations

import re

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from coursekit import db
from coursekit.accounts.models import ModuleAssignment, Role, User
from coursekit.audit.models import AuditEntry
from coursekit.catalog.operations import enrol
from coursekit.packages import discovery, operations
from coursekit.packages.models import ModuleVersion, VersionStatus
from tests.helpers import csrf_token, login, make_user
from tests.package_factory import write_package, write_worksheet
from tests.querycount import queries_for
from tests.test_ui import assert_accessible_forms

PAGE = "/admin/modules"


@pytest.fixture
def content(tmp_path):
    for module_id in ("calf", "shin"):
        folder = write_package(
            tmp_path, module_id, lesson_minutes=60, worksheet="quizzes/worksheet.yaml"
        )
        write_worksheet(folder)
    return tmp_path


@pytest.fixture
def app(make_app, content):
    return make_app(COURSEKIT_MODULES_PATH=str(content / "modules"))


@pytest.fixture
def admin(app, client):
    make_user(app, "admin@example.org", Role.ADMIN, first_name="Ada", last_name="Admin")
    login(client, "admin@example.org")
    return client


def post(client, action: str, **data: str):
    return client.post(action, data={"csrf_token": csrf_token(client, PAGE), **data})


def versions(app) -> dict[tuple[str, str], ModuleVersion]:
    with app.app_context():
        rows = db.session.scalars(select(ModuleVersion))
        return {(row.module_id, row.version): row for row in rows}


def audit(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
            )
        )


def bump(content, module_id: str, version: str) -> None:
    manifest = content / "modules" / module_id / "module.yaml"
    data = yaml.safe_load(manifest.read_text())
    manifest.write_text(yaml.safe_dump({**data, "version": version}, sort_keys=False))


def test_reload_publishes_every_valid_new_version_and_reports_the_rest(app, admin, content):
    broken = write_package(content, "broken")
    (broken / "module.yaml").write_text("id: broken\ntitle: [unclosed\n")
    page = admin.get(PAGE).text
    assert page.count(">new<") == 2
    assert "broken: 1 problem" in page
    assert re.search(r"modules/broken/module\.yaml:\d+:\d+: ", page), page

    response = post(admin, f"{PAGE}/reload", reason="spring catalogue")
    assert response.status_code == 302
    assert set(versions(app)) == {("calf", "1.0.0"), ("shin", "1.0.0")}
    page = admin.get(PAGE).text
    assert "Published calf 1.0.0, shin 1.0.0." in page
    assert "Not published: " in page and "broken" in page
    assert page.count(">published<") == 2
    entries = audit(app, "module.published")
    assert [(entry.subject, entry.details["version"]) for entry in entries] == [
        ("module:calf", "1.0.0"),
        ("module:shin", "1.0.0"),
    ]
    assert {entry.reason for entry in entries} == {"spring catalogue"}
    assert entries[0].actor_id is not None

    post(admin, f"{PAGE}/reload")
    assert "No new version to publish." in admin.get(PAGE).text
    assert len(audit(app, "module.published")) == 2


def test_page_shows_new_and_changed_versions_enrolments_and_instructors(app, admin, content):
    post(admin, f"{PAGE}/reload")
    learner_id = make_user(app, "learner@example.org")
    instructor_id = make_user(
        app, "ines@example.org", Role.INSTRUCTOR, first_name="Ines", last_name="Teach"
    )
    with app.app_context():
        version = versions(app)[("calf", "1.0.0")]
        enrol(
            db.session.get(User, learner_id),
            db.session.merge(version),
            attestation_accepted=True,
            attestation_text="I attest.",
            attestation_version="t-1",
        )
        db.session.add(ModuleAssignment(user_id=instructor_id, module_id="calf"))
        db.session.commit()
    lesson = content / "modules/calf/lessons/01-anatomy.md"
    lesson.write_text(lesson.read_text() + "\nAn edit.\n")
    bump(content, "shin", "1.1.0")

    page = admin.get(PAGE).text
    calf = page[page.index('id="module-calf"') : page.index('id="module-shin"')]
    shin = page[page.index('id="module-shin"') :]
    assert ">changed<" in calf and "bump the version number" in calf
    assert re.search(r"<td>1\.0\.0</td>\s*<td><span class=\"badge module-published\">", calf)
    assert re.search(r"module-published\">published</span>.*?<td>1</td>", calf, re.S)
    assert "Ines Teach (ines@example.org)" in calf
    assert "No instructor is assigned" in shin
    assert re.search(r"<td>1\.1\.0</td>\s*<td><span class=\"badge module-new\">new", shin)
    assert_accessible_forms(page, PAGE)
    ids = [found for found in re.findall(r' id="([^"]+)"', page) if found != "csrf_token"]
    assert len(ids) == len(set(ids)), sorted(ids)

    reloaded = post(admin, f"{PAGE}/reload")
    assert reloaded.status_code == 302
    assert ("shin", "1.1.0") in versions(app)
    assert "Not published: " in admin.get(PAGE).text  # calf's changed content


def test_retire_needs_a_reason_and_refuses_twice(app, admin):
    post(admin, f"{PAGE}/reload")
    refused = post(admin, f"{PAGE}/calf/1.0.0/retire", reason="  ")
    assert refused.status_code == 422
    assert "Give the reason" in refused.text
    assert versions(app)[("calf", "1.0.0")].status == VersionStatus.PUBLISHED

    done = post(admin, f"{PAGE}/calf/1.0.0/retire", reason="superseded by the 2027 edition")
    assert done.status_code == 302
    row = versions(app)[("calf", "1.0.0")]
    assert row.status == VersionStatus.RETIRED and row.retired_at is not None
    (entry,) = audit(app, "module.retired")
    assert entry.subject == "module:calf" and entry.reason == "superseded by the 2027 edition"
    assert entry.details["before"] == {"status": "published"}
    assert entry.details["after"] == {"status": "retired"}

    again = post(admin, f"{PAGE}/calf/1.0.0/retire", reason="again")
    assert again.status_code == 409
    assert "already retired" in again.text
    missing = post(admin, f"{PAGE}/calf/9.9.9/retire", reason="typo")
    assert missing.status_code == 404
    assert "was never published" in missing.text
    assert len(audit(app, "module.retired")) == 1
    # No new enrolments: the catalogue no longer offers the retired version.
    assert admin.get("/modules/calf").status_code == 404


def test_assign_and_unassign_an_instructor(app, admin):
    post(admin, f"{PAGE}/reload")
    instructor_id = make_user(
        app, "ines@example.org", Role.INSTRUCTOR, first_name="Ines", last_name="Teach"
    )
    learner_id = make_user(app, "lee@example.org")
    assert f'<option value="{instructor_id}">Ines Teach' in admin.get(PAGE).text

    done = post(admin, f"{PAGE}/calf/assign", instructor=str(instructor_id), reason="new term")
    assert done.status_code == 302
    again = post(admin, f"{PAGE}/calf/assign", instructor=str(instructor_id))
    assert again.status_code == 302
    assert "already assigned" in admin.get(PAGE).text
    (entry,) = audit(app, "module.instructor_assigned")
    assert entry.subject == "module:calf" and entry.reason == "new term"
    assert entry.details["instructor_id"] == instructor_id
    assert entry.details["after"] == {"assigned": True}

    not_instructor = post(admin, f"{PAGE}/calf/assign", instructor=str(learner_id))
    assert not_instructor.status_code == 422
    assert "is not an instructor" in not_instructor.text
    unpublished = post(admin, f"{PAGE}/ghost/assign", instructor=str(instructor_id))
    assert unpublished.status_code == 422
    assert "No module with the id" in unpublished.text
    nobody = post(admin, f"{PAGE}/calf/assign", instructor="999999")
    assert nobody.status_code == 404
    with app.app_context():
        rows = db.session.scalars(select(ModuleAssignment)).all()
        assert [(row.user_id, row.module_id) for row in rows] == [(instructor_id, "calf")]

    assert post(admin, f"{PAGE}/calf/unassign", instructor=str(instructor_id)).status_code == 302
    assert post(admin, f"{PAGE}/calf/unassign", instructor=str(instructor_id)).status_code == 302
    assert "was not assigned to calf" in admin.get(PAGE).text
    with app.app_context():
        assert db.session.scalars(select(ModuleAssignment)).all() == []
    (ended,) = audit(app, "module.instructor_unassigned")
    assert ended.details["before"] == {"assigned": True}


def test_the_command_line_uses_the_same_operations_and_audits_them(app, admin):
    post(admin, f"{PAGE}/reload")
    make_user(app, "ines@example.org", Role.INSTRUCTOR)
    runner = app.test_cli_runner()
    assigned = runner.invoke(args=["coursekit", "users", "assign", "ines@example.org", "calf"])
    assert assigned.exit_code == 0, assigned.output
    retired = runner.invoke(
        args=["coursekit", "modules", "retire", "calf", "1.0.0", "--reason", "old"]
    )
    assert retired.exit_code == 0, retired.output
    again = runner.invoke(args=["coursekit", "modules", "retire", "calf", "1.0.0", "--reason", "x"])
    assert again.exit_code == 1 and "already retired" in again.output
    (assignment,) = audit(app, "module.instructor_assigned")
    (retirement,) = audit(app, "module.retired")
    assert assignment.actor_id is None and retirement.actor_id is None
    assert retirement.reason == "old"


def test_module_page_query_budget_does_not_grow_with_modules(app, admin, content):
    post(admin, f"{PAGE}/reload")
    few = queries_for(app, admin, PAGE)
    for number in range(6):
        write_package(content, f"extra-{number}")
    post(admin, f"{PAGE}/reload")
    make_user(app, "ines@example.org", Role.INSTRUCTOR)
    make_user(app, "ivan@example.org", Role.INSTRUCTOR)
    with app.app_context():
        for user in db.session.scalars(select(User).where(User.email.like("i%"))):
            for module_id in ("calf", "shin", "extra-0"):
                db.session.add(ModuleAssignment(user_id=user.id, module_id=module_id))
        db.session.commit()
    many = queries_for(app, admin, PAGE)
    assert len(many) == len(few), (few, many)


def test_a_reload_racing_another_is_refused_cleanly(app, admin, monkeypatch):
    def racing(**_kwargs):
        db.session.add(
            ModuleVersion(
                module_id="calf", version="1.0.0", content_hash="x" * 64, title="Calf", archive=b""
            )
        )
        raise IntegrityError("INSERT", {}, Exception("duplicate key"))

    monkeypatch.setattr(operations, "scan_and_publish", racing)
    refused = post(admin, f"{PAGE}/reload")
    assert refused.status_code == 409
    assert "Another reload was publishing" in refused.text
    assert versions(app) == {}


def test_the_page_parses_packages_only_when_files_change(app, admin, content, monkeypatch):
    """DESIGN §4: packages are parsed once per process, not per request. The page shows
    the library's last scan and parses again only after a file under the modules path
    changed."""
    assert admin.get(PAGE).status_code == 200  # this process's first look scans
    parsed: list[str] = []
    real = discovery.load_package

    def counting(files, shared):
        parsed.append(files.label)
        return real(files, shared)

    monkeypatch.setattr(discovery, "load_package", counting)
    for _ in range(3):
        assert admin.get(PAGE).status_code == 200
    assert parsed == []
    bump(content, "shin", "1.1.0")
    page = admin.get(PAGE).text
    assert len(parsed) == 2  # calf and shin, once each
    assert re.search(r"<td>1\.1\.0</td>\s*<td><span class=\"badge module-new\">new", page)
    parsed.clear()
    assert admin.get(PAGE).status_code == 200
    assert parsed == []
