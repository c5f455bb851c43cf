"""The database failing in the middle of a request, and unreachable at its start.

Each of a learner's multi-write requests (enrolment, worksheet, post-test submission,
and the evaluation that completes the module and issues its certificate with its PDF)
is sent again and again with the connection broken before its 1st, 2nd, 3rd… statement,
then before its commit, until it gets through untouched. Every broken run must answer a
clean 503 (coursekit's page or JSON, ``Retry-After``, no traceback) and leave every table
exactly as it was; the run that gets through must do the whole job.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import delete, select
from werkzeug.test import TestResponse

from coursekit import db
from coursekit.certificates.models import Certificate, CertificateFile
from coursekit.db import Database, make_engine
from coursekit.errors import RETRY_AFTER_SECONDS
from coursekit.models import Base
from coursekit.progress.models import Completion
from tests.attempt_pages import answer, start
from tests.certificate_records import certificate_settings
from tests.database_faults import DatabaseFault, snapshot
from tests.helpers import csrf_token
from tests.package_factory import write_completable_module
from tests.test_completion import EVALUATION, L1, L2, WORKSHEET, review_worksheet, signed_in

JSON = {"Accept": "application/json"}


@pytest.fixture
def content(tmp_path):
    return write_completable_module(tmp_path)


def assert_unavailable(response: TestResponse, *, json: bool = False) -> None:
    assert response.status_code == 503, response.text[:500]
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "Traceback" not in response.text and "OperationalError" not in response.text
    if json:
        assert response.json["error"]["code"] == 503
        assert "nothing you sent was saved" in response.json["error"]["message"]
    else:
        assert response.mimetype == "text/html"
        assert "The service is briefly unavailable" in response.text
        assert "nothing you sent was saved" in response.text
        assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


def through_faults(
    app: Flask, fault: DatabaseFault, send: Callable[[], TestResponse], *, json: bool = False
) -> TestResponse:
    """Send the request with the connection broken before each of its statements in
    turn and before its commit; each time, a 503 and no change at all. Returns the
    response of the run that got through untouched."""
    before = snapshot(app)
    position = 1
    while True:
        fault.at(position)
        response = send()
        if not fault.off():
            break
        assert_unavailable(response, json=json)
        assert snapshot(app) == before, f"a write survived a fault at statement {position}"
        position += 1
    assert position > 3, "the request should send several statements"
    assert snapshot(app) != before, "the request got through but wrote nothing"
    return response


def through_commit_fault(
    app: Flask, fault: DatabaseFault, send: Callable[[], TestResponse], *, json: bool = False
) -> None:
    before = snapshot(app)
    fault.at_commit()
    response = send()
    assert fault.off(), "the request never committed"
    assert_unavailable(response, json=json)
    assert snapshot(app) == before


def post(client, page: str, action: str, data: dict) -> Callable[[], TestResponse]:
    token = csrf_token(client, page)
    return lambda: client.post(action, data={"csrf_token": token, **data})


def test_each_write_of_a_learners_journey_is_all_or_nothing(make_app, content, clock, mail_outbox):
    app = make_app(
        COURSEKIT_MODULES_PATH=str(content / "modules"),
        COURSEKIT_PUBLISH_ON_START=True,
        COURSEKIT_HEARTBEAT_LIMIT="1000 per minute",
        **certificate_settings(provider={"issuing": "automatic"}),
    )
    fault = DatabaseFault(app)
    learner = signed_in(app, "zoe@example.org")

    enrol = post(learner, "/modules/calf", "/modules/calf/enrol", {"accept": "y"})
    through_commit_fault(app, fault, enrol)
    assert through_faults(app, fault, enrol).status_code in (302, 303)

    for lesson, minutes in ((L1, 50), (L2, 40)):
        learner.get(lesson)
        clock.advance(minutes=minutes)
        assert learner.post(
            f"{lesson}/complete", data={"csrf_token": csrf_token(learner, lesson)}
        ).status_code in (302, 303)
    token = csrf_token(learner, L2)
    learner.post(f"{L2}/heartbeat", data={"csrf_token": token, "restart": "1"})
    for _ in range(25):
        clock.advance(seconds=30)
        learner.post(f"{L2}/heartbeat", data={"csrf_token": token})

    worksheet = post(learner, "/modules/calf/worksheet", "/modules/calf/worksheet", WORKSHEET)
    through_commit_fault(app, fault, worksheet)
    assert through_faults(app, fault, worksheet).status_code in (302, 303)
    review_worksheet(app)

    attempt_id, _ = start(learner)
    for number in range(1, 11):
        answer(learner, attempt_id, number, "Yes")
    token = csrf_token(learner, f"/attempts/{attempt_id}")
    headers = {**JSON, "X-CSRFToken": token}

    def submit_attempt() -> TestResponse:
        return learner.post(
            f"/attempts/{attempt_id}/submit", json={"confirm": True}, headers=headers
        )

    through_commit_fault(app, fault, submit_attempt, json=True)
    graded = through_faults(app, fault, submit_attempt, json=True)
    assert graded.status_code == 200 and graded.json == {"percent": 100.0, "passed": True}
    # The retry of a submission that got through answers the same grade, changing nothing.
    again = snapshot(app)
    assert submit_attempt().json == graded.json and snapshot(app) == again

    mail_outbox.clear()
    evaluation = post(learner, "/modules/calf/evaluation", "/modules/calf/evaluation", EVALUATION)
    through_commit_fault(app, fault, evaluation)
    assert mail_outbox == [], "a certificate mail went out for a certificate not kept"
    assert through_faults(app, fault, evaluation).status_code in (302, 303)
    with app.app_context():
        (completion,) = db.session.scalars(select(Completion))
        (certificate,) = db.session.scalars(select(Certificate))
        stored = db.session.scalar(select(CertificateFile.size))
    assert certificate.completion_id == completion.id and certificate.serial == 1
    assert stored and stored > 1000
    (notice,) = [m for m in mail_outbox if "certificate" in m["Subject"]]
    assert certificate.number in notice.get_content()


def dead_database(app: Flask, tmp_path) -> None:
    """Point the app at a database that cannot be reached: a PostgreSQL port nobody
    listens on, or a SQLite file in a folder that does not exist."""
    url = app.extensions["coursekit"].db.engine.url
    if url.get_backend_name() == "postgresql":
        dead = url.set(host="127.0.0.1", port=1).render_as_string(hide_password=False)
    else:
        dead = f"sqlite:///{tmp_path / 'gone' / 'coursekit.sqlite3'}"
    app.extensions["coursekit"].db = Database(make_engine(dead), raise_on_lazy_load=True)


@pytest.mark.parametrize("json", [False, True])
def test_a_database_unreachable_at_the_start_of_a_request_is_a_503(app, tmp_path, json):
    client = app.test_client()
    token = csrf_token(client, "/login")
    live = app.extensions["coursekit"].db
    dead_database(app, tmp_path)
    try:
        response = client.get("/modules", headers=JSON if json else {})
        assert_unavailable(response, json=json)
        response = client.post(
            "/login",
            data={"csrf_token": token, "email": "ada@example.org", "password": "x" * 12},
            headers=JSON if json else {},
        )
    finally:
        app.extensions["coursekit"].db.engine.dispose()
        app.extensions["coursekit"].db = live
    assert_unavailable(response, json=json)


def test_a_signed_in_learner_gets_the_503_page_too(app, tmp_path):
    learner = signed_in(app, "ada@example.org")
    live = app.extensions["coursekit"].db
    dead_database(app, tmp_path)
    try:
        response = learner.get("/dashboard")
    finally:
        app.extensions["coursekit"].db.engine.dispose()
        app.extensions["coursekit"].db = live
    assert_unavailable(response)
    assert learner.get("/dashboard").status_code == 200  # and back when it is


def test_the_host_apps_own_routes_keep_their_own_error_handling(database_url):
    from tests.test_host_app import make_host_app

    host = make_host_app(database_url, with_coursekit=True)

    @host.get("/host-database")
    def host_database() -> str:
        raise OSError(28, "No space left on device")

    host.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        response = host.test_client().get("/host-database")
        # Flask's own 500, not coursekit's 503: coursekit handles its own pages only.
        assert response.status_code == 500 and "Retry-After" not in response.headers
    finally:
        engine = host.extensions["coursekit"].db.engine
        with engine.begin() as connection:
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(delete(table))
        engine.dispose()


def test_after_commit_callbacks_run_only_for_what_was_committed(app):
    ran: list[str] = []
    with app.app_context():
        db.after_commit(lambda: ran.append("outer"))
        with db.session.begin_nested():
            db.after_commit(lambda: ran.append("released savepoint"))
        with pytest.raises(ValueError), db.session.begin_nested():
            db.after_commit(lambda: ran.append("rolled-back savepoint"))
            raise ValueError
        assert ran == []  # nothing before the commit
        db.session.commit()
        assert ran == ["outer", "released savepoint"]
        db.after_commit(lambda: ran.append("rolled back"))
        db.session.rollback()
        db.session.execute(select(Completion.id))
        db.after_commit(lambda: ran.append("closed unfinished"))
        db.session.close()
        db.session.execute(select(Completion.id))
        db.session.commit()
    assert ran == ["outer", "released savepoint"]
