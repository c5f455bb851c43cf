"""xAPI: a valid statement for every event kind, JSON-lines export, and the outbox that
sends statements to an LRS (a fake one on 127.0.0.1) exactly once by id, through
failures, refused connections and wrong credentials."""

from __future__ import annotations

import dataclasses
import json
import re
import socket
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import Role
from coursekit.assessment.attempts.models import POST_TEST, Attempt, AttemptGrade
from coursekit.assessment.evaluations.models import EvaluationResponse
from coursekit.assessment.worksheets.models import WorksheetReview, WorksheetSubmission
from coursekit.catalog.models import Enrolment
from coursekit.db import utcnow
from coursekit.lessons.models import LessonEvent, LessonEventKind
from coursekit.packages.models import ModuleVersion
from coursekit.progress.models import Completion
from coursekit.progress.timeline import Event, EventKind, Score
from coursekit.progress.xapi.models import XapiActor, XapiOutbox
from coursekit.progress.xapi.statements import ModuleInfo, Site, duration, statement
from tests import fake_lrs
from tests.helpers import make_user
from tests.package_factory import write_package

BASE = "https://ce.provider.test"
START = datetime(2026, 3, 2, 9, 0, 0, 123456, tzinfo=UTC)
VERBS = {"experienced", "attempted", "answered", "passed", "failed", "completed"}
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
DURATION = re.compile(r"^PT(\d+H)?(\d+M)?(\d+S)?$")
PERSONAL = ("quincy", "wolverton", "example.org", "@", "mbox", "reviewer", "well argued")


def xapi_app(make_app, tmp_path, **settings):
    """An app with the calf module published and xAPI configured for fast retries."""
    if not (tmp_path / "modules" / "calf").exists():
        write_package(tmp_path, "calf")
    config = {
        "COURSEKIT_MODULES_PATH": str(tmp_path / "modules"),
        "COURSEKIT_PUBLISH_ON_START": True,
        "COURSEKIT_XAPI_BASE_IRI": BASE,
        "COURSEKIT_XAPI_RETRIES": 3,
        "COURSEKIT_XAPI_BACKOFF_SECONDS": 0.01,
        "COURSEKIT_XAPI_TIMEOUT": 5,
        **settings,
    }
    return make_app(**config)


@pytest.fixture
def app(make_app, tmp_path):
    return xapi_app(make_app, tmp_path)


def record_everything(app, email: str = "quincy.wolverton@example.org", start=START) -> int:
    """Rows for every kind of event, one minute or more apart from ``start``; returns
    the enrolment's id. 120 s of seat time is credited on the first lesson."""
    learner = make_user(app, email, first_name="Quincy", last_name="Wolverton")
    reviewer = make_user(app, f"reviewer.{email}", Role.INSTRUCTOR)
    at = lambda minutes: start + timedelta(minutes=minutes)  # noqa: E731
    with app.app_context():
        version = db.session.scalars(select(ModuleVersion)).one()
        enrolment = Enrolment(
            user_id=learner,
            module_version_id=version.id,
            enrolled_at=at(0),
            attestation_version="2026-1",
            attestation_text="I attest.",
            attested_at=at(0),
        )
        db.session.add(enrolment)
        db.session.flush()
        lesson = {"enrolment_id": enrolment.id, "lesson": "01-anatomy"}
        db.session.add_all(
            [
                LessonEvent(**lesson, kind=LessonEventKind.OPENED, at=at(1)),
                LessonEvent(**lesson, kind=LessonEventKind.ACTIVE, seconds=0, at=at(1)),
                LessonEvent(**lesson, kind=LessonEventKind.ACTIVE, seconds=120, at=at(3)),
                LessonEvent(**lesson, kind=LessonEventKind.COMPLETED, at=at(3)),
            ]
        )
        attempt = Attempt(
            enrolment_id=enrolment.id,
            quiz=POST_TEST,
            number=1,
            questions=[],
            started_at=at(10),
            closed_at=at(20),
            close_reason="submitted",
        )
        db.session.add(attempt)
        db.session.flush()
        grade = {"attempt_id": attempt.id, "key_version_id": version.id, "possible": 8.0}
        db.session.add_all(
            [
                AttemptGrade(
                    **grade,
                    revision=1,
                    graded_at=at(20),
                    reason="submitted",
                    earned=5.0,
                    percent=62.5,
                    passed=False,
                    results=[],
                ),
                AttemptGrade(
                    **grade,
                    revision=2,
                    graded_at=at(30),
                    reason="corrected key",
                    earned=7.0,
                    percent=87.5,
                    passed=True,
                    results=[],
                ),
            ]
        )
        submission = WorksheetSubmission(
            enrolment_id=enrolment.id, answers={"reflect": "Refer Quincy"}, submitted_at=at(40)
        )
        db.session.add(submission)
        db.session.flush()
        db.session.add_all(
            [
                WorksheetReview(
                    submission_id=submission.id,
                    reviewer_id=reviewer,
                    comment="Well argued, Quincy.",
                    reviewed_at=at(50),
                ),
                EvaluationResponse(
                    enrolment_id=enrolment.id,
                    form="standard 2026",
                    items=[],
                    answers={"most-useful": "Wolverton's table"},
                    submitted_at=at(60),
                ),
                Completion(user_id=learner, module_version_id=version.id, completed_at=at(70)),
            ]
        )
        db.session.commit()
        return enrolment.id


