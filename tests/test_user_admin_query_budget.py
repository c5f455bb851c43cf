"""A person's record page costs a fixed number of statements, whatever the number of
enrolments, attempts, worksheets, evaluations, certificates and audit entries."""

from __future__ import annotations

import yaml
from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import Role, User
from coursekit.audit.operations import record
from coursekit.catalog.models import Enrolment
from coursekit.packages.models import ModuleVersion
from coursekit.packages.publishing import publish_packages
from tests.certificate_records import certificate_settings, completed, issue
from tests.helpers import login, make_user
from tests.package_factory import manifest, write_package, write_worksheet
from tests.querycount import queries_for
from tests.report_records import at, attempt, evaluation, lesson_events, worksheet

# The signed-in admin with their roles, the person and their roles (2), licences,
# enrolments, progress (lessons, attempts, worksheets, evaluations, completions: 5),
# attempts, worksheets, evaluations, certificates, audit entries, and the extra time in
# force on the modules whose post-test has a time limit.
BUDGET = 16
TIMED = {"quiz": "quizzes/post-test.yaml", "pass_mark": 75, "time_limit_minutes": 30}


def busy(app, enrolment: int, reviewer: int, start: int) -> None:
    """Seat time, a reviewed worksheet, three more graded attempts and an evaluation."""
    seat = [(start + minute, "01-anatomy", "active", 30) for minute in range(20)]
    lesson_events(app, enrolment, (start, "01-anatomy", "opened", 0), *seat)
    worksheet(app, enrolment, start + 100, reviewed_by=reviewer, comment="ok")
    for number in range(2, 5):
        attempt(app, enrolment, number, start + 200 + number, [50, 80])
    evaluation(app, enrolment, start + 500)


def audit(app, user_id: int, count: int) -> None:
    with app.app_context():
        for number in range(count):
            record("user.roles_changed", f"user:{user_id}", actor=None, at=at(number), n=number)
        db.session.commit()


def enrolment_of(app, user_id: int, version: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(Enrolment.id)
            .join(ModuleVersion, ModuleVersion.id == Enrolment.module_version_id)
            .where(Enrolment.user_id == user_id, ModuleVersion.version == version)
        )


def test_the_record_page_costs_the_same_for_little_and_much(make_app, tmp_path):
    write_worksheet(
        write_package(tmp_path, "calf", worksheet="quizzes/worksheet.yaml", assessment=TIMED)
    )
    app = make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"),
        COURSEKIT_PUBLISH_ON_START=True,
        **certificate_settings(provider={"issuing": "approval"}),
    )
    reviewer = make_user(app, "teach@example.org", Role.INSTRUCTOR)
    make_user(app, "admin@example.org", Role.ADMIN)
    client = app.test_client()
    login(client, "admin@example.org")
    issue(app, completed(app, "ann@example.org", licences={"CA": "AC 1"}))
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == "ann@example.org"))
    busy(app, enrolment_of(app, user_id, "1.0.0"), reviewer, 0)
    audit(app, user_id, 1)
    url = f"/admin/users/{user_id}"
    queries_for(app, client, url)  # warm this process's package cache
    few = queries_for(app, client, url)

    for version in ("1.1.0", "1.2.0", "1.3.0"):
        data = manifest(
            "calf", version=version, worksheet="quizzes/worksheet.yaml", assessment=TIMED
        )
        (tmp_path / "modules" / "calf" / "module.yaml").write_text(yaml.safe_dump(data))
        publish_packages(app)
        issue(app, completed(app, "ann@example.org", version=version))
        busy(app, enrolment_of(app, user_id, version), reviewer, 1000 * int(version[2]))
    audit(app, user_id, 150)
    queries_for(app, client, url)
    many = queries_for(app, client, url)
    page = client.get(url).text
    assert page.count("CK-") >= 4 and "the latest 100 are shown" in page
    assert "Time limit 30 minutes" in page
    assert len(many) == len(few), (few, many)
    assert len(many) == BUDGET, many
