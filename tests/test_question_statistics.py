"""Question statistics: difficulty and discrimination on hand-computed data, and the page
instructors read, from attempts and grades in the database."""

from __future__ import annotations

import re

import pytest
import yaml

from coursekit import db
from coursekit.accounts.models import ModuleAssignment, Role
from coursekit.assessment.attempts import operations
from coursekit.assessment.quizzes import resolve
from coursekit.assessment.registry import registry
from coursekit.assessment.statistics import GradedRecord, ItemScore, question_statistics
from coursekit.catalog.models import Enrolment
from coursekit.packages.publishing import publish_packages
from coursekit.packages.queries import package_for
from tests.assessment_records import enrolment_id, graded_attempt, regrade_record
from tests.helpers import login, make_user, submit
from tests.package_factory import manifest, questions, write_package
from tests.querycount import queries_for

QUIZ = "quizzes/post-test.yaml"
PAGE = "/teach/modules/calf/questions"


def record(percent, **scores):
    """A graded attempt; each keyword is a question id with (earned, possible) or
    (earned, possible, answered, critical_missed)."""
    items = []
    for question_id, score in scores.items():
        earned, possible, answered, missed = (*score, *(True, False)[len(score) - 2 :])
        items.append(ItemScore((QUIZ, question_id), earned, possible, answered, missed))
    return GradedRecord(percent, tuple(items))


def test_difficulty_and_discrimination_on_a_hand_computed_set():
    # Ten attempts at 100, 90, ..., 10 percent, listed out of order. The groups are the
    # best and the weakest int(0.27 * 10 + 0.5) = 3 attempts: 100/90/80 and 30/20/10.
    percents = [40, 100, 10, 70, 90, 20, 60, 30, 80, 50]
    records = []
    for percent in percents:
        scores = {
            # right in every attempt at 60 % or more: p = 5/10, D = 3/3 - 0/3
            "a": (1.0 if percent >= 60 else 0.0, 1.0),
            # right only in 100, 30, 20, 10: p = 4/10, D = 1/3 - 3/3
            "b": (1.0 if percent in (100, 30, 20, 10) else 0.0, 2.0 if percent == 100 else 1.0),
            # half the points everywhere: p = 0.5, D = 0
            "c": (0.5, 1.0),
            # negative marking counts as nothing earned; unanswered counts as 0
            "e": (-0.5, 1.0) if percent < 50 else (1.0, 1.0),
            # reviewed by hand, worth no points: no statistics
            "essay": (0.0, 0.0),
        }
        if percent >= 50:
            scores["b"] = (2.0 if percent == 100 else 0.0, 2.0)
        if percent == 90:
            scores["e"] = (0.0, 1.0, False)
        if percent != 50:  # nine attempts only: too few for D
            scores["d"] = (1.0, 1.0, True, False)
        if percent <= 20:
            scores["crit"] = (0.0, 1.0, True, True)
        records.append(record(percent, **scores))

    figures = question_statistics(records)
    assert set(figures) == {(QUIZ, name) for name in ("a", "b", "c", "d", "e", "crit")}
    a, b, c, d, e = (figures[QUIZ, name] for name in "abcde")
    assert (a.attempts, a.answered, a.difficulty, a.discrimination) == (10, 10, 0.5, 1.0)
    assert b.difficulty == pytest.approx(0.4)
    assert b.discrimination == pytest.approx(1 / 3 - 1)
    assert (c.difficulty, c.discrimination) == (0.5, 0.0)
    assert (d.attempts, d.difficulty, d.discrimination) == (9, 1.0, None)
    assert (e.difficulty, e.answered) == (0.5, 9)
    assert e.discrimination == pytest.approx(2 / 3 - 0)
    assert figures[QUIZ, "crit"].critical_missed == 2


def test_groups_round_half_up_and_ties_rank_by_attempt_order():
    # 50 attempts: groups of int(13.5 + 0.5) = 14. Right in the best 13 only.
    records = [record(100 - n, q=(1.0 if n < 13 else 0.0, 1.0)) for n in range(50)]
    assert question_statistics(records)[QUIZ, "q"].discrimination == pytest.approx(13 / 14)
    # Ten equal percents: the first three attempts form the upper group.
    tied = [record(50, q=(1.0 if n < 3 else 0.0, 1.0)) for n in range(10)]
    assert question_statistics(tied)[QUIZ, "q"].discrimination == 1.0
    assert question_statistics(tied, min_attempts=11)[QUIZ, "q"].discrimination is None


POST_TEST = {
    "title": "Post-test",
    "questions": [
        {"id": "case", "type": "description", "text": "A runner's calf.\nSecond line."},
        *questions(10),
    ],
}
POST_TEST["questions"][3]["critical"] = True  # q3


@pytest.fixture
def app(make_app, tmp_path):
    folder = write_package(tmp_path, "calf")
    (folder / "quizzes" / "post-test.yaml").write_text(yaml.safe_dump(POST_TEST))
    return make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"), COURSEKIT_PUBLISH_ON_START=True
    )


FROZEN = [
    {"source": QUIZ, "id": question["id"], "arrangement": None}
    for question in POST_TEST["questions"]
]


def results_for(n: int) -> list[dict]:
    """Per-question results of the n-th learner (0 is the best)."""
    right = {
        "q1": n < 6,  # the best half
        "q3": n % 2 == 1,  # odd learners
        "q5": n < 6,  # left blank by the weaker half
    }
    return [
        {
            "id": f"q{number}",
            "earned": 1.0 if right.get(f"q{number}", True) else 0.0,
            "possible": 1.0,
            "answered": number != 5 or n < 6,
            "critical": number == 3 and not right["q3"],
        }
        for number in range(1, 11)
    ]


