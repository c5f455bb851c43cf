"""The report pages and exports cost a fixed number of statements, whatever the number
of learners, versions and events; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import yaml

from coursekit import db
from coursekit.accounts.models import ModuleAssignment, Role
from coursekit.catalog.models import Enrolment
from coursekit.packages.publishing import publish_packages
from coursekit.progress.reports import queries
from tests.helpers import login, make_user
from tests.package_factory import manifest, write_package, write_worksheet
from tests.querycount import count_queries
from tests.report_records import (
    attempt,
    completion,
    enrol,
    evaluation,
    lesson_events,
    worksheet,
)

# Every page: the signed-in user and their roles (2), the module's versions (or the
# enrolment with its learner, and so its module) and the instructor's assignment (2),
# then its own reads:
BUDGET = {
    # one statement for every figure of every version
    "report": 5,
    # the enrolled count, and one page of learners with their figures
    "learners": 6,
    # the same from a learner of the list (keyset paging: no statement to find the page)
    "learners after a learner": 6,
    # every learner with their figures, streamed
    "learners.csv": 5,
    # progress (lessons, attempts, worksheets, evaluation, completion: 5) and the
    # timeline's 8 sources
    "record": 17,
    # the timeline's 8 sources, streamed
    "events.csv": 12,
}


def activity(app, enrolment: int, reviewer: int, *, heartbeats: int, attempts: range) -> None:
    """A bit of everything: a lesson opened and ``heartbeats`` seat-time rows, a worksheet
    (reviewed), and ``attempts`` (each graded, then regraded)."""
    start = 1000 * attempts.start
    seat = [(start + 2 + minute, "01-anatomy", "active", 30) for minute in range(heartbeats)]
    lesson_events(app, enrolment, (start + 1, "01-anatomy", "opened", 0), *seat)
    worksheet(app, enrolment, start + 100, reviewed_by=reviewer)
    for number in attempts:
        attempt(app, enrolment, number, start + 200 + number, [50, 80])


def learners(app, version: str, count: int, reviewer: int, prefix: str) -> list[int]:
    """``count`` learners of ``version`` with 30 heartbeats and two attempts each; every
    third evaluated and completed."""
    enrolments = []
    for number in range(count):
        enrolment = enrol(app, f"{prefix}{number}@example.org", version=version)
        activity(app, enrolment, reviewer, heartbeats=30, attempts=range(1, 3))
        if number % 3 == 0:
            evaluation(app, enrolment, 5000)
            completion(app, enrolment, 5000)
        enrolments.append(enrolment)
    return enrolments


def publish(app, root, version: str) -> None:
    data = manifest("calf", version=version, worksheet="quizzes/worksheet.yaml")
    (root / "modules" / "calf" / "module.yaml").write_text(yaml.safe_dump(data))
    publish_packages(app)


def statements(app, client, url: str) -> list[str]:
    """The statements one GET of ``url`` sends, its streamed body read to the end."""
    with count_queries(app) as sent:
        response = client.get(url)
        body = response.get_data()
    assert response.status_code == 200, (url, response.status_code)
    assert body
    return sent


@pytest.mark.parametrize("page", BUDGET)
def test_report_statements_do_not_grow_with_learners_versions_or_events(
    make_app, tmp_path, page, monkeypatch
):
    monkeypatch.setattr(queries, "PAGE_SIZE", 4)  # the big learners list has pages
    write_worksheet(write_package(tmp_path, "calf", worksheet="quizzes/worksheet.yaml"))
    app = make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"), COURSEKIT_PUBLISH_ON_START=True
    )
    reviewer = make_user(app, "teacher@example.org", Role.INSTRUCTOR)
    with app.app_context():
        db.session.add(ModuleAssignment(user_id=reviewer, module_id="calf"))
        db.session.commit()
    client = app.test_client()
    login(client, "teacher@example.org")
    first = enrol(app, "first@example.org")
    with app.app_context():
        first_learner = db.session.get(Enrolment, first).user_id
    activity(app, first, reviewer, heartbeats=1, attempts=range(1, 2))
    learners_list = "/teach/modules/calf/report/1.0.0/learners"
    url = {
        "report": "/teach/modules/calf/report",
        "learners": learners_list,
        "learners after a learner": f"{learners_list}?after={first_learner}",
        "learners.csv": "/teach/modules/calf/report/1.0.0/learners.csv",
        "record": f"/teach/enrolments/{first}",
        "events.csv": f"/teach/enrolments/{first}/events.csv",
    }[page]
    statements(app, client, url)  # warm this process's package cache
    few = statements(app, client, url)

    activity(app, first, reviewer, heartbeats=40, attempts=range(2, 4))
    evaluation(app, first, 9000)
    completion(app, first, 9000)
    learners(app, "1.0.0", 9, reviewer, "a")
    for version in ("1.1.0", "1.2.0"):
        publish(app, tmp_path, version)
        learners(app, version, 5, reviewer, f"v{version}-")
    statements(app, client, url)
    many = statements(app, client, url)
    assert len(many) == len(few), (few, many)
    assert len(many) <= BUDGET[page], many
