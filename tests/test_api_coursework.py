"""Worksheets and course evaluations through the API: stored as the pages store them,
and refused (unknown items, not enrolled, twice, too early) without storing anything."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from coursekit import db
from coursekit.accounts.queries import user_by_email
from coursekit.assessment.evaluations.models import EvaluationResponse
from coursekit.assessment.evaluations.queries import form_for
from coursekit.assessment.worksheets.models import WorksheetSubmission
from tests.api_helpers import bearer, error_code, make_token
from tests.certificate_records import certificate_settings, completed
from tests.helpers import login, make_user
from tests.test_seminar_journey import evaluate, submit_worksheet
from tests.test_seminars import FOUNDATIONS, ROOT, package, questions_of

SHIN = "shin-lateral-leg"


@pytest.fixture
def app(make_app, tmp_path, monkeypatch) -> Flask:
    monkeypatch.setenv("COURSEKIT_INSTANCE_PATH", str(tmp_path / "instance"))
    return make_app(
        COURSEKIT_MODULES_PATH=str(ROOT / "modules"),
        COURSEKIT_PUBLISH_ON_START=True,
        **certificate_settings(),
    )


def rows(app: Flask, model) -> list:
    with app.app_context():
        return list(db.session.scalars(select(model).order_by(model.id)))


def worksheet_answers() -> dict[str, str]:
    seminar = package(FOUNDATIONS)
    answers = {}
    for question in questions_of(seminar, seminar.worksheet):
        if question["type"] == "essay":
            answers[question["id"]] = " ".join(["reasoning"] * (question.get("min_words") or 20))
        elif question["type"] == "short_text":
            answers[question["id"]] = question["accepted"][0]
    return answers


def enrolled(app: Flask, client, email: str) -> dict[str, str]:
    headers = bearer(make_token(app, make_user(app, email)))
    module = client.get(f"/api/v1/modules/{FOUNDATIONS}", headers=headers).json
    body = {"accept_attestation": True, "attestation_version": module["attestation"]["version"]}
    client.post(f"/api/v1/modules/{FOUNDATIONS}/enrol", json=body, headers=headers)
    return headers


def test_a_worksheet_by_api_is_stored_as_the_page_stores_it(app, client):
    headers = enrolled(app, client, "api@example.org")
    url = f"/api/v1/modules/{FOUNDATIONS}/worksheet"
    stored = client.post(url, json={"answers": worksheet_answers()}, headers=headers)
    assert stored.status_code == 201
    again = client.post(url, json={"answers": worksheet_answers()}, headers=headers)
    assert again.json["id"] == stored.json["id"]  # a double submit stores one row
    enrolled(app, client, "page@example.org")
    page = app.test_client()
    login(page, "page@example.org")
    submit_worksheet(page, FOUNDATIONS)
    by_api, by_page = rows(app, WorksheetSubmission)
    assert by_api.answers == by_page.answers


@pytest.mark.parametrize(
    "answers",
    [{}, {"no-such-question": "x"}, "not an object"],
)
def test_bad_worksheets_store_nothing(app, client, answers):
    headers = enrolled(app, client, "api@example.org")
    url = f"/api/v1/modules/{FOUNDATIONS}/worksheet"
    response = client.post(url, json={"answers": answers}, headers=headers)
    assert response.status_code == 422 and error_code(response) == "invalid"
    stranger = bearer(make_token(app, make_user(app, "stranger@example.org")))
    refused = client.post(url, json={"answers": worksheet_answers()}, headers=stranger)
    assert refused.status_code == 404
    assert rows(app, WorksheetSubmission) == []


def evaluation_answers(app: Flask) -> dict[str, str]:
    with app.app_context():
        items = form_for(package(SHIN)).items
    return {
        item.id: "4"
        if item.kind == "scale"
        else item.options[0]
        if item.kind == "choice"
        else "Practical and careful about safety."
        for item in items
    }


def test_an_evaluation_by_api_is_stored_once_like_the_pages(app, client):
    completed(app, "api@example.org", SHIN)
    make_user(app, "page@example.org")  # with a password, to sign in to the page
    completed(app, "page@example.org", SHIN)
    with app.app_context():
        user_id = user_by_email("api@example.org").id
    headers = bearer(make_token(app, user_id))
    url = f"/api/v1/modules/{SHIN}/evaluation"
    items = client.get(url, headers=headers).json["items"]
    assert {item["id"] for item in items} == set(evaluation_answers(app))
    unknown = client.post(url, json={"answers": {"colour": "red"}}, headers=headers)
    assert unknown.status_code == 422 and "colour" in unknown.json["error"]["fields"]
    blank = client.post(url, json={"answers": {}}, headers=headers)
    assert blank.status_code == 422 and rows(app, EvaluationResponse) == []
    stored = client.post(url, json={"answers": evaluation_answers(app)}, headers=headers)
    assert stored.status_code == 201
    twice = client.post(url, json={"answers": evaluation_answers(app)}, headers=headers)
    assert twice.status_code == 409 and error_code(twice) == "already_submitted"
    page = app.test_client()
    login(page, "page@example.org")
    evaluate(app, page, SHIN)
    by_api, by_page = rows(app, EvaluationResponse)
    assert by_api.answers == by_page.answers and by_api.form == by_page.form


def test_an_evaluation_before_the_post_test_is_refused(app, client):
    headers = enrolled(app, client, "early@example.org")
    url = f"/api/v1/modules/{FOUNDATIONS}/evaluation"
    response = client.post(url, json={"answers": {}}, headers=headers)
    assert response.status_code == 409 and error_code(response) == "evaluation_refused"
    with app.app_context():
        assert db.session.scalar(select(func.count(EvaluationResponse.id))) == 0
