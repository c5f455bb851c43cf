"""Checking answers before the final submission (WCAG 3.3.4): the check page shows the
learner's own answers read-only and nothing of the key or of unanswered questions, and
only its confirmed form submits; the time limit still closes an attempt on its own."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import yaml
from sqlalchemy import func, select, update

from coursekit import db
from coursekit.assessment.attempts.models import Attempt, AttemptGrade
from coursekit.db import utcnow
from tests.attempt_pages import answer, start, submit_attempt
from tests.helpers import csrf_token, login, make_user, submit
from tests.package_factory import questions, write_package
from tests.test_answer_leaks import ALL_TYPES, SECRETS

# Displayed-position answers for some of ALL_TYPES (unshuffled: number = place in the
# quiz); matching (6), ordering (7) and two of the fillers (12, 13) stay unanswered.
ANSWERS = {
    1: "1",
    2: ["0"],
    3: False,
    4: "popliteal",
    5: "12",
    8: {"candidate": "1"},
    9: "I ask about anticoagulants first.",
    11: "0",
}
UNANSWERED = {6: "Match the muscle with its referral.", 7: "Superficial to deep."}


def learner_on(make_app, root, quiz: list[dict], **assessment: object):
    """A signed-in, enrolled learner's client on a module whose post-test is ``quiz``."""
    folder = write_package(
        root,
        "calf",
        assessment={"quiz": "quizzes/post-test.yaml", "pass_mark": 80, **assessment},
    )
    body = {"title": "Post-test", "questions": quiz}
    (folder / "quizzes" / "post-test.yaml").write_text(yaml.safe_dump(body, sort_keys=False))
    app = make_app(COURSEKIT_MODULES_PATH=str(root / "modules"), COURSEKIT_PUBLISH_ON_START=True)
    client = app.test_client()
    make_user(app, "learner@example.org")
    login(client, "learner@example.org")
    submit(client, "/modules/calf", {"accept": "y"}, "/modules/calf/enrol")
    return app, client


def state(app, attempt_id: int) -> tuple[str | None, int]:
    """The attempt's close reason (None while open) and how many grades it has."""
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        grades = db.session.scalar(
            select(func.count()).where(AttemptGrade.attempt_id == attempt_id)
        )
        return attempt.close_reason, grades


def test_the_check_page_shows_own_answers_read_only_and_nothing_else(make_app, tmp_path):
    quiz = ALL_TYPES + questions(3, prefix="filler")
    _app, learner = learner_on(
        make_app, tmp_path, quiz, shuffle_questions=False, review="after-submit"
    )
    attempt_id, _ = start(learner)
    base = f"/attempts/{attempt_id}"
    token = csrf_token(learner, f"{base}/1")
    for number, response in ANSWERS.items():
        saved = learner.post(
            f"{base}/{number}", json={"response": response}, headers={"X-CSRFToken": token}
        )
        assert saved.status_code == 200, (number, saved.text)

    page = learner.get(base).text
    assert "<h1>Check your answers before you submit</h1>" in page
    assert "4 questions not answered yet" in page
    assert "Submit final answers — you cannot change them afterwards" in page
    # Own answers, read-only: every control outside the submit form is disabled.
    for number in ANSWERS:
        text = ALL_TYPES[number - 1]["text"] if number <= len(ALL_TYPES) else "Question 1?"
        assert text in page, number
    assert re.search(r'name="check-0" value="1"\s+checked\s+disabled', page)
    assert re.search(r'name="check-3" value="popliteal"[^>]*disabled', page)
    assert "I ask about anticoagulants first.</textarea>" in page
    controls = re.findall(r"<(?:input|select|textarea)\b[^>]*>", page)
    assert all("disabled" in tag for tag in controls if 'type="hidden"' not in tag)
    # No key, feedback or explanation; nothing of unanswered or unread items.
    for secret in SECRETS:
        assert secret not in page, secret
    for text in [*UNANSWERED.values(), "Question 2?", "Question 3?", "Alpha-layer"]:
        assert text not in page, text
    assert ALL_TYPES[9]["text"] not in page  # the description, never opened
    assert "Not answered" in page
    # A "Change answer" link per answered question, to that question's page.
    changes = re.findall(
        rf'href="{base}/(\d+)">Change answer<span class="visually-hidden"> to question (\d+)<',
        page,
    )
    assert sorted(int(link) for link, _ in changes) == sorted(ANSWERS)
    assert all(link == number for link, number in changes)
    to_answer = re.findall(rf'href="{base}/(\d+)">Answer question (\d+)<', page)
    assert sorted(int(link) for link, _ in to_answer) == [6, 7, 12, 13]
    assert ALL_TYPES[3]["text"] in learner.get(f"{base}/4").text


