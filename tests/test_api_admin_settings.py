"""Administrator endpoints for modules (reload, retire, assign instructors), the
participant attestation and board rosters: the page's operations and rules, and bad
input changes nothing."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from coursekit import db
from coursekit.accounts.models import ModuleAssignment, Role
from coursekit.assessment.timing.models import TimeAllowance
from coursekit.catalog.models import Enrolment
from coursekit.certificates.models import RosterExport
from coursekit.packages.models import ModuleVersion
from tests.api_helpers import bearer, error_code, make_token
from tests.certificate_records import certificate_settings, completed, issue
from tests.helpers import csrf_token, login, make_user
from tests.package_factory import write_package
from tests.report_records import enrol

API = "/api/v1/admin"


@pytest.fixture
def app(make_app, tmp_path) -> Flask:
    write_package(tmp_path, "calf")
    return make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"),
        COURSEKIT_PUBLISH_ON_START=True,
        **certificate_settings(),
    )


@pytest.fixture
def token(app) -> dict[str, str]:
    admin = make_user(app, "ada@example.org", Role.ADMIN, first_name="Ada")
    return bearer(make_token(app, admin, "read", "write", "admin"))


def assignments(app) -> list[tuple[int, str]]:
    with app.app_context():
        rows = db.session.execute(select(ModuleAssignment.user_id, ModuleAssignment.module_id))
        return sorted(tuple(row) for row in rows)


def test_modules_list_and_assigning_instructors(app, client, token):
    tess = make_user(app, "tess@example.org", Role.INSTRUCTOR)
    ann = make_user(app, "ann@example.org")
    modules = client.get(f"{API}/modules", headers=token).get_json()["items"]
    assert [(m["module_id"], m["published"]) for m in modules] == [("calf", True)]
    url = f"{API}/modules/calf/instructors"
    done = client.post(url, json={"instructor_id": tess, "reason": "teaches it"}, headers=token)
    assert done.status_code == 200 and done.get_json()["changed"] is True
    again = client.post(url, json={"instructor_id": tess}, headers=token)
    assert again.get_json()["changed"] is False
    learner = client.post(url, json={"instructor_id": ann}, headers=token)
    assert learner.status_code == 422 and error_code(learner) == "invalid"
    for body, status in (({"instructor_id": 999999}, 404), ({"instructor_id": "1"}, 422)):
        assert client.post(url, json=body, headers=token).status_code == status
    assert assignments(app) == [(tess, "calf")]
    removed = client.post(f"{url}/remove", json={"instructor_id": tess}, headers=token)
    assert removed.get_json()["changed"] is True and assignments(app) == []


def test_retire_and_reload_as_on_the_module_page(app, client, token):
    url = f"{API}/modules/calf/versions/1.0.0/retire"
    assert client.post(url, json={}, headers=token).status_code == 422
    assert client.post(url, json={"reason": "Replaced"}, headers=token).status_code == 200
    again = client.post(url, json={"reason": "Replaced"}, headers=token)
    assert again.status_code == 409 and error_code(again) == "version_refused"
    with app.app_context():
        assert db.session.scalar(select(ModuleVersion.status)) == "retired"
    reloaded = client.post(f"{API}/modules/reload", json={}, headers=token)
    assert reloaded.status_code == 200 and reloaded.get_json()["published"] == []


def test_the_attestation_saved_by_api_is_the_one_the_page_shows(app, client, token):
    shown = client.get(f"{API}/attestation", headers=token).get_json()
    body = {"text": "I attest I will study alone.", "version": "2026-9", "reason": "Wording"}
    saved = client.put(f"{API}/attestation", json=body, headers=token)
    assert saved.status_code == 200 and saved.get_json()["version"] == "2026-9"
    assert saved.get_json()["revision_id"] is not None and shown["revision_id"] is None
    page = app.test_client()
    login(page, "ada@example.org")
    assert "I attest I will study alone." in page.get("/admin/attestation").text
    same = client.put(f"{API}/attestation", json=body, headers=token)
    assert same.status_code == 422  # nothing changed
    relabelled = client.put(
        f"{API}/attestation", json={**body, "text": "Other words"}, headers=token
    )
    assert relabelled.status_code == 422 and "version" in relabelled.get_json()["error"]["fields"]
    nul = client.put(f"{API}/attestation", json={**body, "version": "2026-\x00"}, headers=token)
    assert nul.status_code == 400 and error_code(nul) == "nul_character"
    assert client.get(f"{API}/attestation", headers=token).get_json()["version"] == "2026-9"


def exports(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(RosterExport.id)))


def test_a_roster_exported_by_api_matches_the_page_download(app, client, token):
    issue(app, completed(app, "ann@example.org", first_name="Ann", last_name="Abbott"))
    body = {"board": "NCCAOM", "module_id": "calf"}
    exported = client.post(f"{API}/rosters/exports", json=body, headers=token)
    assert exported.status_code == 201
    kept = exported.get_json()
    assert kept["rows"] == 1 and "Abbott" in kept["csv"]
    again = client.get(f"{API}/rosters/exports/{kept['id']}", headers=token).get_json()
    assert again["csv"] == kept["csv"] and again["sha256"] == kept["sha256"]
    page = app.test_client()
    login(page, "ada@example.org")
    download = page.post(
        "/admin/rosters/export",
        data={
            "csrf_token": csrf_token(page, "/admin/rosters"),
            "board": "NCCAOM",
            "module": "calf",
        },
    )
    assert download.data.decode() == kept["csv"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"board": "XX", "module_id": "calf"}, "board"),
        ({"board": "NCCAOM", "module_id": "nothing"}, "module_id"),
        ({"board": "NCCAOM", "module_id": "calf", "version": "9.9"}, "version"),
        (
            {"board": "NCCAOM", "module_id": "calf", "start": "2026-03-02", "end": "2026-03-01"},
            "end",
        ),
        ({"board": "NCCAOM", "module_id": "calf", "start": "soon"}, "start"),
        ({"board": "NCCAOM"}, "module_id"),
    ],
)
def test_a_bad_roster_request_is_422_and_keeps_nothing(app, client, token, body, field):
    response = client.post(f"{API}/rosters/exports", json=body, headers=token)
    assert response.status_code == 422 and field in response.get_json()["error"]["fields"]
    assert exports(app) == 0
    assert client.get(f"{API}/rosters/exports/999999", headers=token).status_code == 404


def test_extra_time_by_page_and_by_api_grant_the_same(make_app, tmp_path):
    limit = {"quiz": "quizzes/post-test.yaml", "pass_mark": 80, "attempts": 3}
    write_package(tmp_path, "calf", assessment={**limit, "time_limit_minutes": 30})
    app = make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"), COURSEKIT_PUBLISH_ON_START=True
    )
    admin = make_user(app, "ada@example.org", Role.ADMIN)
    token = bearer(make_token(app, admin, "read", "write", "admin"))
    ann, bea = (enrol(app, email) for email in ("ann@example.org", "bea@example.org"))
    ann_id, bea_id = (load_enrolment_user(app, enrolment) for enrolment in (ann, bea))
    page = app.test_client()
    login(page, "ada@example.org")
    record = f"/admin/users/{ann_id}"
    page.post(
        f"{record}/extra-time/calf",
        data={"csrf_token": csrf_token(page, record), "minutes": "15", "reason": "Accommodation"},
    )
    client = app.test_client()
    url = f"{API}/users/{bea_id}/extra-time/calf"
    granted = client.put(url, json={"minutes": 15, "reason": "Accommodation"}, headers=token)
    assert granted.status_code == 200 and granted.get_json()["extra_minutes"] == 15
    assert allowances(app) == [(ann_id, 15, "Accommodation"), (bea_id, 15, "Accommodation")]
    for body, status in (
        ({"minutes": 15, "reason": "Again"}, 409),
        ({"minutes": "15", "reason": "x"}, 422),
        ({"minutes": 10_000, "reason": "x"}, 422),
        ({"minutes": 5}, 422),
    ):
        assert client.put(url, json=body, headers=token).status_code == status
    unknown = client.put(
        f"{API}/users/{bea_id}/extra-time/nothing",
        json={"minutes": 5, "reason": "x"},
        headers=token,
    )
    assert unknown.status_code == 422
    assert len(allowances(app)) == 2


def load_enrolment_user(app, enrolment_id: int) -> int:
    with app.app_context():
        return db.session.get_one(Enrolment, enrolment_id).user_id


def allowances(app) -> list[tuple[int, int, str]]:
    with app.app_context():
        rows = db.session.scalars(select(TimeAllowance).order_by(TimeAllowance.id))
        return [(row.user_id, row.extra_minutes, row.reason) for row in rows]
