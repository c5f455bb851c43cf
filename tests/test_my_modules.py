"""The instructor's "My modules" page and the administrator console's front page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import ModuleAssignment, Role
from coursekit.audit.models import AuditEntry
from tests.certificate_records import completed
from tests.helpers import login, make_user, submit
from tests.package_factory import write_package, write_worksheet
from tests.querycount import queries_for
from tests.report_records import enrol as enrol_learner
from tests.report_records import worksheet


@pytest.fixture
def app(make_app, tmp_path):
    for module_id, title in (("calf", "Calf and heel pain"), ("shin", "Shin pain")):
        folder = write_package(tmp_path, module_id, title=title, worksheet="quizzes/worksheet.yaml")
        write_worksheet(folder)
    return make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"), COURSEKIT_PUBLISH_ON_START=True
    )


def signed_in(app, email, *roles, assigned=()):
    client = app.test_client()
    user_id = make_user(app, email, *roles)
    with app.app_context():
        for module_id in assigned:
            db.session.add(ModuleAssignment(user_id=user_id, module_id=module_id))
        db.session.commit()
    login(client, email)
    return client


def test_an_instructor_sees_only_their_modules_with_versions_learners_and_worksheets(app):
    for number in range(3):
        enrolment = enrol_learner(app, f"learner{number}@example.org", "calf")
        if number < 2:
            worksheet(app, enrolment, minutes=5)
    completed(app, "done@example.org", "calf")
    teacher = signed_in(app, "teacher@example.org", Role.INSTRUCTOR, assigned=("calf", "low-back"))
    page = teacher.get("/teach").text
    assert "Calf and heel pain" in page and "Shin pain" not in page
    assert "2 worksheets to review" in page
    # Four enrolled (three learners and the one who completed), one completed.
    assert '<td class="number">4</td>' in page and '<td class="number">1</td>' in page
    assert "/teach/modules/calf/report" in page
    assert 'href="/teach/modules/calf/versions/1.0.0/preview"' in page
    assert 'href="/teach/uploads"' in page
    assert "/teach/modules/calf/questions" in page and "/teach/modules/calf/evaluations" in page
    # Assigned, nothing published yet: said, not hidden.
    assert "<code>low-back</code>" in page


def test_an_administrator_sees_every_module_and_a_learner_is_refused(app):
    admin = signed_in(app, "admin@example.org", Role.ADMIN)
    page = admin.get("/teach").text
    assert "Calf and heel pain" in page and "Shin pain" in page
    learner = signed_in(app, "learner@example.org")
    assert learner.get("/teach").status_code == 403


def test_an_unassigned_instructor_is_told_why_the_page_is_empty(app):
    teacher = signed_in(app, "new@example.org", Role.INSTRUCTOR)
    assert "No module is assigned to you yet" in teacher.get("/teach").text


def test_my_modules_costs_the_same_queries_with_many_learners(app):
    admin = signed_in(app, "admin@example.org", Role.ADMIN)
    few = len(queries_for(app, admin, "/teach"))
    for number in range(12):
        enrolment = enrol_learner(app, f"many{number}@example.org", "shin")
        worksheet(app, enrolment, minutes=5)
    assert len(queries_for(app, admin, "/teach")) == few


def test_the_console_links_every_administrative_task(app):
    admin = signed_in(app, "admin@example.org", Role.ADMIN)
    page = admin.get("/admin").text
    for link in (
        "/admin/users",
        "/admin/certificates",
        "/admin/certificates/queue",
        "/admin/provider",
        "/admin/rosters",
        "/admin/rosters/audit-packet",
        "/admin/modules",
        "/admin/uploads",
        "/admin/attestation",
        "/admin/audit",
        "/teach/modules/calf/report",
        "/teach/modules/shin/questions",
    ):
        assert f'href="{link}"' in page, link
    teacher = signed_in(app, "teacher@example.org", Role.INSTRUCTOR)
    assert teacher.get("/admin").status_code == 403


def test_an_assigned_instructor_retires_a_version_with_a_reason(app):
    teacher = signed_in(app, "teacher@example.org", Role.INSTRUCTOR, assigned=("calf",))
    action = "/teach/modules/calf/versions/1.0.0/retire"
    refused = submit(teacher, "/teach", {"reason": ""}, action)
    assert refused.status_code == 303
    assert "Give the reason" in teacher.get("/teach").text
    assert submit(teacher, "/teach", {"reason": "Replaced by 1.1"}, action).status_code == 303
    page = teacher.get("/teach").text
    assert "calf 1.0.0 is retired" in page and "<td>retired</td>" in page
    with app.app_context():
        (entry,) = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "module.retired")
        )
        assert entry.reason == "Replaced by 1.1"
        assert entry.details["after"] == {"status": "retired"}
    other = signed_in(app, "other@example.org", Role.INSTRUCTOR, assigned=("shin",))
    assert submit(other, "/teach", {"reason": "mine now"}, action).status_code == 403
