"""xAPI test helpers: an app configured for xAPI, a learner with one of every event, and
the checks a statement must pass."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import Role
from coursekit.assessment.attempts.models import POST_TEST, Attempt, AttemptGrade
from coursekit.assessment.evaluations.models import EvaluationResponse
from coursekit.assessment.worksheets.models import WorksheetReview, WorksheetSubmission
from coursekit.catalog.models import Enrolment
from coursekit.lessons.models import LessonEvent, LessonEventKind
from coursekit.packages.models import ModuleVersion
from coursekit.progress.models import Completion
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