EXPECTED = [
    ("attempted", ""),
    ("experienced", "/lessons/01-anatomy"),
    ("completed", "/lessons/01-anatomy"),
    ("attempted", "/post-test"),
    ("failed", "/post-test"),
    ("passed", "/post-test"),
    ("answered", "/worksheet"),
    ("completed", "/worksheet"),
    ("answered", "/evaluation"),
    ("completed", ""),
]


def assert_valid(built: dict) -> None:
    """The statement has xAPI 1.0.3's shape, as this provider fills it in."""
    assert set(built) <= {"id", "actor", "verb", "object", "result", "context", "timestamp"}
    assert UUID.match(built["id"]) and uuid.UUID(built["id"]).version == 5
    actor = built["actor"]
    assert actor["objectType"] == "Agent" and set(actor) == {"objectType", "account"}
    assert actor["account"]["homePage"] == BASE
    assert UUID.match(actor["account"]["name"])
    verb = built["verb"]
    assert verb["id"].removeprefix("http://adlnet.gov/expapi/verbs/") in VERBS
    assert verb["display"] == {"en-US": verb["id"].rsplit("/", 1)[1]}
    activities = [built["object"], *built["context"].get("contextActivities", {}).get("parent", [])]
    for activity in activities:
        assert activity["objectType"] == "Activity"
        assert activity["id"].startswith(BASE + "/modules/calf/1.0.0")
        assert urlsplit(activity["definition"]["type"]).scheme == "http"
        assert activity["definition"]["name"]["en"]
    result = built.get("result", {})
    if "score" in result:
        score = result["score"]
        assert -1 <= score["scaled"] <= 1 and score["min"] <= score["raw"] <= score["max"]
        assert isinstance(result["success"], bool)
    if "duration" in result:
        assert DURATION.match(result["duration"])
    context = built["context"]
    assert UUID.match(context["registration"])
    if "statement" in context:
        assert context["statement"]["objectType"] == "StatementRef"
        assert UUID.match(context["statement"]["id"])
    assert TIMESTAMP.match(built["timestamp"])


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=["coursekit", "xapi", *args])


def exported(app, *args: str) -> list[dict]:
    result = run(app, "export", *args)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


# --- Statements -----------------------------------------------------------------------

SITE = Site(BASE)
MODULE = ModuleInfo("calf", "1.0.0", "Calf pain", {"01-anatomy": "Anatomy"})


