"""Worksheets: learners submit and revise, assigned instructors review, the post-test
opens; on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from coursekit import db
from coursekit.accounts.models import ModuleAssignment, Role
from coursekit.assessment.attempts.queries import post_test_status
from coursekit.assessment.worksheets.models import WorksheetReview, WorksheetSubmission
from coursekit.audit.models import AuditEntry
from coursekit.catalog.models import Enrolment
from coursekit.db import utcnow
from tests.helpers import login, make_user, submit
from tests.package_factory import write_package, write_worksheet
from tests.querycount import queries_for

PAGE = "/modules/calf/worksheet"
QUEUE = "/teach/worksheets"
ANSWERS = {"q-reflect": "Refer the patient for a scan first.", "q-point": "BL57"}


@pytest.fixture
def app(make_app, tmp_path):
    for module_id in ("calf", "shin"):
        write_worksheet(write_package(tmp_path, module_id, worksheet="quizzes/worksheet.yaml"))
    write_package(tmp_path, "plain")
    return make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"), COURSEKIT_PUBLISH_ON_START=True
    )


def signed_in(app, email: str, *roles: Role):
    client = app.test_client()
    make_user(app, email, *roles)
    login(client, email)
    return client


def enrolled(app, email: str = "ada@example.org", module_id: str = "calf"):
    client = signed_in(app, email)
    submit(client, f"/modules/{module_id}", {"accept": "y"}, f"/modules/{module_id}/enrol")
    return client


def assign(app, email: str, module_id: str = "calf"):
    return app.test_cli_runner().invoke(args=["coursekit", "users", "assign", email, module_id])


def instructor(app, email: str = "teacher@example.org", module_id: str | None = "calf"):
    client = signed_in(app, email, Role.INSTRUCTOR)
    if module_id:
        assert assign(app, email, module_id).exit_code == 0
    return client


def submissions(app) -> list[dict]:
    with app.app_context():
        rows = db.session.scalars(select(WorksheetSubmission).order_by(WorksheetSubmission.id))
        return [row.answers for row in rows]


def submission_ids(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(WorksheetSubmission.id).order_by("id")))


def review_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(WorksheetReview))


def refusal(app) -> str:
    """What post_test_status says to the only enrolment in calf."""
    with app.app_context():
        enrolment = db.session.scalars(select(Enrolment)).one()
        return post_test_status(enrolment, now=utcnow()).refusal


def review(client, submission_id: int, comment: str = ""):
    page = f"{QUEUE}/{submission_id}"
    return submit(client, page, {"comment": comment}, f"{page}/review")


def test_a_learner_submits_the_worksheet(app):
    learner = enrolled(app)
    page = learner.get(PAGE)
    assert page.status_code == 200
    assert "Not submitted yet" in page.text
    assert "A runner has a warm, swollen calf." in page.text
    assert 'name="q-reflect"' in page.text and 'name="q-point"' in page.text
    assert "Question 2" in page.text and "Question 3" not in page.text  # descriptions unnumbered
    assert "Look for" not in page.text  # the guidance is for reviewers only

    response = submit(learner, PAGE, ANSWERS)
    assert response.status_code == 302 and response.location == PAGE
    assert submissions(app) == [{"reflect": ANSWERS["q-reflect"], "point": "BL57"}]
    again = learner.get(PAGE).text
    assert "Awaiting review" in again
    assert "Refer the patient for a scan first.</textarea>" in again
    assert 'value="BL57"' in again


def test_every_question_must_be_answered_and_limits_hold(app):
    learner = enrolled(app)
    missing = submit(learner, PAGE, {"q-reflect": ANSWERS["q-reflect"], "q-point": "  "})
    assert missing.status_code == 422
    assert "Answer this question." in missing.text
    assert "Refer the patient for a scan first.</textarea>" in missing.text  # kept

    short = submit(learner, PAGE, {"q-reflect": "Refer.", "q-point": "BL57"})
    assert short.status_code == 422
    assert "write at least 3 words (you wrote 1)" in short.text
    assert "Refer.</textarea>" in short.text
    assert submissions(app) == []


def test_revisions_append_and_a_double_submit_stores_one(app):
    learner = enrolled(app)
    submit(learner, PAGE, ANSWERS)
    submit(learner, PAGE, ANSWERS)
    assert len(submissions(app)) == 1
    submit(learner, PAGE, {**ANSWERS, "q-point": "BL56"})
    assert [answers["point"] for answers in submissions(app)] == ["BL57", "BL56"]
    assert 'value="BL56"' in learner.get(PAGE).text


def test_only_enrolled_learners_reach_a_worksheet_that_exists(app):
    stranger = signed_in(app, "stranger@example.org")
    response = stranger.get(PAGE)
    assert response.status_code == 302 and response.location == "/modules/calf"
    assert stranger.post(PAGE, data={}).status_code == 400  # no CSRF token
    plain = enrolled(app, "plain@example.org", "plain")
    assert plain.get("/modules/plain/worksheet").status_code == 404
    assert plain.get("/modules/nope/worksheet").status_code == 404


def test_submitting_needs_csrf(app):
    learner = enrolled(app)
    assert learner.post(PAGE, data=ANSWERS).status_code == 400
    assert submissions(app) == []


def test_an_assigned_instructor_reviews_and_the_post_test_opens(app):
    learner = enrolled(app)
    assert "worksheet" in refusal(app)
    submit(learner, PAGE, ANSWERS)
    assert "reviewed your worksheet" in refusal(app)
    (submission_id,) = submission_ids(app)

    teacher = instructor(app)
    queue = teacher.get(QUEUE)
    assert queue.status_code == 200
    assert "Test Ada" in queue.text and "Module calf" in queue.text and "1.0.0" in queue.text
    assert f'href="{QUEUE}/{submission_id}"' in queue.text

    page = teacher.get(f"{QUEUE}/{submission_id}")
    assert page.status_code == 200
    assert "Refer the patient for a scan first." in page.text
    assert "Guidance for the reviewer" in page.text and "<strong>referral</strong>" in page.text
    assert "disabled" in page.text

    done = review(teacher, submission_id, "Good: referral first.\nWell argued.")
    assert done.status_code == 302 and done.location == QUEUE
    assert "No worksheets are waiting" in teacher.get(QUEUE).text
    assert refusal(app) == ""

    mine = learner.get(PAGE).text
    assert "Reviewed" in mine and "Test Teacher" in mine
    assert "Good: referral first.<br>Well argued." in mine
    assert 'action="/modules/calf/worksheet"' not in mine  # closed: no form


def test_reviewing_twice_keeps_one_review(app):
    learner = enrolled(app)
    submit(learner, PAGE, ANSWERS)
    (submission_id,) = submission_ids(app)
    teacher = instructor(app)
    review(teacher, submission_id, "first")
    second = review(teacher, submission_id, "second")
    assert second.status_code == 302
    assert "already reviewed by Test Teacher" in teacher.get(QUEUE).text
    assert review_count(app) == 1
    with app.app_context():
        assert db.session.scalars(select(WorksheetReview.comment)).one() == "first"
        # One review, one entry in the audit log: the second press changed nothing.
        (entry,) = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "worksheet.reviewed")
        )
        assert entry.subject == f"worksheet-submission:{submission_id}"
        assert entry.details["module_id"] == "calf"


def test_an_outdated_revision_cannot_be_reviewed(app):
    learner = enrolled(app)
    submit(learner, PAGE, ANSWERS)
    teacher = instructor(app)
    first = submission_ids(app)[0]
    page = f"{QUEUE}/{first}"
    token_page = teacher.get(page)
    assert "Mark reviewed" in token_page.text
    submit(learner, PAGE, {**ANSWERS, "q-point": "BL56"})
    latest = submission_ids(app)[1]

    refused = review(teacher, first)
    assert refused.status_code == 409
    assert "newer revision" in refused.text
    assert f'href="{QUEUE}/{latest}"' in refused.text
    assert review_count(app) == 0
    queue = teacher.get(QUEUE).text
    assert f"{QUEUE}/{latest}" in queue and f'{QUEUE}/{first}"' not in queue


def test_a_reviewed_worksheet_is_closed(app):
    learner = enrolled(app)
    submit(learner, PAGE, ANSWERS)
    review(instructor(app), submission_ids(app)[0])
    response = submit(learner, PAGE, {**ANSWERS, "q-point": "BL56"})
    assert response.status_code == 409
    assert "can no longer be changed" in response.text
    assert len(submissions(app)) == 1


def test_reviewers_need_the_role_and_the_assignment(app):
    learner = enrolled(app)
    submit(learner, PAGE, ANSWERS)
    (submission_id,) = submission_ids(app)
    page = f"{QUEUE}/{submission_id}"

    other_learner = enrolled(app, "bob@example.org")
    assert other_learner.get(QUEUE).status_code == 403
    assert other_learner.get(page).status_code == 403
    assert learner.get(page).status_code == 403

    elsewhere = instructor(app, "shin@example.org", "shin")
    assert "No worksheets are waiting" in elsewhere.get(QUEUE).text
    refused = elsewhere.get(page)
    assert refused.status_code == 403 and "not assigned" in refused.text
    calf_instructor = instructor(app, module_id="calf")
    assert review(calf_instructor, 999_999).status_code == 404
    assert calf_instructor.get(f"{QUEUE}/{10**30}").status_code == 404

    unassigned = instructor(app, "new@example.org", None)
    assert "not assigned to any module" in unassigned.get(QUEUE).text

    admin = signed_in(app, "admin@example.org", Role.ADMIN)
    assert "Test Ada" in admin.get(QUEUE).text
    assert review(admin, submission_id).status_code == 302
    assert review_count(app) == 1


def test_no_one_reviews_their_own_worksheet(app):
    teacher = instructor(app)
    submit(teacher, "/modules/calf", {"accept": "y"}, "/modules/calf/enrol")
    submit(teacher, PAGE, ANSWERS)
    (submission_id,) = submission_ids(app)
    assert f"{QUEUE}/{submission_id}" not in teacher.get(QUEUE).text
    assert teacher.get(f"{QUEUE}/{submission_id}").status_code == 403
    assert review_count(app) == 0


def test_the_review_comment_is_limited(app):
    learner = enrolled(app)
    submit(learner, PAGE, ANSWERS)
    teacher = instructor(app)
    response = review(teacher, submission_ids(app)[0], "x" * 5001)
    assert response.status_code == 422
    assert "Keep it to 5000 characters." in response.text
    assert review_count(app) == 0


def test_cli_assign_and_unassign(app):
    runner = app.test_cli_runner()
    make_user(app, "plainlearner@example.org")
    refused = assign(app, "plainlearner@example.org")
    assert refused.exit_code == 1 and "not an instructor" in refused.output
    make_user(app, "t@example.org", Role.INSTRUCTOR)
    unknown = assign(app, "t@example.org", "nope")
    assert unknown.exit_code == 1 and "No module with the id 'nope'" in unknown.output
    assert assign(app, "nobody@example.org").exit_code == 1

    assert assign(app, "t@example.org").exit_code == 0
    again = assign(app, "t@example.org")
    assert again.exit_code == 0 and "already" in again.output
    with app.app_context():
        assert db.session.scalars(select(ModuleAssignment.module_id)).all() == ["calf"]

    args = ["coursekit", "users", "unassign", "t@example.org", "calf"]
    assert "no longer assigned" in runner.invoke(args=args).output
    assert "nothing changed" in runner.invoke(args=args).output
    with app.app_context():
        assert db.session.scalars(select(ModuleAssignment)).all() == []


def test_the_nav_links_the_queue_for_staff_only(app):
    assert f'href="{QUEUE}"' in instructor(app).get("/modules").text
    assert f'href="{QUEUE}"' not in enrolled(app).get("/modules").text


def _queue_with(make_app, root, learners: int, who: str):
    write_worksheet(write_package(root, "calf", worksheet="quizzes/worksheet.yaml"))
    app = make_app(COURSEKIT_MODULES_PATH=str(root / "modules"), COURSEKIT_PUBLISH_ON_START=True)
    for number in range(learners):
        learner = enrolled(app, f"{who}{number}@example.org")
        submit(learner, PAGE, ANSWERS)
        submit(learner, PAGE, {**ANSWERS, "q-point": "BL56"})  # a superseded revision
    teacher = instructor(app, f"{who}-teacher@example.org")
    teacher.get(QUEUE)  # warm this process's caches
    return app, teacher


def test_the_queue_costs_the_same_whatever_the_number_of_submissions(make_app, tmp_path):
    small_app, small = _queue_with(make_app, tmp_path / "small", 1, "small")
    few = queries_for(small_app, small, QUEUE)
    big_app, big = _queue_with(make_app, tmp_path / "big", 6, "big")
    many = queries_for(big_app, big, QUEUE)
    # Both apps share the test database: the big queue lists the small one's learner too.
    assert len(re.findall(r"Review<span", big.get(QUEUE).text)) == 7
    # Signed in: user and roles (2), then the queue itself (1).
    assert len(many) == len(few) <= 3, many
