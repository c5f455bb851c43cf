"""Reports: figures per module version, the learners list and its CSV, a learner's full
record and its CSV, who may read them; on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io

import pytest
import yaml

from coursekit import db
from coursekit.accounts.models import ModuleAssignment, Role
from coursekit.assessment.evaluations.queries import module_versions
from coursekit.packages.publishing import publish_packages
from coursekit.progress.reports.queries import version_summaries
from coursekit.progress.timeline import EventKind
from coursekit.spreadsheet import defused
from tests.helpers import login, make_user
from tests.package_factory import manifest, write_package, write_worksheet
from tests.report_records import (
    at,
    attempt,
    completion,
    enrol,
    evaluation,
    lesson_events,
    worksheet,
)

REPORT = "/teach/modules/calf/report"
LEARNERS = "/teach/modules/calf/report/1.0.0/learners"


@pytest.fixture
def app(make_app, tmp_path):
    for module_id in ("calf", "shin"):
        write_worksheet(write_package(tmp_path, module_id, worksheet="quizzes/worksheet.yaml"))
    return make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"), COURSEKIT_PUBLISH_ON_START=True
    )


def publish_version(app, tmp_path, version: str) -> None:
    folder = tmp_path / "modules" / "calf"
    data = manifest("calf", version=version, worksheet="quizzes/worksheet.yaml")
    (folder / "module.yaml").write_text(yaml.safe_dump(data))
    publish_packages(app)


def signed_in(app, email: str, *roles: Role, assigned: str | None = None):
    client = app.test_client()
    user_id = make_user(app, email, *roles)
    if assigned:
        with app.app_context():
            db.session.add(ModuleAssignment(user_id=user_id, module_id=assigned))
            db.session.commit()
    login(client, email)
    return client, user_id


@pytest.fixture
def cohort(app, tmp_path):
    """Seven learners of calf 1.0.0 (A to G, see each), two of calf 1.1.0 and one of shin;
    the enrolment ids by letter."""
    _, reviewer = signed_in(app, "reviewer@example.org", Role.INSTRUCTOR)
    ids = {}
    for letter in "ABCDEFG":
        ids[letter] = enrol(
            app, f"{letter.lower()}@example.org", first_name=letter, last_name=f"Learner{letter}"
        )
    # A: enrolled, nothing since (not started).
    # B: 600 s of seat time, one failed attempt.
    lesson_events(
        app,
        ids["B"],
        (1, "01-anatomy", "opened", 0),
        (6, "01-anatomy", "active", 300),
        (11, "01-anatomy", "active", 300),
    )
    attempt(app, ids["B"], 1, 20, [40])
    # C: everything the rule asks: both lessons, 6000 s (the 100 minutes that 2 credit
    # hours need), failed then passed, worksheet reviewed, evaluation, completion.
    lesson_events(
        app,
        ids["C"],
        (1, "01-anatomy", "opened", 0),
        (26, "01-anatomy", "active", 1500),
        (51, "01-anatomy", "active", 1500),
        (52, "01-anatomy", "completed", 0),
        (53, "02-needling", "opened", 0),
        (78, "02-needling", "active", 1500),
        (93, "02-needling", "active", 1500),
        (94, "02-needling", "completed", 0),
        (95, "02-needling", "completed", 0),  # completed twice: counts once
    )
    worksheet(app, ids["C"], 30, reviewed_by=reviewer, comment="=Well reasoned")
    attempt(app, ids["C"], 1, 100, [50])
    attempt(app, ids["C"], 2, 200, [90])
    evaluation(app, ids["C"], 220)
    completion(app, ids["C"], 220)
    # D: 300 s; failed at 60 %, a corrected key made it 80 % (passed).
    lesson_events(app, ids["D"], (1, "01-anatomy", "opened", 0), (6, "01-anatomy", "active", 300))
    attempt(app, ids["D"], 1, 20, [60, 80])
    # E: opened only; passed at 100 %, a corrected key made it 70 % (failed now).
    lesson_events(app, ids["E"], (1, "01-anatomy", "opened", 0))
    attempt(app, ids["E"], 1, 20, [100, 70])
    # F: a failed attempt and an open one; a worksheet waiting for review.
    worksheet(app, ids["F"], 5)
    attempt(app, ids["F"], 1, 20, [20])
    attempt(app, ids["F"], 2, 40)
    # G: 900 s, three failed attempts.
    lesson_events(
        app,
        ids["G"],
        (1, "01-anatomy", "opened", 0),
        (6, "01-anatomy", "active", 300),
        (11, "01-anatomy", "active", 300),
        (16, "01-anatomy", "active", 300),
    )
    for number in (1, 2, 3):
        attempt(app, ids["G"], number, 100 * number, [30])
    publish_version(app, tmp_path, "1.1.0")
    ids["H"] = enrol(app, "h@example.org", version="1.1.0", last_name="LearnerH")
    lesson_events(app, ids["H"], (1, "01-anatomy", "active", 3000))
    attempt(app, ids["H"], 1, 60, [100])
    completion(app, ids["H"], 80)
    ids["I"] = enrol(app, "i@example.org", version="1.1.0", last_name="LearnerI")
    ids["S"] = enrol(app, "s@example.org", "shin")
    attempt(app, ids["S"], 1, 20, [100])
    return ids


def summaries(app):
    with app.app_context():
        versions = module_versions("calf")
        return {summary.version.version: summary for summary in version_summaries(versions)}


def test_figures_per_version_count_what_each_learner_did(app, cohort):
    older = summaries(app)["1.0.0"]
    assert (older.enrolled, older.not_started, older.in_progress, older.completed) == (7, 1, 5, 1)
    # Graded attempts: B, C, D, E, F, G. Passed on their current grade: C, and D after
    # the regrade; E's pass was regraded away.
    assert (older.attempted, older.passed) == (6, 2)
    assert older.pass_rate == pytest.approx(2 / 6)
    # Seat time of B, C, D, G: 300, 600, 900, 6000 -> (600 + 900) / 2.
    assert older.median_seat_seconds == 750
    assert older.median_seat_minutes == 12.5
    # Attempts of B..G: 1, 2, 1, 1, 2, 3 -> 1, 1, 1, 2, 2, 3 -> (1 + 2) / 2.
    assert older.median_attempts == 1.5
    assert older.evaluations == 1
    newer = summaries(app)["1.1.0"]
    assert (newer.enrolled, newer.not_started, newer.in_progress, newer.completed) == (2, 1, 0, 1)
    assert (newer.attempted, newer.passed, newer.median_seat_seconds) == (1, 1, 3000)
    assert newer.median_attempts == 1


def test_a_version_without_learners_reports_nothing_to_divide(app):
    only = summaries(app)["1.0.0"]
    assert (only.enrolled, only.not_started, only.pass_rate) == (0, 0, None)
    assert only.median_seat_seconds is None and only.median_attempts is None


def test_the_report_page_shows_each_version_newest_first(app, cohort):
    client, _ = signed_in(app, "teacher@example.org", Role.INSTRUCTOR, assigned="calf")
    page = client.get(REPORT).text
    newer, older = page.index("Version 1.1.0"), page.index("Version 1.0.0")
    assert newer < older
    assert "33 % (2 of 6)" in page[older:]
    assert "12.5 min" in page[older:]
    assert "1.5" in page[older:]
    assert "100 % (1 of 1)" in page[newer:older]
    assert "/teach/modules/calf/evaluations" in page
    assert "/teach/modules/calf/report/1.1.0/learners.csv" in page


def read_csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_the_learners_csv_has_one_row_per_learner_of_the_version(app, cohort):
    client, _ = signed_in(app, "admin@example.org", Role.ADMIN)
    response = client.get("/teach/modules/calf/report/1.0.0/learners.csv")
    assert 'filename="calf-1.0.0-learners.csv"' in response.headers["Content-Disposition"]
    rows = {row["first_name"]: row for row in read_csv(response)}
    assert list(rows) == list("ABCDEFG")  # by last name
    assert rows["C"] == {
        "enrolment_id": str(cohort["C"]),
        "first_name": "C",
        "last_name": "LearnerC",
        "email": "c@example.org",
        "nccaom_id": "",
        "enrolled_at": "2026-11-02T09:00:00+00:00",
        "lessons_completed": "2",
        "seat_minutes": "100",
        "attempts": "2",
        "best_percent": "90.0",
        "passed": "yes",
        "worksheet": "reviewed",
        "evaluation_submitted": "yes",
        "completed_at": at(220).isoformat(),
    }
    assert [rows["A"][key] for key in ("lessons_completed", "seat_minutes", "attempts")] == [
        "0",
        "0",
        "0",
    ]
    assert (rows["A"]["best_percent"], rows["A"]["passed"], rows["A"]["worksheet"]) == (
        "",
        "",
        "not-submitted",
    )
    assert (rows["D"]["best_percent"], rows["D"]["passed"]) == ("80.0", "yes")
    assert (rows["E"]["best_percent"], rows["E"]["passed"]) == ("70.0", "no")
    assert (rows["F"]["attempts"], rows["F"]["worksheet"]) == ("2", "submitted")
    newer = read_csv(client.get("/teach/modules/calf/report/1.1.0/learners.csv"))
    assert [row["last_name"] for row in newer] == ["LearnerH", "LearnerI"]
    assert newer[0]["seat_minutes"] == "50"


def test_the_learner_record_lists_every_event_and_what_is_missing(app, cohort):
    client, _ = signed_in(app, "teacher@example.org", Role.INSTRUCTOR, assigned="calf")
    page = client.get(f"/teach/enrolments/{cohort['F']}").text
    assert "Test LearnerF" not in page  # made with first name F
    assert "F LearnerF" in page and "f@example.org" in page
    assert "Attestation 2026-1" in page
    missing = page[page.index("Still missing") : page.index("Events")]
    assert "Complete lesson 1 of 2: Lesson 1" in missing
    assert "Your worksheet is waiting for review." in missing
    assert "Finish your post-test attempt" in missing
    order = [
        "Enrolled, attestation accepted",
        "Submitted worksheet",
        "Started post-test attempt",
        "Submitted post-test attempt",
        "Started post-test attempt",
    ]
    rows = page[page.index("<tbody>", page.index("Events")) :]
    positions = []
    for label in order:
        positions.append(rows.index(label, positions[-1] + 1 if positions else 0))
    assert "2 of 10 points, 20.0 %, not passed" in rows

    done = client.get(f"/teach/enrolments/{cohort['C']}").text
    assert "Nothing is missing" in done
    assert "Completed the module" in done and "Worksheet reviewed" in done


def test_the_events_csv_has_every_event_in_time_order(app, cohort):
    client, _ = signed_in(app, "teacher@example.org", Role.INSTRUCTOR, assigned="calf")
    response = client.get(f"/teach/enrolments/{cohort['D']}/events.csv")
    rows = read_csv(response)
    assert [row["event"] for row in rows] == [
        EventKind.ENROLLED,
        EventKind.LESSON_OPENED,
        EventKind.SEAT_TIME,
        EventKind.ATTEMPT_STARTED,
        EventKind.ATTEMPT_SUBMITTED,
        EventKind.ATTEMPT_REGRADED,
    ]
    seat, submitted, regraded = rows[2], rows[4], rows[5]
    assert (seat["lesson"], seat["seconds"]) == ("01-anatomy", "300")
    assert [submitted[key] for key in ("attempt", "earned", "percent", "passed")] == [
        "1",
        "6.0",
        "60.0",
        "no",
    ]
    assert (regraded["percent"], regraded["passed"], regraded["detail"]) == (
        "80.0",
        "yes",
        "corrected key",
    )
    assert rows[0]["at"] == "2026-11-02T09:00:00+00:00"
    assert rows[0]["key"] == f"enrolment:{cohort['D']}"


def test_text_that_a_spreadsheet_would_run_is_defused(app, cohort):
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
        assert defused(text) == "'" + text
    assert defused("Ada") == "Ada" and defused(-1) == -1 and defused("") == ""
    enrol(app, "x@example.org", first_name='=HYPERLINK("http://evil")', last_name="+Zz")
    client, _ = signed_in(app, "admin@example.org", Role.ADMIN)
    rows = read_csv(client.get("/teach/modules/calf/report/1.0.0/learners.csv"))
    row = next(row for row in rows if row["email"] == "x@example.org")
    assert (row["first_name"], row["last_name"]) == ('\'=HYPERLINK("http://evil")', "'+Zz")
    events = read_csv(client.get(f"/teach/enrolments/{cohort['C']}/events.csv"))
    review = next(row for row in events if row["event"] == EventKind.WORKSHEET_REVIEWED)
    assert review["detail"] == "'=Well reasoned"


def report_urls(ids) -> list[str]:
    return [
        REPORT,
        LEARNERS,
        "/teach/modules/calf/report/1.0.0/learners.csv",
        f"/teach/enrolments/{ids['C']}",
        f"/teach/enrolments/{ids['C']}/events.csv",
    ]


def test_only_admins_and_instructors_of_the_module_read_its_reports(app, cohort):
    urls = report_urls(cohort)
    other, _ = signed_in(app, "other@example.org", Role.INSTRUCTOR, assigned="shin")
    unassigned, _ = signed_in(app, "new@example.org", Role.INSTRUCTOR)
    learner, _ = signed_in(app, "learner@example.org")
    assigned, _ = signed_in(app, "teacher@example.org", Role.INSTRUCTOR, assigned="calf")
    admin, _ = signed_in(app, "admin@example.org", Role.ADMIN)
    for url in urls:
        for refused in (other, unassigned, learner):
            response = refused.get(url)
            assert response.status_code == 403, url
            assert "LearnerC" not in response.text
        assert app.test_client().get(url).status_code == 302  # sent to sign in
        assert assigned.get(url).status_code == 200, url
        assert admin.get(url).status_code == 200, url
    # The instructor of shin reads shin's learner, not calf's.
    assert other.get(f"/teach/enrolments/{cohort['S']}").status_code == 200


def test_what_does_not_exist_is_404(app, cohort):
    admin, _ = signed_in(app, "admin@example.org", Role.ADMIN)
    for url in (
        "/teach/modules/nope/report",
        "/teach/modules/calf/report/9.9.9/learners",
        "/teach/modules/calf/report/9.9.9/learners.csv",
        "/teach/modules/shin/report/1.1.0/learners",  # a version of another module
        "/teach/enrolments/999999",
        "/teach/enrolments/0",
        f"/teach/enrolments/{2**31}",
        f"/teach/enrolments/{10**30}/events.csv",
    ):
        assert admin.get(url).status_code == 404, url


def test_versions_are_kept_apart_in_the_learners_list(app, cohort):
    admin, _ = signed_in(app, "admin@example.org", Role.ADMIN)
    newer = admin.get("/teach/modules/calf/report/1.1.0/learners").text
    assert "2 enrolled" in newer
    assert "LearnerH" in newer and "LearnerI" in newer and "LearnerA" not in newer