def learners_with_attempts(app, count, prefix, module="calf"):
    attempts = []
    for n in range(count):
        client = app.test_client()
        user_id = make_user(app, f"{prefix}{n}@example.org")
        login(client, f"{prefix}{n}@example.org")
        submit(client, f"/modules/{module}", {"accept": "y"}, f"/modules/{module}/enrol")
        enrolment = enrolment_id(app, user_id, module)
        attempts.append(
            graded_attempt(
                app,
                enrolment,
                passed=True,
                percent=100 - 5 * n,
                questions=FROZEN,
                results=results_for(n),
            )
        )
    return attempts


def teacher(app, *roles, assign=True):
    client = app.test_client()
    user_id = make_user(app, "teacher@example.org", *(roles or (Role.INSTRUCTOR,)))
    if assign:
        with app.app_context():
            db.session.add(ModuleAssignment(user_id=user_id, module_id="calf"))
            db.session.commit()
    login(client, "teacher@example.org")
    return client


def row_cells(page: str, question_id: str) -> list[str]:
    row = page[page.index(f'<span class="question-id">{question_id}</span>') :].split("</tr>")[0]
    return re.findall(r"<td[^>]*>([^<]*)</td>", row)


def test_the_page_is_for_assigned_instructors_and_admins(app):
    assert teacher(app, assign=False).get(PAGE).status_code == 403
    learner = app.test_client()
    make_user(app, "learner@example.org")
    login(learner, "learner@example.org")
    assert learner.get(PAGE).status_code == 403
    admin = app.test_client()
    make_user(app, "admin@example.org", Role.ADMIN)
    login(admin, "admin@example.org")
    assert admin.get(PAGE).status_code == 200
    assert admin.get("/teach/modules/nope/questions").status_code == 404


def test_the_page_shows_each_versions_questions_from_the_latest_grades(app, tmp_path):
    attempts = learners_with_attempts(app, 12, "early")
    # A corrected key gave learner 11 full marks on q1: the latest revision counts.
    regraded = results_for(11)
    regraded[0]["earned"] = 1.0
    regrade_record(app, attempts[11], percent=100, results=regraded)
    folder = tmp_path / "modules" / "calf"
    (folder / "module.yaml").write_text(yaml.safe_dump(manifest("calf", version="1.1.0")))
    publish_packages(app)
    learners_with_attempts(app, 2, "late")

    client = teacher(app)
    page = client.get(PAGE).text
    first, second = page.index("Version 1.1.0"), page.index("Version 1.0.0")
    assert first < second
    newer, older = page[first:second], page[second:]
    assert "2 graded attempts" in newer and "12 graded attempts" in older
    # attempts, answered, difficulty, discrimination, critical
    assert row_cells(newer, "q1")[1:5] == ["2", "2", "1.00", "—"]
    # Groups of 3. Learner 11 now ties learner 0 at 100 % and ranks after them (attempt
    # order): the upper group is learners 0, 11, 1 and the lower 8, 9, 10.
    assert row_cells(older, "q1")[1:5] == ["12", "12", "0.58", "1.00"]
    assert row_cells(older, "q3")[1:5] == ["12", "12", "0.50", "0.33"]
    assert row_cells(older, "q3")[5] == "critical · 6 misses"
    assert row_cells(older, "q5")[1:5] == ["12", "6", "0.50", "0.67"]
    assert row_cells(older, "q2")[1:6] == ["12", "12", "1.00", "0.00", "no"]
    assert "Question 1?" in older
    assert 'question-id">case<' not in older  # a description is not a question
    assert "at least 10 graded attempts" in page


def test_the_page_costs_the_same_queries_for_few_and_many_attempts(app):
    client = teacher(app)
    learners_with_attempts(app, 2, "few")
    client.get(PAGE)  # warm this process's package cache
    few = queries_for(app, client, PAGE)
    learners_with_attempts(app, 10, "many")
    many = queries_for(app, client, PAGE)
    assert len(many) == len(few) <= 6, many


def test_attempts_taken_through_the_attempt_operations_are_counted(app):
    client = app.test_client()
    user_id = make_user(app, "learner@example.org")
    login(client, "learner@example.org")
    submit(client, "/modules/calf", {"accept": "y"}, "/modules/calf/enrol")
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id(app, user_id, "calf"))
        attempt = operations.start_post_test(enrolment)
        package = package_for(enrolment.module_version)
        for position, frozen in enumerate(attempt.questions):
            question = resolve(package, frozen)
            if question["type"] == "description" or question["id"] == "q4":
                continue  # q4 is left unanswered
            chosen = 1 if question["id"] == "q2" else 0  # option 0 is the right one
            kind = registry()[question["type"]]
            shown = kind.display(question, frozen["arrangement"], chosen)
            operations.save_answer(attempt, position, str(shown))
        operations.close_attempt(attempt)
        db.session.commit()

    page = teacher(app).get(PAGE).text
    assert "1 graded attempt" in page
    assert row_cells(page, "q1")[1:5] == ["1", "1", "1.00", "—"]
    assert row_cells(page, "q2")[1:5] == ["1", "1", "0.00", "—"]
    assert row_cells(page, "q4")[1:5] == ["1", "0", "0.00", "—"]
    assert 'question-id">case<' not in page
