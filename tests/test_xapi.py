"""xAPI statements: a valid statement for every event kind, and the JSON-lines export."""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import timedelta

import pytest

from coursekit.progress.timeline import Event, EventKind, Score
from coursekit.progress.xapi.statements import ModuleInfo, Site, duration, statement
from tests.xapi_records import (
    BASE,
    EXPECTED,
    PERSONAL,
    START,
    assert_valid,
    exported,
    record_everything,
    run,
    xapi_app,
)


@pytest.fixture
def app(make_app, tmp_path):
    return xapi_app(make_app, tmp_path)


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
