"""Course evaluations: who may evaluate and when, required answers, one response per
enrolment, provider and module forms, and the results instructors and admins read."""

from __future__ import annotations

import re

import pytest
import yaml
from sqlalchemy import func, select

from coursekit import db
from coursekit.accounts.models import ModuleAssignment, Role
from coursekit.assessment.evaluations import operations
from coursekit.assessment.evaluations.evaluation_form import (
    STANDARD_FORM,
    EvaluationFormInvalid,
)
from coursekit.assessment.evaluations.models import EvaluationResponse
from coursekit.assessment.evaluations.queries import form_for
from coursekit.catalog.models import Enrolment
from coursekit.packages.queries import package_for
from tests.assessment_records import enrolment_id, graded_attempt
from tests.helpers import csrf_token, login, make_user, submit
from tests.package_factory import write_package
from tests.querycount import queries_for

PAGE = "/modules/calf/evaluation"
RESULTS = "/teach/modules/calf/evaluations"
SCALES = [item.id for item in STANDARD_FORM.items if item.kind == "scale"]
FULL = {
    **dict.fromkeys(SCALES, "4"),
    "objectives-met": "5",
    "materials-clear": "na",
    "most-useful": "The depth table for BL57.",
}
CUSTOM_FORM = """\
title: Acme CE evaluation
items:
  - id: objectives-met
    kind: scale
    text: The course met its objectives.
    required: true
  - id: pace
    kind: choice
    text: The pace was
    options: [too slow, about right, too fast]
"""


@pytest.fixture
def app(make_app, tmp_path):
    write_package(tmp_path, "calf")
    return make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"), COURSEKIT_PUBLISH_ON_START=True
    )


def enrolled(app, email="learner@example.org", *, finished=True, **profile):
    """A signed-in client of a learner enrolled in calf (who passed the post-test when
    ``finished``), and the enrolment's id."""
    client = app.test_client()
    user_id = make_user(app, email, **profile)
    login(client, email)
    submit(client, "/modules/calf", {"accept": "y"}, "/modules/calf/enrol")
    enrolment = enrolment_id(app, user_id, "calf")
    if finished:
        graded_attempt(app, enrolment, passed=True)
    return client, enrolment


def stored(app) -> list[EvaluationResponse]:
    with app.app_context():
        return list(db.session.scalars(select(EvaluationResponse).order_by(EvaluationResponse.id)))


def test_the_evaluation_opens_at_the_end_of_the_course(app):
    assert app.test_client().get(PAGE).location.startswith("/login")
    stranger = app.test_client()
    make_user(app, "stranger@example.org")
    login(stranger, "stranger@example.org")
    refused = stranger.get(PAGE)
    assert refused.status_code == 302 and refused.location == "/modules/calf"
    assert "Enrol in this module" in stranger.get("/modules/calf").text

    learner, enrolment = enrolled(app, finished=False)
    assert learner.get(PAGE).location == "/modules/calf"
    assert "opens once you have passed the post-test" in learner.get("/modules/calf").text
    for _attempt in range(2):
        graded_attempt(app, enrolment, passed=False)
    assert learner.get(PAGE).status_code == 302  # one attempt of three left
    graded_attempt(app, enrolment, passed=False)
    assert learner.get(PAGE).status_code == 200  # every attempt used: the course is over
    assert learner.get("/modules/nope/evaluation").status_code == 404


def test_required_items_are_refused_with_422_and_nothing_is_stored(app):
    learner, _enrolment = enrolled(app)
    page = learner.get(PAGE)
    assert page.status_code == 200
    assert page.text.count('type="radio"') == 5 * len(SCALES) + 1  # one "not applicable"
    partial = {key: value for key, value in FULL.items() if key != "teaching-methods"}
    response = submit(learner, PAGE, partial)
    assert response.status_code == 422
    assert response.text.count("Answer this question.") == 1
    assert 'id="teaching-methods-error"' in response.text
    assert '<input checked id="objectives-met-4"' in response.text  # answers are kept
    assert stored(app) == []


