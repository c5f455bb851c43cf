"""The instructor's preview of a published version: what learners see, the key for
instructors only, nothing recorded; on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
import yaml
from sqlalchemy import func, select

from coursekit import db
from coursekit.accounts.models import Role
from coursekit.models import Base
from tests.helpers import client_from, csrf_token, login, make_user, submit
from tests.package_factory import questions, write_bank, write_package, write_worksheet
from tests.querycount import queries_for

PREVIEW = "/teach/modules/calf/versions/1.0.0/preview"
LESSON = f"{PREVIEW}/lessons/01-anatomy"
QUESTIONS = f"{PREVIEW}/questions"
CHECK = f"{PREVIEW}/questions/check"
LEARNER_LESSON = "/modules/calf/lessons/01-anatomy"
POST_TEST = "quizzes/post-test.yaml"
FIRST = "answer-quizzes-post-test-yaml-q1"
EXPLANATION = "The soleus lies deep to the gastrocnemius, said Travell."


@pytest.fixture
def app(make_app, tmp_path):
    folder = write_package(
        tmp_path,
        "calf",
        worksheet="quizzes/worksheet.yaml",
        assessment={
            "quiz": POST_TEST,
            "draw": [{"bank": "safety", "tags": ["calf"], "count": 2}],
            "pass_mark": 75,
        },
    )
    post_test = questions(10)
    post_test[0]["explanation"] = EXPLANATION
    post_test[0]["options"][1]["feedback"] = "Look again at the layers."
    (folder / "quizzes" / "post-test.yaml").write_text(
        yaml.safe_dump({"title": "Post-test", "questions": post_test})
    )
    write_worksheet(folder)
    write_bank(tmp_path, "safety", 4, tags=("calf",))
    write_package(tmp_path, "shin")
    return make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"), COURSEKIT_PUBLISH_ON_START=True
    )


def signed_in(app, email: str, *roles: Role):
    client = app.test_client()
    make_user(app, email, *roles)
    login(client, email)
    return client


def teacher(app, email: str = "teacher@example.org", module_id: str = "calf"):
    client = signed_in(app, email, Role.INSTRUCTOR)
    result = app.test_cli_runner().invoke(args=["coursekit", "users", "assign", email, module_id])
    assert result.exit_code == 0, result.output
    return client


def row_counts(app) -> dict[str, int]:
    """Rows in every table: learner records, audit entries, the xAPI outbox, all of it."""
    with app.app_context():
        return {
            table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
        }


def between(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


def test_the_lesson_is_what_the_learner_sees(app):
    learner = signed_in(app, "ada@example.org")
    submit(learner, "/modules/calf", {"accept": "y"}, "/modules/calf/enrol")
    seen = learner.get(LEARNER_LESSON).text
    previewed = teacher(app).get(LESSON)
    assert previewed.status_code == 200
    shown = previewed.text
    article = ('<article class="panel lesson">', '<footer class="lesson-footer">')
    assert between(shown, *article) == between(seen, *article)
    # The outline and pager are the learner's, linking within the preview.
    outline = ('<nav class="panel outline-nav"', "</nav>")
    links = between(shown, *outline).replace(f"{PREVIEW}/lessons/", "/modules/calf/lessons/")
    assert links == between(seen, *outline)
    assert f'rel="next" href="{PREVIEW}/lessons/02-needling"' in shown
    assert "Preview — nothing you do here is recorded." in shown
    assert "lesson.js" not in shown and "data-heartbeat" not in shown
    assert "I have finished this lesson" in shown and "disabled" in shown


def test_the_lesson_media_is_that_versions(app):
    client = teacher(app)
    image = re.search(r'<img src="([^"]+)"', client.get(LESSON).text).group(1)
    with app.app_context():
        content_hash = db.session.scalar(
            select(Base.metadata.tables["coursekit_module_version"].c.content_hash).where(
                Base.metadata.tables["coursekit_module_version"].c.module_id == "calf"
            )
        )
    assert image == f"/media/{content_hash}/media/calf.svg"
    assert client.get(image).status_code == 200


def test_the_module_page_is_the_learners_without_enrolling(app):
    page = teacher(app).get(PREVIEW)
    assert page.status_code == 200
    html = page.text
    assert "Preview — nothing you do here is recorded." in html
    assert "Participant attestation" in html
    assert '<button type="button" class="button" disabled>Enrol' in html
    assert "/enrol" not in html and "For instructors" not in html
    assert f'href="{PREVIEW}/lessons/01-anatomy"' in html
    assert "PDA-000-001" in html


def test_the_question_preview_shows_every_question_with_its_key(app):
    page = teacher(app).get(QUESTIONS)
    assert page.status_code == 200
    html = page.text
    assert "Preview — nothing you do here is recorded." in html
    assert "Post-test: questions every attempt asks" in html
    assert "Post-test draw 1: bank safety tagged calf" in html
    assert "Each attempt draws 2 of these 4" in html
    for number in range(1, 5):
        assert f'name="question" value="safety{number}"' in html
    assert html.count('name="question" value="q') == 10
    assert EXPLANATION in html and "Look again at the layers." not in html
    assert html.count('<span class="tag-correct">correct answer</span>') == 14
    # The answerable copy, as the learner gets it, holds nothing of the key.
    for form in re.findall(r'<form method="post" action="[^"]*/check".*?</form>', html, re.S):
        assert "tag-correct" not in form and "Explanation" not in form and "answer-key" not in form
    # The worksheet, with the reviewers' guidance and the short answer's accepted answers.
    assert "Worksheet" in html and "Guidance for the reviewer" in html and "BL57" in html


def test_a_question_two_draws_can_ask_is_shown_once(make_app, tmp_path):
    draws = [
        {"bank": "safety", "tags": ["calf"], "count": 2},
        {"bank": "safety", "tags": ["critical"], "count": 1},
    ]
    assessment = {"quiz": POST_TEST, "draw": draws, "pass_mark": 75}
    write_package(tmp_path, "calf", assessment=assessment)
    write_bank(tmp_path, "safety", 4, tags=("calf", "critical"))
    app = make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"), COURSEKIT_PUBLISH_ON_START=True
    )
    html = teacher(app).get(QUESTIONS).text
    assert "Post-test draw 2: bank safety tagged critical" in html
    assert "4 of them are shown under an earlier draw" in html
    for number in range(1, 5):
        # One copy of each: its controls' ids (and labels pointing at them) stay unique.
        assert html.count(f'name="question" value="safety{number}"') == 1


def test_an_answer_is_graded_and_nothing_is_recorded(app):
    client = teacher(app)
    before = row_counts(app)
    client.get(PREVIEW)
    client.get(LESSON)
    client.get(QUESTIONS)
    token = csrf_token(client, QUESTIONS)
    form = {"csrf_token": token, "source": POST_TEST, "question": "q1"}
    right = client.post(CHECK, data={**form, FIRST: "0"})
    assert right.status_code == 200 and "Correct:" in right.text and "1 of 1 point" in right.text
    wrong = client.post(CHECK, data={**form, FIRST: "1"})
    assert wrong.status_code == 200 and "Incorrect:" in wrong.text
    assert "Look again at the layers." in wrong.text and EXPLANATION in wrong.text
    blank = client.post(CHECK, data=form)
    assert blank.status_code == 422 and "Give an answer" in blank.text
    refused = client.post(CHECK, data={**form, FIRST: "7"})
    assert refused.status_code == 422 and "asked to correct this answer" in refused.text
    essay = {
        "csrf_token": token,
        "source": "quizzes/worksheet.yaml",
        "question": "reflect",
        "answer-quizzes-worksheet-yaml-reflect": "Refer for a scan first.",
    }
    reviewed = client.post(CHECK, data=essay)
    assert reviewed.status_code == 200 and "an instructor reviews it" in reviewed.text
    assert row_counts(app) == before


def test_a_check_of_a_question_outside_the_preview_is_not_found(app):
    client = teacher(app)
    token = csrf_token(client, QUESTIONS)
    for source, question in (("module.yaml", "q1"), (POST_TEST, "nope"), ("quizzes/x", "q1")):
        data = {"csrf_token": token, "source": source, "question": question}
        assert client.post(CHECK, data=data).status_code == 404
    assert client.post(CHECK, data={"source": POST_TEST, "question": "q1"}).status_code == 400


def test_learners_and_unassigned_instructors_are_refused(app):
    learner = signed_in(app, "ada@example.org")
    submit(learner, "/modules/calf", {"accept": "y"}, "/modules/calf/enrol")
    stranger = signed_in(app, "stranger@example.org", Role.INSTRUCTOR)
    elsewhere = teacher(app, "shin-teacher@example.org", "shin")
    for client in (learner, stranger, elsewhere):
        token = csrf_token(client, "/account")
        for url in (PREVIEW, LESSON, QUESTIONS):
            response = client.get(url)
            assert response.status_code == 403, url
            assert EXPLANATION not in response.text
        data = {"csrf_token": token, "source": POST_TEST, "question": "q1", FIRST: "0"}
        assert client.post(CHECK, data=data).status_code == 403
    anonymous = app.test_client().get(QUESTIONS)
    assert anonymous.status_code == 302 and "/login" in anonymous.location


def test_admins_preview_every_module_and_unknown_versions_are_not_found(app):
    admin = signed_in(app, "admin@example.org", Role.ADMIN)
    assert admin.get(QUESTIONS).status_code == 200
    assert admin.get("/teach/modules/shin/versions/1.0.0/preview").status_code == 200
    assert admin.get("/teach/modules/calf/versions/9.9.9/preview").status_code == 404
    assert admin.get(f"{PREVIEW}/lessons/no-such-lesson").status_code == 404


def test_the_preview_reads_the_stored_archive(app, make_app):
    """Another process, without the modules folder, previews the same version from the
    archive kept in the database."""
    teacher(app)
    other = make_app()  # no modules path: nothing on disk, nothing cached
    client = other.test_client()
    login(client, "teacher@example.org")
    page = client.get(LESSON)
    assert page.status_code == 200 and "<h1>Lesson 1</h1>" in page.text
    assert EXPLANATION in client.get(QUESTIONS).text


def test_preview_pages_have_a_fixed_query_budget(app):
    client = teacher(app)
    for url in (PREVIEW, LESSON, QUESTIONS):
        queries_for(app, client, url)  # warm the caches
    budgets = {url: len(queries_for(app, client, url)) for url in (PREVIEW, LESSON, QUESTIONS)}
    for number in range(10):
        learner = client_from(app, f"10.0.0.{number}")
        make_user(app, f"learner{number}@example.org")
        login(learner, f"learner{number}@example.org")
        submit(learner, "/modules/calf", {"accept": "y"}, "/modules/calf/enrol")
        learner.get(LEARNER_LESSON)
    after = {url: len(queries_for(app, client, url)) for url in (PREVIEW, LESSON, QUESTIONS)}
    assert after == budgets
    assert max(budgets.values()) <= 5, budgets
