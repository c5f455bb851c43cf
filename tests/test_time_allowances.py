"""Extra time on a post-test (WCAG 2.2.1 Timing Adjustable): an administrator grants a
learner extra minutes; new attempts get them and an attempt under way is extended, never
a closed one; refusals change nothing; every grant is audited. And the timer's markup:
server-rendered time left, a polite live region, the deadline in the JSON answers."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from coursekit import db
from coursekit.accounts.models import Role
from coursekit.assessment.attempts.models import Attempt
from coursekit.assessment.attempts.operations import close_attempt, save_answer
from coursekit.assessment.timing.models import TimeAllowance
from coursekit.audit.models import AuditEntry
from tests.attempt_pages import overview, start, submit_attempt
from tests.helpers import csrf_token, login, make_user, submit
from tests.package_factory import write_package

LIMIT = {"quiz": "quizzes/post-test.yaml", "pass_mark": 80, "attempts": 3}


@pytest.fixture
def app(make_app, tmp_path):
    write_package(tmp_path, "calf", assessment={**LIMIT, "time_limit_minutes": 30})
    write_package(tmp_path, "heel", assessment=LIMIT)  # no time limit
    return make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"),
        COURSEKIT_PUBLISH_ON_START=True,
        COURSEKIT_PROVIDER={"contact": "access@example.org"},
    )


@pytest.fixture
def learner(app, client):
    client.user_id = make_user(app, "learner@example.org")
    login(client, "learner@example.org")
    for module in ("calf", "heel"):
        submit(client, f"/modules/{module}", {"accept": "y"}, f"/modules/{module}/enrol")
    return client


@pytest.fixture
def admin(app):
    client = app.test_client()
    client.user_id = make_user(app, "admin@example.org", Role.ADMIN)
    login(client, "admin@example.org")
    return client


def grant(admin, user_id: int, minutes, reason="Accommodation: dyslexia", module="calf"):
    page = f"/admin/users/{user_id}"
    data = {"minutes": minutes, "reason": reason}
    return submit(admin, page, data, f"{page}/extra-time/{module}")


def attempt_row(app, attempt_id: int) -> Attempt:
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        db.session.expunge(attempt)
        return attempt


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def age(app, attempt_id: int, minutes: int) -> None:
    """Move the attempt ``minutes`` into the past: started and deadline both earlier."""
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        db.session.execute(
            update(Attempt)
            .where(Attempt.id == attempt_id)
            .values(
                started_at=attempt.started_at - timedelta(minutes=minutes),
                deadline=attempt.deadline - timedelta(minutes=minutes),
            )
        )
        db.session.commit()


def test_an_extension_moves_the_open_attempt_and_answers_in_the_extra_time_count(
    app, learner, admin
):
    attempt_id, _ = start(learner)
    age(app, attempt_id, 29)  # one minute left
    before = attempt_row(app, attempt_id)
    assert grant(admin, learner.user_id, "15").status_code == 302
    after = attempt_row(app, attempt_id)
    assert after.deadline == before.started_at + timedelta(minutes=45)
    # The page learns it: the JSON question view and the autosave answer carry it.
    shown = learner.get(f"/attempts/{attempt_id}/1", headers={"Accept": "application/json"})
    assert shown.json["deadline"] == after.deadline.isoformat()
    token = csrf_token(learner, f"/attempts/{attempt_id}/1")
    saved = learner.post(
        f"/attempts/{attempt_id}/1", json={"response": 0}, headers={"X-CSRFToken": token}
    )
    assert saved.status_code == 200 and saved.json["deadline"] == after.deadline.isoformat()
    # An answer saved after the old deadline, within the extra time, is graded.
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        late = before.deadline + timedelta(minutes=10)
        for position in range(10):
            save_answer(attempt, position, 0, now=late)
        grade = close_attempt(attempt, now=late)
        db.session.commit()
        assert sum(result["answered"] for result in grade.results) == 10


def test_new_attempts_get_the_extra_time_and_the_learner_is_told(app, learner, admin):
    page = learner.get(overview()).text
    assert "Your time limit: <strong>30 minutes</strong> for each attempt" in page
    assert "can be arranged before you start" in page and "contact access@example.org" in page
    assert grant(admin, learner.user_id, "15").status_code == 302
    page = learner.get(overview()).text
    assert "<strong>45 minutes</strong> (30 + 15 arranged for you)" in page
    attempt_id, _ = start(learner)
    attempt = attempt_row(app, attempt_id)
    assert attempt.deadline - attempt.started_at == timedelta(minutes=45)
    # A later grant of 0 withdraws it from the next attempt, not from this one.
    assert grant(admin, learner.user_id, "0", reason="Ended").status_code == 302
    assert attempt_row(app, attempt_id).deadline == attempt.deadline
    submit_attempt(learner, attempt_id)
    second, _ = start(learner)
    row = attempt_row(app, second)
    assert row.deadline - row.started_at == timedelta(minutes=30)
    assert count(app, TimeAllowance) == 2  # nothing deleted: the newest is in force


def test_closed_and_run_out_attempts_are_not_reopened(app, learner, admin):
    first, _ = start(learner)
    submit_attempt(learner, first)
    closed = attempt_row(app, first)
    second, _ = start(learner)
    age(app, second, 31)  # time ran out, nobody has opened a page since
    expired = attempt_row(app, second)
    assert grant(admin, learner.user_id, "20").status_code == 302
    assert attempt_row(app, first).deadline == closed.deadline
    assert attempt_row(app, second).deadline == expired.deadline
    assert learner.get(f"/attempts/{second}/1").status_code == 302  # closed as timed out
    assert attempt_row(app, second).close_reason == "time-limit"
    with app.app_context():
        [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action.like("time%")))
        assert "attempt" not in entry.details


def test_a_grant_is_audited_with_the_deadline_it_moved(app, learner, admin):
    attempt_id, _ = start(learner)
    before = attempt_row(app, attempt_id).deadline
    assert grant(admin, learner.user_id, "15", reason="  Dyslexia  ").status_code == 302
    with app.app_context():
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "time_allowance.granted")
        ).one()
        allowance = db.session.scalars(select(TimeAllowance)).one()
    assert (entry.subject, entry.actor_id, entry.reason) == (
        f"user:{learner.user_id}",
        admin.user_id,
        "Dyslexia",
    )
    assert entry.details == {
        "module": "calf",
        "before": 0,
        "after": 15,
        "attempt": attempt_id,
        "deadline_before": before.isoformat(),
        "deadline_after": (before + timedelta(minutes=15)).isoformat(),
    }
    assert (allowance.extra_minutes, allowance.granted_by_id, allowance.reason) == (
        15,
        admin.user_id,
        "Dyslexia",
    )
    page = admin.get(f"/admin/users/{learner.user_id}").text
    assert "Time limit 30 minutes + <strong>15 extra</strong> = 45 minutes" in page
    assert "time_allowance.granted" in page and 'id="time-calf-minutes"' in page


@pytest.mark.parametrize(
    ("minutes", "reason", "module", "status", "message"),
    [
        ("-1", "x", "calf", 422, "from 0 to 600"),
        ("601", "x", "calf", 422, "from 0 to 600"),
        ("ten", "x", "calf", 422, "whole number"),
        ("10", "   ", "calf", 422, "Give the reason"),
        ("10", "x", "heel", 422, "has no time limit"),
        ("10", "x", "no-such-module", 422, "is not enrolled"),
        ("0", "x", "calf", 409, "already in force"),
    ],
)
def test_refusals_show_the_page_again_and_change_nothing(
    app, learner, admin, minutes, reason, module, status, message
):
    attempt_id, _ = start(learner)
    before = attempt_row(app, attempt_id).deadline
    refused = grant(admin, learner.user_id, minutes, reason=reason, module=module)
    assert refused.status_code == status
    assert message in refused.text and "Extra time on post-tests" in refused.text
    assert count(app, TimeAllowance) == 0
    with app.app_context():
        granted = select(func.count()).where(AuditEntry.action == "time_allowance.granted")
        assert db.session.scalar(granted) == 0
    assert attempt_row(app, attempt_id).deadline == before


def test_only_administrators_grant_extra_time(app, learner, admin):
    make_user(app, "teach@example.org", Role.INSTRUCTOR)
    teacher = app.test_client()
    login(teacher, "teach@example.org")
    url = f"/admin/users/{learner.user_id}/extra-time/calf"
    for client in (learner, teacher):
        token = csrf_token(client, "/account")
        data = {"csrf_token": token, "minutes": "15", "reason": "x"}
        assert client.post(url, data=data).status_code == 403
        assert client.get(f"/admin/users/{learner.user_id}").status_code == 403
    anonymous = app.test_client()
    assert "/login" in anonymous.post(url, data={"minutes": "15"}).headers.get("Location", "")
    assert admin.post(url, data={"minutes": "15", "reason": "x"}).status_code == 400  # no CSRF
    assert count(app, TimeAllowance) == 0


def test_the_timer_speaks_politely_and_reads_without_script(app, learner):
    attempt_id, location = start(learner)
    for page in (learner.get(location).text, learner.get(f"/attempts/{attempt_id}").text):
        timer = re.search(r'<p class="timer" role="timer" aria-live="off">(.*?)</p>', page)
        text = re.sub(r"<[^>]+>", "", timer.group(1))
        assert re.fullmatch(r"Time left: (29|30) minutes \(ends \d\d:\d\d UTC\)", text), text
        assert '<p class="timer-status" role="status" aria-live="polite"' in page
        assert page.count("coursekit/attempt.js") == 1
        assert f'data-deadline-source="/attempts/{attempt_id}/' in page


def test_the_command_line_grants_extra_time(app, learner):
    runner = app.test_cli_runner()
    args = ["coursekit", "attempts", "extend", "learner@example.org", "calf"]
    done = runner.invoke(args=[*args, "--minutes", "20", "--reason", "Accommodation"])
    assert done.exit_code == 0 and "20 extra minutes" in done.output
    refused = runner.invoke(args=[*args, "--minutes", "900", "--reason", "x"])
    assert refused.exit_code == 1 and "from 0 to 600" in refused.output
    nobody = runner.invoke(args=["coursekit", "attempts", "extend", "x@example.org", "calf"])
    assert nobody.exit_code != 0
    with app.app_context():
        allowance = db.session.scalars(select(TimeAllowance)).one()
        assert (allowance.extra_minutes, allowance.granted_by_id) == (20, None)