@pytest.mark.parametrize(
    "bad", [{"objectives-met": "7"}, {"teaching-methods": "na"}, {"most-useful": "x" * 4001}]
)
def test_answers_an_item_does_not_offer_are_refused(app, bad):
    learner, _enrolment = enrolled(app)
    response = submit(learner, PAGE, {**FULL, **bad})
    assert response.status_code == 422
    assert "Choose one of the answers." in response.text or "under 4000" in response.text
    assert stored(app) == []


def test_a_submitted_evaluation_keeps_its_form_and_reads_back_read_only(app):
    learner, enrolment = enrolled(app)
    response = submit(learner, PAGE, FULL)
    assert response.status_code == 302 and response.location == PAGE
    (row,) = stored(app)
    assert row.enrolment_id == enrolment
    assert row.form == "standard:2026-1"
    assert row.items == [item.as_record() for item in STANDARD_FORM.items]
    assert row.answers == {
        **dict.fromkeys(SCALES, 4),
        "objectives-met": 5,
        "materials-clear": "na",
        "most-useful": "The depth table for BL57.",
    }
    page = learner.get(PAGE).text
    assert "You submitted your evaluation" in page
    assert f"{row.submitted_at:%d %B %Y}" in page
    assert "5: Strongly agree" in page and "Not applicable" in page and "No answer" in page
    assert 'type="radio"' not in page


def test_a_second_submission_stores_nothing_more(app):
    learner, _enrolment = enrolled(app)
    token = csrf_token(learner, PAGE)
    first = learner.post(PAGE, data={"csrf_token": token, **FULL})
    second = learner.post(PAGE, data={"csrf_token": token, **FULL, "objectives-met": "1"})
    assert first.status_code == second.status_code == 302
    (row,) = stored(app)
    assert row.answers["objectives-met"] == 5


def test_two_requests_at_once_store_one_evaluation(app):
    _learner, enrolment = enrolled(app)
    answers = {**FULL, "most-useful": "first"}
    with app.app_context():
        row = db.session.get(Enrolment, enrolment)
        first = operations.submit_evaluation(row, STANDARD_FORM, answers)
        db.session.commit()
        first_id = first.id
    with app.app_context():
        # The second request read "no evaluation yet" before the first committed: the
        # unique enrolment refuses its row and the first one is returned.
        row = db.session.get(Enrolment, enrolment)
        again = operations.submit_evaluation(row, STANDARD_FORM, {**FULL, "most-useful": "2"})
        db.session.commit()
        assert again.id == first_id
        assert db.session.scalar(select(func.count()).select_from(EvaluationResponse)) == 1
    assert stored(app)[0].answers["most-useful"] == "first"


def test_a_provider_form_replaces_the_standard_one(make_app, tmp_path):
    write_package(tmp_path, "calf")
    form_file = tmp_path / "evaluation.yaml"
    form_file.write_text(CUSTOM_FORM)
    app = make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"),
        COURSEKIT_PUBLISH_ON_START=True,
        COURSEKIT_EVALUATION_FORM=str(form_file),
    )
    learner, _enrolment = enrolled(app)
    page = learner.get(PAGE).text
    assert "The pace was" in page and "instructor knew" not in page
    assert submit(learner, PAGE, {"objectives-met": "4", "pace": "too fast"}).status_code == 302
    (row,) = stored(app)
    assert re.fullmatch(r"Acme CE evaluation:[0-9a-f]{12}", row.form)
    assert row.answers == {"objectives-met": 4, "pace": "too fast"}
    assert [item["id"] for item in row.items] == ["objectives-met", "pace"]


def test_a_broken_provider_form_stops_the_start_at_its_line(make_app, tmp_path):
    form_file = tmp_path / "evaluation.yaml"
    form_file.write_text(CUSTOM_FORM.replace("kind: choice", "kind: multiple"))
    with pytest.raises(EvaluationFormInvalid) as info:
        make_app(COURSEKIT_EVALUATION_FORM=str(form_file))
    assert str(info.value).splitlines() == [
        f"{form_file}:8:11: items[1].kind: Must be one of: scale, text, choice.",
        f"{form_file}:10:14: items[1].options: only choice items have options",
    ]


