"""The learner's dashboard: what it shows, whose records it reads, and its query budget."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coursekit import db
from coursekit.catalog.models import Enrolment
from coursekit.progress.models import Completion
from tests.assessment_records import enrolment_id, graded_attempt
from tests.helpers import login, make_user, submit
from tests.package_factory import write_package
from tests.querycount import queries_for

BUDGET = 8
"""User and roles (2), enrolments (1), then lesson records, attempts, worksheets,
evaluations and completions (5): the same for any number of modules and events."""


@pytest.fixture
def app(make_app, tmp_path):
    for module_id in ("calf", "shin", "back", "foot"):
        write_package(tmp_path, module_id)
    return make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"), COURSEKIT_PUBLISH_ON_START=True
    )


def learner(app, email: str, modules: tuple[str, ...]):
    client = app.test_client()
    user_id = make_user(app, email)
    login(client, email)
    for module_id in modules:
        submit(client, f"/modules/{module_id}", {"accept": "y"}, f"/modules/{module_id}/enrol")
    return client, user_id


def test_an_empty_dashboard_points_to_the_catalogue(app):
    client, _ = learner(app, "new@example.org", ())
    page = client.get("/dashboard")
    assert page.status_code == 200 and "not enrolled in any module yet" in page.text
    assert client.get("/dashboard", headers={"Accept": "application/json"}).json == {
        "enrolments": []
    }


def test_each_module_shows_its_bar_next_step_seat_time_and_resume_link(app):
    client, user_id = learner(app, "ada@example.org", ("calf", "shin"))
    client.get("/modules/shin/lessons/02-needling")
    graded_attempt(app, enrolment_id(app, user_id, "calf"), passed=False)
    page = client.get("/dashboard").text
    assert page.count("<progress") == 2
    assert "Complete lesson 1 of 2: Lesson 1" in page
    assert "Seat time: 0 of 100 minutes" in page
    assert 'href="/modules/shin/lessons/02-needling">Continue: Lesson 2' in page
    assert 'href="/modules/calf/lessons/01-anatomy">Start: Lesson 1' in page
    data = client.get("/dashboard", headers={"Accept": "application/json"}).json
    by_module = {item["module_id"]: item for item in data["enrolments"]}
    assert set(by_module) == {"calf", "shin"}
    calf = by_module["calf"]
    assert calf["missing_steps"][2] == {
        "kind": "post-test",
        "text": "Post-test: 2 attempts left, pass mark 75 %.",
        "url": "/modules/calf/post-test",
        "blocked": False,
    }
    assert calf["seat_time"] == {"minutes": 0, "required_minutes": 100}
    assert calf["complete"] is False and calf["completed_at"] is None
    assert by_module["shin"]["resume_url"] == "/modules/shin/lessons/02-needling"


def test_completed_modules_are_listed_with_their_date_and_credit(app):
    client, user_id = learner(app, "bo@example.org", ("calf", "shin"))
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id(app, user_id, "calf"))
        db.session.add(Completion(user_id=user_id, module_version_id=enrolment.module_version_id))
        db.session.commit()
    page = client.get("/dashboard").text
    completed = page[page.index("<h2>Completed</h2>") :]
    assert "Module calf" in completed and "NCCAOM 2 points, CA 2 hours" in completed
    assert "Module shin" not in completed
    data = client.get("/dashboard", headers={"Accept": "application/json"}).json
    assert [item["complete"] for item in data["enrolments"]] == [False, True]


def test_a_learner_sees_only_their_own_records(app):
    other, other_id = learner(app, "other@example.org", ("calf", "back"))
    other.get("/modules/calf/lessons/01-anatomy")
    graded_attempt(app, enrolment_id(app, other_id, "calf"), passed=True)
    client, _ = learner(app, "me@example.org", ("calf",))
    (item,) = client.get("/dashboard", headers={"Accept": "application/json"}).json["enrolments"]
    assert item["module_id"] == "calf" and item["resume_url"].endswith("01-anatomy")
    assert "Post-test: 3 attempts left" in item["missing_steps"][2]["text"]
    assert app.test_client().get("/dashboard").status_code == 302


def test_the_dashboard_costs_the_same_queries_for_one_module_or_many(app):
    one, _ = learner(app, "one@example.org", ("calf",))
    many, many_id = learner(app, "many@example.org", ("calf", "shin", "back", "foot"))
    for module_id in ("calf", "shin", "back"):
        many.get(f"/modules/{module_id}/lessons/01-anatomy")
        many.get(f"/modules/{module_id}/lessons/02-needling")
        graded_attempt(app, enrolment_id(app, many_id, module_id), passed=False)
    with app.app_context():
        assert len(db.session.scalars(select(Enrolment)).all()) == 5
    few = queries_for(app, one, "/dashboard")
    lots = queries_for(app, many, "/dashboard")
    assert len(lots) == len(few) <= BUDGET, lots
