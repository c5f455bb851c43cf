"""Completion end to end: the rule read from the records as a learner works through a
module, recorded once at the moment it first holds, for the version it held on."""

from __future__ import annotations

import pytest
import yaml
from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import Role
from coursekit.assessment.evaluations.evaluation_form import STANDARD_FORM
from coursekit.catalog.models import Enrolment
from coursekit.progress.models import Completion
from coursekit.signals import module_completed
from tests.attempt_pages import answer, start, submit_attempt
from tests.helpers import csrf_token, login, make_user, submit
from tests.package_factory import (
    questions,
    write_completable_module,
    write_package,
    write_worksheet,
)

L1 = "/modules/calf/lessons/01-anatomy"
L2 = "/modules/calf/lessons/02-needling"
WORKSHEET = {"q-reflect": "Refer for a scan first.", "q-point": "BL57"}
EVALUATION = {item.id: "4" for item in STANDARD_FORM.items if item.kind == "scale"}


@pytest.fixture
def content(tmp_path):
    return write_completable_module(tmp_path)


@pytest.fixture
def app(make_app, content):
    # The test's clock runs faster than the rate limiter's.
    return make_app(
        COURSEKIT_MODULES_PATH=str(content / "modules"),
        COURSEKIT_PUBLISH_ON_START=True,
        COURSEKIT_HEARTBEAT_LIMIT="1000 per minute",
    )


def signed_in(app, email: str, *roles: Role):
    client = app.test_client()
    make_user(app, email, *roles)
    login(client, email)
    return client


def dashboard(client) -> dict:
    response = client.get("/dashboard", headers={"Accept": "application/json"})
    assert response.status_code == 200
    (item,) = response.json["enrolments"]
    return item


def next_step(client) -> str | None:
    step = dashboard(client)["next_step"]
    return step and step["text"]


def completions(app) -> list[Completion]:
    with app.app_context():
        return list(db.session.scalars(select(Completion)))


def take_post_test(client, *, correct: bool) -> None:
    attempt_id, _ = start(client)
    for number in range(1, 11):
        answer(client, attempt_id, number, "Yes" if correct else "No")
    assert submit_attempt(client, attempt_id).status_code == 303


def review_worksheet(app) -> None:
    teacher = signed_in(app, "teacher@example.org", Role.INSTRUCTOR)
    cli = app.test_cli_runner()
    assert (
        cli.invoke(args=["coursekit", "users", "assign", "teacher@example.org", "calf"]).exit_code
        == 0
    )
    queue = teacher.get("/teach/worksheets").text
    submission = queue.split('href="/teach/worksheets/')[1].split('"')[0]
    page = f"/teach/worksheets/{submission}"
    assert submit(teacher, page, {"comment": "Good."}, f"{page}/review").status_code == 302


@pytest.fixture
def received():
    """Ids of completions announced with the ``module_completed`` signal."""
    ids: list[int] = []

    def on_completed(_app, completion) -> None:
        ids.append(completion.id)

    module_completed.connect(on_completed)
    yield ids
    module_completed.disconnect(on_completed)


def test_a_learner_works_through_every_step_and_completes_once(app, clock, received):
    learner = signed_in(app, "ada@example.org")
    submit(learner, "/modules/calf", {"accept": "y"}, "/modules/calf/enrol")
    assert next_step(learner) == "Complete lesson 1 of 2: Lesson 1"
    # Attestation, worksheet (submitted, reviewed), post-test, evaluation, two lessons, and
    # seat time counting as much as the lessons: the attestation is 1 part in 9.
    assert dashboard(learner)["percent"] == 11

    learner.get(L1)
    clock.advance(minutes=50)
    submit(learner, L1, {}, f"{L1}/complete")  # opens L2 next: L1 earned 50 minutes
    assert next_step(learner) == "Complete lesson 2 of 2: Lesson 2"
    learner.get(L2)
    clock.advance(minutes=40)
    submit(learner, L2, {}, f"{L2}/complete")
    data = dashboard(learner)
    assert data["seat_time"] == {"minutes": 90, "required_minutes": 100}
    assert data["next_step"]["text"] == "Submit your worksheet."
    assert data["next_step"]["url"] == "/modules/calf/worksheet"

    assert submit(learner, "/modules/calf/worksheet", WORKSHEET).status_code in (302, 303)
    assert next_step(learner) == "Your worksheet is waiting for review."
    review_worksheet(app)
    assert next_step(learner) == "Post-test: 3 attempts left, pass mark 75 %."
    take_post_test(learner, correct=False)
    assert next_step(learner) == "Post-test: 2 attempts left, pass mark 75 %."
    take_post_test(learner, correct=True)
    assert next_step(learner) == "Submit the course evaluation."
    submit(learner, "/modules/calf/evaluation", EVALUATION)
    # Everything but seat time: not complete yet, and the learner is told why.
    data = dashboard(learner)
    assert not data["complete"] and completions(app) == []
    assert [s["kind"] for s in data["missing_steps"]] == ["seat-time"]
    assert data["next_step"]["text"].startswith("Spend 10 more minutes reading the lessons")
    assert data["next_step"]["url"] == L1  # every lesson is done: back to the first

    learner.get(L2)
    token = csrf_token(learner, L2)
    learner.post(f"{L2}/heartbeat", data={"csrf_token": token, "restart": "1"})
    for _ in range(20):
        clock.advance(seconds=30)
        learner.post(f"{L2}/heartbeat", data={"csrf_token": token})
    (completion,) = completions(app)
    # Completed at the twentieth heartbeat, which took seat time to 100 minutes.
    assert completion.completed_at == clock.now
    assert received == [completion.id]
    data = dashboard(learner)
    assert data["complete"] and data["percent"] == 100 and data["next_step"] is None
    page = learner.get("/dashboard").text
    assert "Completed" in page and "Module calf" in page

    # More activity never records a second completion or moves the first.
    clock.advance(days=3)
    submit(learner, L1, {}, f"{L1}/complete")
    assert [c.completed_at for c in completions(app)] == [completion.completed_at]
    assert received == [completion.id]