def test_a_module_adds_its_own_questions_after_the_providers(make_app, tmp_path):
    folder = write_package(tmp_path, "calf", evaluation_questions="quizzes/evaluation.yaml")
    extra = {
        "title": "About this module",
        "items": [{"id": "diagrams", "kind": "scale", "text": "The calf diagrams helped."}],
    }
    (folder / "quizzes" / "evaluation.yaml").write_text(yaml.safe_dump(extra))
    app = make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"), COURSEKIT_PUBLISH_ON_START=True
    )
    learner, _enrolment = enrolled(app)
    assert "The calf diagrams helped." in learner.get(PAGE).text
    assert submit(learner, PAGE, {**FULL, "module.diagrams": "2"}).status_code == 302
    (row,) = stored(app)
    assert row.form.startswith("standard:2026-1+module:")
    assert row.items[-1]["id"] == "module.diagrams" and row.answers["module.diagrams"] == 2
    with app.app_context():
        version = db.session.get(Enrolment, row.enrolment_id).module_version
        assert len(form_for(package_for(version)).items) == len(STANDARD_FORM.items) + 1


def results_reader(app, email, *roles, assign=False):
    client = app.test_client()
    user_id = make_user(app, email, *roles)
    if assign:
        with app.app_context():
            db.session.add(ModuleAssignment(user_id=user_id, module_id="calf"))
            db.session.commit()
    login(client, email)
    return client


def evaluate(app, email, answers, **profile):
    learner, _enrolment = enrolled(app, email, **profile)
    assert submit(learner, PAGE, answers).status_code == 302


def test_results_are_for_assigned_instructors_and_admins(app):
    assert results_reader(app, "own@example.org").get(RESULTS).status_code == 403
    other = results_reader(app, "other@example.org", Role.INSTRUCTOR)
    assert other.get(RESULTS).status_code == 403
    assigned = results_reader(app, "teacher@example.org", Role.INSTRUCTOR, assign=True)
    assert assigned.get(RESULTS).status_code == 200
    assert assigned.get("/teach/modules/nope/evaluations").status_code == 404
    admin = results_reader(app, "admin@example.org", Role.ADMIN)
    assert admin.get(RESULTS).status_code == 200


def test_results_count_rate_and_list_comments_anonymised_for_instructors(app):
    evaluate(app, "ann@example.org", FULL, first_name="Ann", last_name="Lee")
    evaluate(
        app,
        "bo@example.org",
        {**FULL, "objectives-met": "2", "materials-clear": "3", "to-improve": "More cases."},
        first_name="Bo",
        last_name="Chan",
    )
    teacher = results_reader(app, "teacher@example.org", Role.INSTRUCTOR, assign=True)
    page = teacher.get(RESULTS).text
    assert "2 responses" in page and "Form standard:2026-1" in page
    row = page[page.index("The course met its stated objectives.") :].split("</tr>")[0]
    cells = re.findall(r'<td class="number">([^<]*)</td>', row)
    # rated, mean, ratings 1..5, not applicable, no answer
    assert cells == ["2", "3.50", "0", "1", "0", "0", "1", "0", "0"]
    materials = page[page.index("materials and diagrams") :].split("</tr>")[0]
    assert re.findall(r'<td class="number">([^<]*)</td>', materials)[:2] == ["1", "3.00"]
    assert "The depth table for BL57." in page and "More cases." in page
    assert "Ann" not in page and "Chan" not in page

    admin = results_reader(app, "admin@example.org", Role.ADMIN).get(RESULTS).text
    assert "Ann Lee" in admin and "Bo Chan" in admin


def test_results_cost_the_same_queries_for_few_and_many_responses(app):
    teacher = results_reader(app, "teacher@example.org", Role.INSTRUCTOR, assign=True)
    evaluate(app, "l0@example.org", FULL)
    few = queries_for(app, teacher, RESULTS)
    for number in range(1, 6):
        evaluate(app, f"l{number}@example.org", {**FULL, "other-comments": f"note {number}"})
    many = queries_for(app, teacher, RESULTS)
    assert len(many) == len(few) <= 5, many
