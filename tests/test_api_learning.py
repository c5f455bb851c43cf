"""Learner endpoints: the page and the API do the same thing under the same rules
(enrol, lessons, seat time, progress), and bad input changes nothing."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from coursekit import db
from coursekit.catalog.models import Enrolment
from coursekit.lessons.models import LessonEvent
from tests.api_helpers import bearer, error_code, make_token
from tests.helpers import login, make_user, submit
from tests.test_seminars import FOUNDATIONS, ROOT, package

CALF = "calf-heel-pain"
SHIN = "shin-lateral-leg"


@pytest.fixture
def app(make_app) -> Flask:
    return make_app(COURSEKIT_MODULES_PATH=str(ROOT / "modules"), COURSEKIT_PUBLISH_ON_START=True)


@pytest.fixture
def learner(app: Flask) -> dict[str, str]:
    """Headers of a learner's read-and-write token."""
    return bearer(make_token(app, make_user(app, "mei@example.org")))


def attestation_version(client, headers) -> str:
    return client.get(f"/api/v1/modules/{FOUNDATIONS}", headers=headers).get_json()["attestation"][
        "version"
    ]


def enrolments(app: Flask) -> list[Enrolment]:
    with app.app_context():
        return list(db.session.scalars(select(Enrolment).order_by(Enrolment.id)))


def enrol_by_api(client, headers, module_id: str = FOUNDATIONS, **body):
    body = {"accept_attestation": True, "attestation_version": "", **body}
    return client.post(f"/api/v1/modules/{module_id}/enrol", json=body, headers=headers)


def test_enrolling_by_page_and_by_api_store_the_same_attestation(app, client, learner):
    shown = attestation_version(client, learner)
    created = enrol_by_api(client, learner, attestation_version=shown)
    assert created.status_code == 201 and created.get_json()["module_id"] == FOUNDATIONS
    make_user(app, "page@example.org")
    page_client = app.test_client()
    login(page_client, "page@example.org")
    page = f"/modules/{FOUNDATIONS}"
    submit(page_client, page, {"accept": "y", "shown_version": shown}, f"{page}/enrol")
    by_api, by_page = enrolments(app)
    assert (by_api.attestation_text, by_api.attestation_version) == (
        by_page.attestation_text,
        by_page.attestation_version,
    )
    again = enrol_by_api(client, learner, attestation_version=shown)
    assert again.get_json()["id"] == created.get_json()["id"] and len(enrolments(app)) == 2


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"accept_attestation": False}, 422, "invalid"),
        ({"attestation_version": "1999-old"}, 409, "attestation_changed"),
        ({"accept_attestation": "yes please"}, 422, "invalid"),
        ({"extra": 1}, 422, "invalid"),
    ],
)
def test_enrolment_refusals_store_nothing(app, client, learner, body, status, code):
    response = enrol_by_api(client, learner, **body)
    assert response.status_code == status and error_code(response) == code
    assert enrolments(app) == []


def test_unmet_prerequisites_refuse_as_on_the_page(app, client, learner):
    response = enrol_by_api(client, learner, CALF)
    assert response.status_code == 422 and "Complete these modules first" in response.text
    assert enrol_by_api(client, learner, "no-such-module").status_code == 404
    assert enrolments(app) == []


def test_lessons_complete_and_seat_time_through_the_api(app, client, learner):
    enrol_by_api(client, learner)
    first, second = (lesson.slug for lesson in package(FOUNDATIONS).lessons[:2])
    base = f"/api/v1/modules/{FOUNDATIONS}/lessons"
    done = client.post(f"{base}/{first}/complete", headers=learner)
    assert done.status_code == 200 and done.get_json()["next_lesson"] == second
    beat = client.post(f"{base}/{first}/heartbeat", json={"restart": True}, headers=learner)
    assert beat.status_code == 200 and beat.get_json() == {"credited": 0}
    progress = client.get(f"/api/v1/enrolments/{FOUNDATIONS}", headers=learner).get_json()
    assert all(
        step["kind"] != "lesson" or first not in step["text"] for step in progress["missing_steps"]
    )
    with app.app_context():
        kinds = db.session.scalars(select(LessonEvent.kind).order_by(LessonEvent.id)).all()
    assert kinds[0] == "completed"


def test_lessons_of_modules_you_are_not_enrolled_in_are_404_and_record_nothing(
    app, client, learner
):
    slug = package(FOUNDATIONS).lessons[0].slug
    base = f"/api/v1/modules/{FOUNDATIONS}/lessons"
    assert error_code(client.post(f"{base}/{slug}/complete", headers=learner)) == "not_found"
    enrol_by_api(client, learner)
    assert client.post(f"{base}/no-such-lesson/complete", headers=learner).status_code == 404
    beat = client.post(f"{base}/{slug}/heartbeat", json={"restart": "often"}, headers=learner)
    assert beat.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count(LessonEvent.id))) == 0


def test_enrolments_list_progress_and_filter_by_completion(app, client, learner):
    enrol_by_api(client, learner)
    listed = client.get("/api/v1/enrolments", headers=learner).get_json()
    assert [item["module_id"] for item in listed["items"]] == [FOUNDATIONS]
    assert listed["items"][0]["next_step"]["kind"]
    done = client.get("/api/v1/enrolments?complete=true", headers=learner).get_json()
    assert done["items"] == []
    other = bearer(make_token(app, make_user(app, "other@example.org")))
    assert client.get(f"/api/v1/enrolments/{FOUNDATIONS}", headers=other).status_code == 404
    assert client.get("/api/v1/enrolments", headers=other).get_json()["items"] == []