@pytest.mark.parametrize("kind", list(EventKind))
def test_every_event_kind_is_a_valid_statement_or_none_for_seat_time(kind):
    event = Event(
        kind,
        START,
        f"{kind}:7",
        enrolment_id=3,
        user_id=4,
        module_version_id=5,
        lesson="01-anatomy",
        seconds=30,
        attempt_id=9,
        attempt_number=1,
        score=Score(earned=6.0, possible=8.0, percent=75.0, passed=True),
        detail="Quincy Wolverton <quincy.wolverton@example.org>",
    )
    name = str(uuid.uuid4())
    built = statement(event, site=SITE, module=MODULE, account_name=name, seat_seconds=3725)
    if kind is EventKind.SEAT_TIME:
        assert built is None
        return
    assert_valid(built)
    assert built == statement(event, site=SITE, module=MODULE, account_name=name, seat_seconds=3725)
    assert built["timestamp"] == "2026-03-02T09:00:00.123Z"
    assert not any(word in json.dumps(built).lower() for word in PERSONAL)
    other = statement(event, site=Site("https://other.example"), module=MODULE, account_name=name)
    assert other["id"] != built["id"]
    assert other["context"]["registration"] != built["context"]["registration"]


def test_scores_and_durations():
    assert [duration(s) for s in (0, 59, 60, 3725, 7200)] == [
        "PT0S",
        "PT59S",
        "PT1M",
        "PT1H2M5S",
        "PT2H",
    ]
    event = Event(EventKind.ATTEMPT_SUBMITTED, START, "attempt-grade:2", 1, 1, 1, attempt_id=4)
    failed = dataclasses.replace(event, score=Score(5.0, 8.0, 62.5, False))
    built = statement(failed, site=SITE, module=MODULE, account_name="a")
    assert built["verb"]["id"].endswith("/failed")
    assert built["result"] == {
        "success": False,
        "completion": True,
        "score": {"scaled": 0.625, "raw": 5.0, "min": 0, "max": 8.0},
    }
    started = Event(EventKind.ATTEMPT_STARTED, START, "attempt:4", 1, 1, 1, attempt_id=4)
    assert (
        built["context"]["statement"]["id"]
        == statement(started, site=SITE, module=MODULE, account_name="a")["id"]
    )


# --- Export ---------------------------------------------------------------------------


def test_export_writes_every_event_as_a_statement_without_personal_data(app):
    record_everything(app)
    lines = exported(app)
    assert [
        (
            s["verb"]["id"].rsplit("/", 1)[1],
            s["object"]["id"].removeprefix(f"{BASE}/modules/calf/1.0.0"),
        )
        for s in lines
    ] == EXPECTED
    for built in lines:
        assert_valid(built)
    text = json.dumps(lines).lower()
    assert not any(word in text for word in PERSONAL)
    assert len({s["actor"]["account"]["name"] for s in lines}) == 1
    assert len({s["context"]["registration"] for s in lines}) == 1
    lesson_done, regraded, module_done = lines[2], lines[5], lines[9]
    assert lesson_done["result"] == {"completion": True, "duration": "PT2M"}
    assert module_done["result"] == {"completion": True, "duration": "PT2M"}
    assert regraded["result"]["score"]["scaled"] == 0.875
    assert regraded["context"]["statement"]["id"] == lines[3]["id"]
    assert lines[0]["timestamp"] == "2026-03-02T09:00:00.123Z"
    assert exported(app) == lines, "a second export is the same, ids and accounts included"


def test_export_since_a_date_or_time_and_to_a_file(app, tmp_path):
    record_everything(app)
    record_everything(app, "other@example.net", start=START + timedelta(days=2))
    everything = exported(app)
    assert len(everything) == 20
    assert len({s["actor"]["account"]["name"] for s in everything}) == 2
    assert exported(app, "--since", "2026-03-04") == everything[10:]
    assert exported(app, "--since", "2026-03-02T09:30:00") == everything[5:]
    assert exported(app, "--since", "2026-03-02T10:30:00+01:00") == everything[5:]
    target = tmp_path / "statements.jsonl"
    result = run(app, "export", "--since", "2026-03-04", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and "10 statements written" in result.stderr
    assert [json.loads(line) for line in target.read_text().splitlines()] == everything[10:]
    bad = run(app, "export", "--since", "yesterday")
    assert bad.exit_code == 2 and "is not a date" in bad.output


def test_export_needs_the_base_iri(make_app, tmp_path):
    app = xapi_app(make_app, tmp_path, COURSEKIT_XAPI_BASE_IRI=None)
    result = run(app, "export")
    assert result.exit_code == 1 and "COURSEKIT_XAPI_BASE_IRI" in result.output


# --- The outbox, against a fake LRS ----------------------------------------------------


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
