"""Instructor endpoints: a module's report, learners and records, question statistics,
evaluation results, worksheet review and retiring a version, under the pages' rule
(assigned instructors and administrators; 404 for a module never published, 403 for
anyone else), and the page and the API reach the same outcome."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import Role
from coursekit.assessment.worksheets.models import WorksheetReview
from coursekit.packages.models import ModuleVersion
from tests.api_helpers import bearer, error_code, make_token
from tests.helpers import assign, csrf_token, login, make_user
from tests.package_factory import write_package, write_worksheet
from tests.report_records import enrol, worksheet

API = "/api/v1/teach"


@pytest.fixture
def app(make_app, tmp_path) -> Flask:
    for module_id in ("calf", "shin"):
        write_worksheet(write_package(tmp_path, module_id, worksheet="quizzes/worksheet.yaml"))
    return make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"), COURSEKIT_PUBLISH_ON_START=True
    )


@pytest.fixture
def teacher_id(app) -> int:
    user_id = make_user(app, "tess@example.org", Role.INSTRUCTOR, first_name="Tess")
    assign(app, "tess@example.org", "calf")
    return user_id


@pytest.fixture
def token(app, teacher_id) -> dict[str, str]:
    """The calf instructor's token with the admin scope (instructor endpoints need it)."""
    return bearer(make_token(app, teacher_id, "read", "admin"))


@pytest.fixture
def other(app) -> dict[str, str]:
    """An instructor of shin only."""
    user_id = make_user(app, "sam@example.org", Role.INSTRUCTOR)
    assign(app, "sam@example.org", "shin")
    return bearer(make_token(app, user_id, "read", "write", "admin"))


def test_the_report_learners_and_record_of_an_assigned_module(app, client, token):
    ann = enrol(app, "ann@example.org", first_name="Ann", last_name="Abbott")
    enrol(app, "bea@example.org", first_name="Bea", last_name="Bell")
    worksheet(app, ann, 30)
    report = client.get(f"{API}/modules/calf/report", headers=token)
    assert report.status_code == 200
    assert report.get_json()["versions"][0]["enrolled"] == 2
    learners = client.get(f"{API}/modules/calf/versions/1.0.0/learners", headers=token).get_json()
    assert [row["last_name"] for row in learners["items"]] == ["Abbott", "Bell"]
    assert learners["items"][0]["worksheet"] == "submitted" and learners["next_cursor"] is None
    record = client.get(f"{API}/enrolments/{ann}", headers=token).get_json()
    assert record["learner"]["email"] == "ann@example.org"
    assert [event["kind"] for event in record["events"]] == ["enrolled", "worksheet-submitted"]
    assert "Your worksheet is waiting for review." in [s["text"] for s in record["missing_steps"]]
    for path in ("questions", "evaluations"):
        assert client.get(f"{API}/modules/calf/{path}", headers=token).status_code == 200


def test_other_modules_are_403_and_unknown_ones_404(app, client, other):
    ann = enrol(app, "ann@example.org")
    for url in (
        f"{API}/modules/calf/report",
        f"{API}/modules/calf/versions/1.0.0/learners",
        f"{API}/modules/calf/questions",
        f"{API}/modules/calf/evaluations",
        f"{API}/enrolments/{ann}",
    ):
        response = client.get(url, headers=other)
        assert response.status_code == 403 and error_code(response) == "forbidden", url
    for url in (
        f"{API}/modules/nothing/report",
        f"{API}/modules/shin/versions/9.9.9/learners",
        f"{API}/enrolments/999999",
    ):
        response = client.get(url, headers=other)
        assert response.status_code == 404 and error_code(response) == "not_found", url


def test_a_learner_or_a_token_without_the_admin_scope_is_refused(app, client, teacher_id):
    learner = bearer(make_token(app, make_user(app, "ann@example.org"), "read", "write"))
    read_only = bearer(make_token(app, teacher_id, "read", "write"))
    for headers, code in ((learner, "forbidden"), (read_only, "insufficient_scope")):
        response = client.get(f"{API}/modules/calf/report", headers=headers)
        assert response.status_code == 403 and error_code(response) == code


