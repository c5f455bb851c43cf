"""Post-test attempts end to end: start, save, leave, resume, submit, review; and the
rules that keep them honest (one open attempt, one grade, server-side time limit)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import yaml
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from coursekit import db
from coursekit.assessment.attempts.models import Attempt, AttemptAnswer, AttemptGrade
from coursekit.assessment.attempts.operations import close_attempt, start_post_test
from coursekit.audit.models import AuditEntry
from coursekit.catalog.models import Enrolment
from tests.attempt_pages import answer, start, submit_attempt
from tests.helpers import csrf_token, login, make_user, submit
from tests.package_factory import questions, write_package

OVERVIEW = "/modules/calf/post-test"


def post_test(critical: bool = False) -> dict:
    """Ten single-choice questions whose correct option is "Yes" (q1 critical if asked)."""
    items = questions(10)
    items[0]["critical"] = critical
    return {"title": "Post-test", "questions": items}


@pytest.fixture
def package_root(tmp_path):
    folder = write_package(
        tmp_path,
        "calf",
        assessment={
            "quiz": "quizzes/post-test.yaml",
            "pass_mark": 80,
            "attempts": 2,
            "review": "after-pass",
        },
    )
    (folder / "quizzes" / "post-test.yaml").write_text(yaml.safe_dump(post_test(critical=True)))
    return tmp_path


@pytest.fixture
def app(make_app, package_root):
    return make_app(
        COURSEKIT_MODULES_PATH=str(package_root / "modules"), COURSEKIT_PUBLISH_ON_START=True
    )


@pytest.fixture
def learner(app, client):
    make_user(app, "learner@example.org")
    login(client, "learner@example.org")
    submit(client, "/modules/calf", {"accept": "y"}, "/modules/calf/enrol")
    return client


def critical_number(app, attempt_id: int) -> int:
    """The number on the page of the critical question q1 in this attempt."""
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        return 1 + next(i for i, q in enumerate(attempt.questions) if q["id"] == "q1")


def rows(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_take_leave_resume_and_submit_a_post_test(app, learner):
    overview = learner.get(OVERVIEW).text
    assert "10 questions" in overview and "80 %" in overview and "2 attempts" in overview
    attempt_id, location = start(learner)
    assert location.endswith(f"/attempts/{attempt_id}/1")
    for number in range(1, 6):
        assert answer(learner, attempt_id, number, "Yes").status_code == 303
    # The learner leaves; starting again resumes the same attempt at the first gap.
    again, location = start(learner)
    assert again == attempt_id and location.endswith("/6")
    wrong = 10 if critical_number(app, attempt_id) != 10 else 9
    for number in range(6, 11):
        answer(learner, attempt_id, number, "No" if number == wrong else "Yes")
    summary = learner.get(f"/attempts/{attempt_id}").text
    assert summary.count(">Change answer<") == 10 and "Not answered" not in summary
    assert submit_attempt(learner, attempt_id).status_code == 303
    page = learner.get(f"/attempts/{attempt_id}").text
    assert "90 %" in page and "Attempt 1: passed" in page
    # after-pass: answers and explanations are now shown
    assert "correct answer" in page
    assert rows(app, AttemptGrade) == 1


def test_a_missed_critical_question_fails_whatever_the_score(app, learner):
    attempt_id, _ = start(learner)
    critical = critical_number(app, attempt_id)
    for number in range(1, 11):
        answer(learner, attempt_id, number, "No" if number == critical else "Yes")
    submit_attempt(learner, attempt_id)
    page = learner.get(f"/attempts/{attempt_id}").text
    assert "90 %" in page and "Attempt 1: not passed" in page and "safety-critical" in page
    # after-pass policy: not passed, one attempt left, so no key yet
    assert "correct answer" not in page


def test_bad_answers_get_a_clear_status_and_change_nothing(app, learner, client):
    attempt_id, _ = start(learner)
    token = csrf_token(learner, f"/attempts/{attempt_id}/1")
    wrong_kind = learner.post(
        f"/attempts/{attempt_id}/1", data={"csrf_token": token, "answer": "seven"}
    )
    assert wrong_kind.status_code == 422 and "choose one of the options" in wrong_kind.text
    out_of_range = learner.post(
        f"/attempts/{attempt_id}/1",
        json={"response": 5},
        headers={"X-CSRFToken": token},
    )
    assert out_of_range.status_code == 422
    assert out_of_range.json["error"]["message"] == "choose one of the options"
    not_in_attempt = learner.post(
        f"/attempts/{attempt_id}/11", data={"csrf_token": token, "answer": "0"}
    )
    assert not_in_attempt.status_code == 404
    malformed = learner.post(
        f"/attempts/{attempt_id}/1", json=["no"], headers={"X-CSRFToken": token}
    )
    assert malformed.status_code == 400
    assert rows(app, AttemptAnswer) == 0
    # Another learner cannot see or answer this attempt, nor learn that it exists.
    make_user(app, "other@example.org")
    other = app.test_client()
    login(other, "other@example.org")
    assert other.get(f"/attempts/{attempt_id}/1").status_code == 404
    assert other.get(f"/attempts/{attempt_id}").status_code == 404
    assert other.get("/attempts/999999").status_code == 404
    assert rows(app, AttemptAnswer) == 0


def test_answers_after_closing_or_after_the_time_limit_do_not_count(app, learner):
    attempt_id, _ = start(learner)
    answer(learner, attempt_id, 1, "Yes")
    token = csrf_token(learner, f"/attempts/{attempt_id}/2")
    with app.app_context():
        saved = db.session.scalar(select(func.max(AttemptAnswer.saved_at)))
        db.session.execute(
            update(Attempt)
            .where(Attempt.id == attempt_id)
            .values(deadline=saved + timedelta(microseconds=1))
        )
        db.session.commit()
    late = learner.post(
        f"/attempts/{attempt_id}/2", json={"response": 0}, headers={"X-CSRFToken": token}
    )
    assert late.status_code == 409 and "Time is up" in late.json["error"]["message"]
    # Opening the attempt closes it, graded with what was saved in time.
    assert learner.get(f"/attempts/{attempt_id}/2").status_code == 302
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        grade = db.session.scalars(select(AttemptGrade)).one()
        assert attempt.close_reason == "time-limit"
        assert sum(result["answered"] for result in grade.results) == 1
    closed = learner.post(
        f"/attempts/{attempt_id}/3", json={"response": 0}, headers={"X-CSRFToken": token}
    )
    assert closed.status_code == 409
    assert rows(app, AttemptAnswer) == 1


def test_attempts_run_out(app, learner):
    for _ in range(2):
        attempt_id, _ = start(learner)
        submit_attempt(learner, attempt_id)
    response = submit(learner, OVERVIEW, {}, f"{OVERVIEW}/start")
    assert response.status_code == 409 and "used all 2 attempts" in response.text
    assert rows(app, Attempt) == 2


def test_the_database_allows_one_open_attempt_and_grades_once(app, learner):
    attempt_id, _ = start(learner)
    with app.app_context():
        enrolment = db.session.scalars(select(Enrolment)).one()
        duplicate = Attempt(enrolment_id=enrolment.id, quiz="post-test", number=9, questions=[])
        db.session.add(duplicate)
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()

    barrier = threading.Barrier(2)
    grades: list[int] = []
    errors: list[BaseException] = []

    def submit_in_thread() -> None:
        try:
            barrier.wait(timeout=30)
            with app.app_context():
                attempt = db.session.get(Attempt, attempt_id)
                grades.append(close_attempt(attempt).id)
                db.session.commit()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=submit_in_thread) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert rows(app, AttemptGrade) == 1
    assert len(set(grades)) == 1


def test_concurrent_starts_make_one_attempt(app, learner):
    with app.app_context():
        enrolment_id = db.session.scalars(select(Enrolment.id)).one()
    barrier = threading.Barrier(2)
    started: list[int] = []

    def start_in_thread() -> None:
        barrier.wait(timeout=30)
        with app.app_context():
            enrolment = db.session.get(Enrolment, enrolment_id)
            started.append(start_post_test(enrolment).id)
            db.session.commit()

    threads = [threading.Thread(target=start_in_thread) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(started) == 2 and len(set(started)) == 1
    assert rows(app, Attempt) == 1


def test_a_regrade_with_a_corrected_key_adds_a_revision_and_keeps_the_first(
    app, learner, package_root
):
    attempt_id, _ = start(learner)
    critical = critical_number(app, attempt_id)
    # q2 is answered "No"; version 1.0.1 corrects q2's key so that "No" is right.
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        q2 = 1 + next(i for i, q in enumerate(attempt.questions) if q["id"] == "q2")
    assert q2 != critical
    for number in range(1, 11):
        answer(learner, attempt_id, number, "No" if number == q2 else "Yes")
    submit_attempt(learner, attempt_id)

    folder = package_root / "modules" / "calf"
    manifest = yaml.safe_load((folder / "module.yaml").read_text())
    manifest["version"] = "1.0.1"
    (folder / "module.yaml").write_text(yaml.safe_dump(manifest))
    corrected = post_test(critical=True)
    corrected["questions"][1]["options"] = [{"text": "Yes"}, {"text": "No", "correct": True}]
    (folder / "quizzes" / "post-test.yaml").write_text(yaml.safe_dump(corrected))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["coursekit", "modules", "reload"]).exit_code == 0
    args = ["coursekit", "attempts", "regrade", "calf", "--version", "1.0.0"]
    args += ["--key-version", "1.0.1", "--reason", "q2 key corrected"]
    dry = runner.invoke(args=args)
    assert dry.exit_code == 0 and "90 % pass -> 100 % pass" in dry.output
    assert rows(app, AttemptGrade) == 1
    result = runner.invoke(args=[*args, "--yes"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        grades = db.session.scalars(select(AttemptGrade).order_by(AttemptGrade.revision)).all()
        assert [(g.revision, g.percent, g.reason) for g in grades] == [
            (1, 90.0, "submitted"),
            (2, 100.0, "q2 key corrected"),
        ]
        regrades = select(AuditEntry).where(AuditEntry.action == "attempts.regraded")
        (entry,) = db.session.scalars(regrades).all()  # the dry run left none
        assert (entry.action, entry.reason) == ("attempts.regraded", "q2 key corrected")
        assert entry.details["attempts"] == 1 and entry.details["changed"] == 1
    assert "100 %" in learner.get(f"/attempts/{attempt_id}").text
    unknown = runner.invoke(args=[*args[:5], "9.9.9", *args[6:]])
    assert unknown.exit_code == 1 and "no published version 9.9.9" in unknown.output


def test_an_answer_can_be_withdrawn_and_huge_ids_are_not_found(app, learner):
    attempt_id, _ = start(learner)
    answer(learner, attempt_id, 1, "Yes")
    page = f"/attempts/{attempt_id}/1"
    assert learner.get(page, headers={"Accept": "application/json"}).json["response"] is not None
    token = csrf_token(learner, page)
    cleared = learner.post(page, data={"csrf_token": token}, headers={"Accept": "application/json"})
    assert cleared.status_code == 200 and cleared.json["saved_at"]
    assert learner.get(page, headers={"Accept": "application/json"}).json["response"] is None
    assert "not answered" in learner.get(f"/attempts/{attempt_id}").text
    # An unanswered question posted blank stores nothing.
    assert rows(app, AttemptAnswer) == 2
    learner.post(f"/attempts/{attempt_id}/2", data={"csrf_token": token})
    assert rows(app, AttemptAnswer) == 2
    huge = 10**30
    assert learner.get(f"/attempts/{huge}/1").status_code == 404
    assert learner.get(f"/attempts/{huge}").status_code == 404
    assert learner.post(f"/attempts/{huge}/submit", data={"csrf_token": token}).status_code == 404
