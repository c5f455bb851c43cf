"""xAPI sending: the outbox sends statements to an LRS (a fake one on 127.0.0.1) exactly
once by id, through failures, refused connections and wrong credentials."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from coursekit import db
from coursekit.db import utcnow
from coursekit.lessons.models import LessonEvent, LessonEventKind
from coursekit.progress.xapi.models import XapiActor, XapiOutbox
from tests import fake_lrs
from tests.xapi_records import (
    START,
    exported,
    record_everything,
    run,
    xapi_app,
)


@pytest.fixture
def lrs() -> Iterator[fake_lrs.FakeLrs]:
    fake = fake_lrs.FakeLrs()
    yield fake
    fake.close()


def lrs_app(make_app, tmp_path, endpoint: str, **settings):
    return xapi_app(
        make_app,
        tmp_path,
        COURSEKIT_XAPI_ENDPOINT=endpoint,
        COURSEKIT_XAPI_USERNAME=fake_lrs.USERNAME,
        COURSEKIT_XAPI_PASSWORD=fake_lrs.PASSWORD,
        **settings,
    )


def outbox(app) -> XapiOutbox:
    with app.app_context():
        return db.session.scalars(select(XapiOutbox)).one()


def test_send_retries_failures_and_stores_everything_exactly_once(make_app, tmp_path, lrs):
    app = lrs_app(make_app, tmp_path, lrs.endpoint, COURSEKIT_XAPI_BATCH_SIZE=4)
    record_everything(app)
    lrs.fail_next = 2
    result = run(app, "send")
    assert result.exit_code == 0, result.output
    assert "10 statements accepted" in result.output and "3 batches" in result.output
    assert lrs.requests[:3] == [("POST", 4)] * 3, "two failures, then the same batch again"
    assert sorted(lrs.ids) == sorted(s["id"] for s in exported(app))
    assert len(set(lrs.ids)) == 10
    state = outbox(app)
    assert state.failures == 0 and state.last_error == ""
    assert state.read_from > utcnow() - timedelta(minutes=11)

    before = list(lrs.stored)
    again = run(app, "send")
    assert again.exit_code == 0, again.output
    assert lrs.stored == before, "a rerun stores nothing new"


def test_statements_read_again_in_the_overlap_are_stored_once(make_app, tmp_path, lrs):
    app = lrs_app(make_app, tmp_path, lrs.endpoint, COURSEKIT_XAPI_OVERLAP_MINUTES=120)
    record_everything(app, start=utcnow() - timedelta(minutes=80))
    assert run(app, "send").exit_code == 0
    before = list(lrs.stored)
    lrs.requests.clear()
    result = run(app, "send")
    assert result.exit_code == 0, result.output
    assert "10 statements accepted" in result.output
    # This LRS answers 409 to a batch with a known id; one by one, each is found identical.
    assert lrs.requests == [("POST", 10)] + [("PUT", 1)] * 10
    assert lrs.stored == before


def test_a_long_history_is_read_a_page_at_a_time(make_app, tmp_path, lrs, monkeypatch):
    monkeypatch.setattr("coursekit.progress.xapi.outbox.PAGE", 3)
    app = lrs_app(make_app, tmp_path, lrs.endpoint, COURSEKIT_XAPI_BATCH_SIZE=2)
    enrolment = record_everything(app)
    with app.app_context():
        # At the time of the first lesson's completion: a page must not end between them.
        db.session.add(
            LessonEvent(
                enrolment_id=enrolment,
                lesson="02-needling",
                kind=LessonEventKind.OPENED,
                at=START + timedelta(minutes=3),
            )
        )
        db.session.commit()
    result = run(app, "send")
    assert result.exit_code == 0, result.output
    pages = [[2, 2], [2, 1], [2, 1], [1]]
    assert lrs.requests == [("POST", size) for page in pages for size in page]
    assert sorted(lrs.ids) == sorted(s["id"] for s in exported(app))
    assert len(set(lrs.ids)) == 11


def test_a_statement_committed_late_is_still_sent(make_app, tmp_path, lrs):
    app = lrs_app(make_app, tmp_path, lrs.endpoint)
    enrolment = record_everything(app)
    assert run(app, "send").exit_code == 0
    # A transaction that took its time stamps 2 minutes ago, and commits only now.
    with app.app_context():
        db.session.add(
            LessonEvent(
                enrolment_id=enrolment,
                lesson="02-needling",
                kind=LessonEventKind.OPENED,
                at=utcnow() - timedelta(minutes=2),
            )
        )
        db.session.commit()
    result = run(app, "send")
    assert result.exit_code == 0, result.output
    assert len(lrs.stored) == 11 and len(set(lrs.ids)) == 11
    assert lrs.stored[-1]["object"]["id"].endswith("/lessons/02-needling")


def test_a_run_that_fails_part_way_resumes_where_it_stopped(make_app, tmp_path, lrs):
    app = lrs_app(make_app, tmp_path, lrs.endpoint, COURSEKIT_XAPI_BATCH_SIZE=3)
    record_everything(app)
    lrs.accept_then_fail = 2
    result = run(app, "send")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "HTTP 503" in result.output and "next run resumes from 2026-03-02T09:40" in result.output
    assert "6 statements accepted" in result.output
    first = list(lrs.ids)
    assert len(first) == 6
    state = outbox(app)
    assert state.failures == 1 and "HTTP 503" in state.last_error

    lrs.accept_then_fail = None
    lrs.requests.clear()
    result = run(app, "send")
    assert result.exit_code == 0, result.output
    assert lrs.requests == [("POST", 3), ("POST", 1)], "only what was left is sent"
    assert sorted(lrs.ids) == sorted(s["id"] for s in exported(app))
    assert len(set(lrs.ids)) == 10 and lrs.ids[:6] == first
    assert outbox(app).failures == 0


def test_a_refused_connection_is_retried_on_the_next_run(make_app, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    endpoint = f"http://127.0.0.1:{port}/xapi/"
    app = lrs_app(make_app, tmp_path, endpoint)
    record_everything(app)
    result = run(app, "send")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert f"could not reach the LRS at {endpoint}" in result.output
    assert "next run resumes from the first event" in result.output
    assert outbox(app).read_from is None

    fake = fake_lrs.FakeLrs(port)
    try:
        result = run(app, "send")
        assert result.exit_code == 0, result.output
        assert len(fake.stored) == 10 and len(set(fake.ids)) == 10
    finally:
        fake.close()


def test_wrong_credentials_are_reported_once_without_a_traceback(make_app, tmp_path):
    fake = fake_lrs.FakeLrs(password="something else")
    try:
        app = lrs_app(make_app, tmp_path, fake.endpoint)
        record_everything(app)
        result = run(app, "send")
    finally:
        fake.close()
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert "refused the user name or password (HTTP 401)" in result.output
    assert "COURSEKIT_XAPI_PASSWORD" in result.output
    assert fake.requests == [("POST", 10)], "not retried"
    assert fake.stored == []


def test_a_statement_changed_since_it_was_stored_is_reported_and_left(make_app, tmp_path, lrs):
    app = lrs_app(make_app, tmp_path, lrs.endpoint)
    record_everything(app)
    first = exported(app)[0]
    lrs.stored.append({**first, "verb": {"id": "http://adlnet.gov/expapi/verbs/failed"}})
    result = run(app, "send")
    assert result.exit_code == 0, result.output
    assert "1 statements were answered 409 Conflict" in result.stderr
    assert len(lrs.stored) == 10 and len(set(lrs.ids)) == 10


def test_send_needs_an_endpoint_and_each_learner_keeps_one_account(make_app, tmp_path):
    app = xapi_app(make_app, tmp_path)
    result = run(app, "send")
    assert result.exit_code == 1 and "COURSEKIT_XAPI_ENDPOINT is not set" in result.output
    record_everything(app)
    names = {s["actor"]["account"]["name"] for s in exported(app)}
    with app.app_context():
        actors = db.session.scalars(select(XapiActor)).all()
    assert {actor.account_name for actor in actors} == names