def test_the_learners_cursor_pages_and_refuses_a_forged_one(app, client, token):
    response = client.get(
        f"{API}/modules/calf/versions/1.0.0/learners?cursor=forged", headers=token
    )
    assert response.status_code == 400 and error_code(response) == "invalid_cursor"
    limit = client.get(f"{API}/modules/calf/versions/1.0.0/learners?limit=5", headers=token)
    assert limit.status_code == 422  # pages have the learners page's size


def reviews(app) -> list[tuple[int, str]]:
    with app.app_context():
        rows = db.session.scalars(select(WorksheetReview).order_by(WorksheetReview.id))
        return [(review.reviewer_id, review.comment) for review in rows]


def submission_ids(client, headers) -> list[int]:
    items = client.get(f"{API}/worksheets", headers=headers).get_json()["items"]
    return [item["submission_id"] for item in items]


def test_reviewing_by_page_and_by_api_leave_the_same_review(app, client, token, teacher_id):
    worksheet(app, enrol(app, "ann@example.org"), 30)
    worksheet(app, enrol(app, "bea@example.org"), 40)
    first, second = submission_ids(client, token)
    page = app.test_client()
    login(page, "tess@example.org")
    review_page = f"/teach/worksheets/{first}"
    page.post(
        f"{review_page}/review",
        data={"csrf_token": csrf_token(page, review_page), "comment": "Clear notes"},
    )
    response = client.post(
        f"{API}/worksheets/{second}/review", json={"comment": "Clear notes"}, headers=token
    )
    assert response.status_code == 200 and response.get_json()["created"] is True
    assert reviews(app) == [(teacher_id, "Clear notes"), (teacher_id, "Clear notes")]
    again = client.post(f"{API}/worksheets/{second}/review", json={}, headers=token)
    assert again.get_json()["created"] is False and len(reviews(app)) == 2
    shown = client.get(f"{API}/worksheets/{second}", headers=token).get_json()
    assert shown["review"]["comment"] == "Clear notes" and shown["is_latest"] is True
    assert submission_ids(client, token) == []


@pytest.mark.parametrize(
    ("body", "status"), [({"comment": 5}, 422), ({"comment": "x" * 5001}, 422), ({"grade": 1}, 422)]
)
def test_bad_reviews_change_nothing(app, client, token, body, status):
    worksheet(app, enrol(app, "ann@example.org"), 30)
    (submission,) = submission_ids(client, token)
    response = client.post(f"{API}/worksheets/{submission}/review", json=body, headers=token)
    assert response.status_code == status and error_code(response) == "invalid"
    assert reviews(app) == []


def test_another_modules_worksheet_is_403_and_unchanged(app, client, token, other):
    worksheet(app, enrol(app, "ann@example.org"), 30)
    (submission,) = submission_ids(client, token)
    assert submission_ids(client, other) == []
    response = client.post(f"{API}/worksheets/{submission}/review", json={}, headers=other)
    assert response.status_code == 403 and error_code(response) == "forbidden"
    assert client.get(f"{API}/worksheets/999999", headers=token).status_code == 404
    assert reviews(app) == []


def status_of(app, module_id: str) -> str:
    with app.app_context():
        return db.session.scalar(
            select(ModuleVersion.status).where(ModuleVersion.module_id == module_id)
        )


def test_retiring_a_taught_version_and_refusals(app, client, token, other):
    url = f"{API}/modules/calf/versions/1.0.0/retire"
    assert client.post(url, json={"reason": "x"}, headers=other).status_code == 403
    assert client.post(url, json={"reason": " "}, headers=token).status_code == 422
    assert status_of(app, "calf") == "published"
    done = client.post(url, json={"reason": "Superseded by 1.1"}, headers=token)
    assert done.status_code == 200 and done.get_json()["retired_at"] is not None
    assert status_of(app, "calf") == "retired"
    again = client.post(url, json={"reason": "again"}, headers=token)
    assert again.status_code == 409 and error_code(again) == "version_refused"
    missing = client.post(
        f"{API}/modules/calf/versions/9.9.9/retire", json={"reason": "x"}, headers=token
    )
    assert missing.status_code == 404