def test_a_new_version_never_changes_an_earlier_completion(app, make_app, content, clock):
    learner = signed_in(app, "cy@example.org")
    submit(learner, "/modules/calf", {"accept": "y"}, "/modules/calf/enrol")
    with app.app_context():
        enrolment = db.session.scalars(select(Enrolment)).one()
        db.session.add(
            Completion(
                user_id=enrolment.user_id,
                module_version_id=enrolment.module_version_id,
                completed_at=clock.now,
            )
        )
        db.session.commit()
        first_version = enrolment.module_version_id
    folder = write_package(
        content,
        "calf",
        version="1.1.0",
        lesson_minutes=60,
        worksheet="quizzes/worksheet.yaml",
        completion={"seat_minutes": 300},
    )
    write_worksheet(folder)
    make_app(COURSEKIT_MODULES_PATH=str(content / "modules"), COURSEKIT_PUBLISH_ON_START=True)
    (completion,) = completions(app)
    assert completion.module_version_id == first_version and completion.completed_at == clock.now
    data = dashboard(learner)
    assert data["version"] == "1.0.0" and data["complete"]

    late = signed_in(app, "di@example.org")
    submit(late, "/modules/calf", {"accept": "y"}, "/modules/calf/enrol")
    assert dashboard(late)["seat_time"] == {"minutes": 0, "required_minutes": 300}


def test_a_regrade_can_complete_a_module(app, content, clock):
    learner = signed_in(app, "ed@example.org")
    submit(learner, "/modules/calf", {"accept": "y"}, "/modules/calf/enrol")
    for path in (L1, L2):
        learner.get(path)
        clock.advance(minutes=80)
        submit(learner, path, {}, f"{path}/complete")
    submit(learner, "/modules/calf/worksheet", WORKSHEET)
    review_worksheet(app)
    for _ in range(3):
        take_post_test(learner, correct=False)
    submit(learner, "/modules/calf/evaluation", EVALUATION)  # open once attempts are used
    step = dashboard(learner)["next_step"]
    assert step["blocked"] and "no attempts left" in step["text"]
    assert completions(app) == []

    # Version 1.0.1 corrects the key: "No" was right all along.
    folder = write_package(
        content, "calf", version="1.0.1", lesson_minutes=60, worksheet="quizzes/worksheet.yaml"
    )
    write_worksheet(folder)
    corrected = questions(10)
    for question in corrected:
        question["options"] = [{"text": "Yes"}, {"text": "No", "correct": True}]
    (folder / "quizzes" / "post-test.yaml").write_text(
        yaml.safe_dump({"title": "Post-test", "questions": corrected})
    )
    runner = app.test_cli_runner()
    assert runner.invoke(args=["coursekit", "modules", "reload"]).exit_code == 0
    args = ["coursekit", "attempts", "regrade", "calf", "--version", "1.0.0"]
    args += ["--key-version", "1.0.1", "--reason", "key corrected", "--yes"]
    assert runner.invoke(args=args).exit_code == 0
    (completion,) = completions(app)
    assert dashboard(learner)["complete"]
    # Regrading back to the original key records failing grades, but the completion stays.
    args[7] = "1.0.0"
    assert runner.invoke(args=args).exit_code == 0
    assert [c.id for c in completions(app)] == [completion.id]
