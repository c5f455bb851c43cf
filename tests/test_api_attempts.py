"""Post-test attempts through the API: the same rules and outcome as the pages, no key
while open, and refusals (another learner's attempt, bad answers, no confirmation,
a closed attempt) that change nothing."""

from __future__ import annotations

import pytest
import yaml
from flask import Flask
from sqlalchemy import func, select

from coursekit import db
from coursekit.assessment.attempts.models import AttemptAnswer, AttemptGrade
from tests.api_helpers import bearer, error_code, make_token
from tests.attempt_pages import answer, start, submit_attempt
from tests.helpers import login, make_user, submit
from tests.package_factory import questions, write_package


@pytest.fixture
def app(make_app, tmp_path) -> Flask:
    """Ten single-choice questions whose correct option is "Yes"; review after a pass."""
    folder = write_package(
        tmp_path,
        "calf",
        assessment={
            "quiz": "quizzes/post-test.yaml",
            "pass_mark": 80,
            "attempts": 2,
            "review": "after-pass",
        },
    )
    quiz = {"title": "Post-test", "questions": questions(10)}
    (folder / "quizzes" / "post-test.yaml").write_text(yaml.safe_dump(quiz))
    return make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"), COURSEKIT_PUBLISH_ON_START=True
    )


def enrolled(app: Flask, client, email: str) -> dict[str, str]:
    headers = bearer(make_token(app, make_user(app, email)))
    shown = client.get("/api/v1/modules/calf", headers=headers).json["attestation"]["version"]
    body = {"accept_attestation": True, "attestation_version": shown}
    assert client.post("/api/v1/modules/calf/enrol", json=body, headers=headers).status_code == 201
    return headers


def yes_position(question: dict) -> int:
    texts = [str(option) for option in question["question"]["options"]]
    return next(i for i, text in enumerate(texts) if "Yes" in text)


def count(app: Flask, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def answer_all_by_api(client, headers, attempt: int, correct: int) -> None:
    for number in range(1, 11):
        url = f"/api/v1/attempts/{attempt}/questions/{number}"
        question = client.get(url, headers=headers).json
        assert "correct" not in str(question["question"])
        position = yes_position(question)
        chosen = position if number <= correct else (position + 1) % 2
        saved = client.put(url, json={"response": chosen}, headers=headers)
        assert saved.status_code == 200 and saved.json["saved_at"]


def test_an_attempt_by_api_grades_as_the_same_answers_by_page(app, client):
    headers = enrolled(app, client, "api@example.org")
    started = client.post("/api/v1/modules/calf/attempts", headers=headers)
    assert started.status_code == 201 and started.json["questions"] == 10
    attempt = started.json["id"]
    answer_all_by_api(client, headers, attempt, correct=9)
    checked = client.get(f"/api/v1/attempts/{attempt}/check", headers=headers).json
    assert checked["unanswered"] == 0
    unconfirmed = client.post(f"/api/v1/attempts/{attempt}/submit", json={}, headers=headers)
    assert unconfirmed.status_code == 422 and "confirm" in unconfirmed.json["error"]["fields"]
    assert client.get(f"/api/v1/attempts/{attempt}", headers=headers).json["is_open"]
    confirm = {"confirm": True}
    grade = client.post(f"/api/v1/attempts/{attempt}/submit", json=confirm, headers=headers)
    assert grade.json == {"percent": 90.0, "passed": True}
    again = client.post(f"/api/v1/attempts/{attempt}/submit", json=confirm, headers=headers)
    assert again.json == grade.json and count(app, AttemptGrade) == 1
    review = client.get(f"/api/v1/attempts/{attempt}/review", headers=headers).json
    assert review["show_key"] is True and len(review["items"]) == 10
    assert sorted(item["verdict"] for item in review["items"]).count("correct") == 9

    make_user(app, "page@example.org")
    page = app.test_client()
    login(page, "page@example.org")
    submit(page, "/modules/calf", {"accept": "y"}, "/modules/calf/enrol")
    page_attempt, _ = start(page)
    for number in range(1, 11):
        answer(page, page_attempt, number, "Yes" if number <= 9 else "No")
    submit_attempt(page, page_attempt)
    with app.app_context():
        grades = db.session.scalars(select(AttemptGrade).order_by(AttemptGrade.id)).all()
        assert [(g.percent, g.passed) for g in grades] == [(90.0, True), (90.0, True)]


def test_another_learners_attempt_is_not_found_and_stays_untouched(app, client):
    owner = enrolled(app, client, "owner@example.org")
    attempt = client.post("/api/v1/modules/calf/attempts", headers=owner).json["id"]
    other = enrolled(app, client, "other@example.org")
    base = f"/api/v1/attempts/{attempt}"
    for response in (
        client.get(base, headers=other),
        client.get(f"{base}/questions/1", headers=other),
        client.put(f"{base}/questions/1", json={"response": 0}, headers=other),
        client.post(f"{base}/submit", json={"confirm": True}, headers=other),
        client.get(f"{base}/review", headers=other),
    ):
        assert response.status_code == 404 and error_code(response) == "not_found"
    assert count(app, AttemptAnswer) == 0 and count(app, AttemptGrade) == 0
    assert client.get(base, headers=owner).json["is_open"]


@pytest.mark.parametrize(
    ("send", "status", "code"),
    [
        ({"json": {"response": 7}}, 422, "attempt_refused"),
        ({"json": {"response": "seven"}}, 422, "attempt_refused"),
        ({"json": {"answer": 0}}, 422, "invalid"),
        ({"json": {"response": 0, "extra": True}}, 422, "invalid"),
        ({"data": "{", "content_type": "application/json"}, 400, "malformed_json"),
    ],
)
def test_bad_answers_are_refused_and_store_nothing(app, client, send, status, code):
    headers = enrolled(app, client, "learner@example.org")
    attempt = client.post("/api/v1/modules/calf/attempts", headers=headers).json["id"]
    response = client.put(f"/api/v1/attempts/{attempt}/questions/1", headers=headers, **send)
    assert response.status_code == status and error_code(response) == code
    assert (
        client.put(
            f"/api/v1/attempts/{attempt}/questions/11", json={"response": 0}, headers=headers
        ).status_code
        == 404
    )
    assert count(app, AttemptAnswer) == 0


def test_a_closed_attempt_takes_no_answers_and_an_unenrolled_learner_no_attempt(app, client):
    headers = enrolled(app, client, "learner@example.org")
    attempt = client.post("/api/v1/modules/calf/attempts", headers=headers).json["id"]
    client.post(f"/api/v1/attempts/{attempt}/submit", json={"confirm": True}, headers=headers)
    late = client.put(
        f"/api/v1/attempts/{attempt}/questions/1", json={"response": 0}, headers=headers
    )
    assert late.status_code == 409 and count(app, AttemptAnswer) == 0
    assert client.get(f"/api/v1/attempts/{attempt}/questions/1", headers=headers).status_code == 409
    stranger = bearer(make_token(app, make_user(app, "stranger@example.org")))
    assert client.post("/api/v1/modules/calf/attempts", headers=stranger).status_code == 404