def test_only_the_confirmed_submission_closes_the_attempt(make_app, tmp_path):
    app, learner = learner_on(make_app, tmp_path, questions(10))
    attempt_id, _ = start(learner)
    for number in range(1, 11):
        answer(learner, attempt_id, number, "Yes")
    page = f"/attempts/{attempt_id}"
    token = csrf_token(learner, page)
    # A form from an older page, or a forged confirmation: back to checking, 303.
    for data in ({"csrf_token": token}, {"csrf_token": token, "confirm": "yes"}):
        refused = learner.post(f"{page}/submit", data=data)
        assert refused.status_code == 303 and refused.location.endswith(page)
    shown = learner.get(page).text
    assert "Check your answers, then submit them from this page." in shown
    assert "<h1>Check your answers before you submit</h1>" in shown
    # JSON clients confirm with {"confirm": true}; anything else is a 400.
    as_json = {"X-CSRFToken": token, "Accept": "application/json"}
    for body in ({}, {"confirm": False}, {"confirm": "true"}, ["confirm"]):
        refused = learner.post(f"{page}/submit", json=body, headers=as_json)
        assert refused.status_code == 400 and '"confirm": true' in refused.json["error"]["message"]
    form_json = learner.post(f"{page}/submit", data={"csrf_token": token}, headers=as_json)
    assert form_json.status_code == 400
    assert state(app, attempt_id) == (None, 0)

    graded = learner.post(f"{page}/submit", json={"confirm": True}, headers=as_json)
    assert graded.status_code == 200 and graded.json == {"percent": 100.0, "passed": True}
    assert state(app, attempt_id) == ("submitted", 1)
    # Once closed, a repeat (confirmed or from an old page) keeps the one grade.
    again = learner.post(f"{page}/submit", json={"confirm": True}, headers=as_json)
    assert again.json == graded.json
    stale = learner.post(f"{page}/submit", data={"csrf_token": token})
    assert stale.status_code == 303 and "Attempt 1: passed" in learner.get(page).text
    assert state(app, attempt_id) == ("submitted", 1)


def test_the_check_page_form_carries_the_confirmation(make_app, tmp_path):
    app, learner = learner_on(make_app, tmp_path, questions(10))
    attempt_id, _ = start(learner)
    answer(learner, attempt_id, 1, "Yes")
    page = learner.get(f"/attempts/{attempt_id}").text
    assert 'name="confirm" type="hidden" value="final"' in page
    assert submit_attempt(learner, attempt_id).status_code == 303
    assert state(app, attempt_id) == ("submitted", 1)
    assert "Attempt 1: not passed" in learner.get(f"/attempts/{attempt_id}").text


@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_the_time_limit_closes_without_a_confirmation(make_app, tmp_path, accept):
    app, learner = learner_on(make_app, tmp_path, questions(10), time_limit_minutes=30)
    attempt_id, _ = start(learner)
    answer(learner, attempt_id, 1, "Yes")
    token = csrf_token(learner, f"/attempts/{attempt_id}")
    with app.app_context():
        db.session.execute(
            update(Attempt)
            .where(Attempt.id == attempt_id)
            .values(deadline=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
    closed = learner.post(
        f"/attempts/{attempt_id}/submit", data={"csrf_token": token}, headers={"Accept": accept}
    )
    assert closed.status_code == (200 if accept == "application/json" else 303)
    assert state(app, attempt_id) == ("time-limit", 1)
