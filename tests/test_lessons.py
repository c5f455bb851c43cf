"""Lesson pages, completion, "continue where you left off" and media, on every backend."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import Role
from coursekit.lessons.models import LessonEvent
from tests.helpers import login, make_user, submit
from tests.package_factory import SVG, write_package

LESSON_1 = "/modules/calf/lessons/01-anatomy"
LESSON_2 = "/modules/calf/lessons/02-needling"
HOSTILE_LESSON = """---
title: Hostile
minutes: 5
---
<script>alert(1)</script> [click](javascript:alert(2)) <img src=x onerror=alert(3)>
"""


@pytest.fixture
def app(make_app, tmp_path):
    folder = write_package(tmp_path, "calf")
    (folder / "lessons" / "02-needling.md").write_text(HOSTILE_LESSON)
    return make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"), COURSEKIT_PUBLISH_ON_START=True
    )


@pytest.fixture
def learner(app, client):
    make_user(app, "learner@example.org")
    login(client, "learner@example.org")
    submit(client, "/modules/calf", {"accept": "y"}, "/modules/calf/enrol")
    return client


def events(app) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.scalars(select(LessonEvent).order_by(LessonEvent.id))
        return [(row.lesson, row.kind) for row in rows]


def test_only_enrolled_learners_and_staff_read_lessons(app, client):
    assert client.get(LESSON_1).location.startswith("/login")
    make_user(app, "stranger@example.org")
    login(client, "stranger@example.org")
    response = client.get(LESSON_1)
    assert response.status_code == 302 and response.location == "/modules/calf"

    staff = app.test_client()
    make_user(app, "teacher@example.org", Role.INSTRUCTOR)
    login(staff, "teacher@example.org")
    page = staff.get(LESSON_1)
    assert page.status_code == 200 and "nothing is recorded" in page.text
    assert events(app) == []


def test_a_lesson_page_renders_the_lesson_with_navigation(learner, app):
    page = learner.get(LESSON_1)
    assert page.status_code == 200
    html = page.text
    assert "<h1>Lesson 1</h1>" in html
    assert '<aside class="callout callout-danger" role="note">' in html
    assert "<figcaption>Schematic cross-section of the calf</figcaption>" in html
    assert 'aria-current="page"' in html
    assert f'rel="next" href="{LESSON_2}"' in html and 'rel="prev"' not in html
    assert events(app) == [("01-anatomy", "opened")]
    assert learner.get("/modules/calf/lessons/nope").status_code == 404


def test_author_markup_never_reaches_the_browser_as_markup(learner):
    html = learner.get(LESSON_2).text
    body = html[
        html.index('<div class="lesson-body">') : html.index('<footer class="lesson-footer">')
    ]
    assert "<script" not in body and "<img src=x" not in body
    assert not re.search(r"""(?:href|src)=["']?\s*javascript:""", body)
    # Shown as text, not lost:
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "[click](javascript:alert(2))" in body


def test_completing_lessons_moves_on_and_marks_the_outline(learner, app):
    learner.get(LESSON_1)
    done = submit(learner, LESSON_1, {}, f"{LESSON_1}/complete")
    assert done.status_code == 302 and done.location == LESSON_2
    module_page = learner.get("/modules/calf").text
    assert "Continue: Hostile" in module_page
    assert module_page.count('class="done"') == 1

    last = submit(learner, LESSON_2, {}, f"{LESSON_2}/complete")
    assert last.location == "/modules/calf"
    assert "You have completed every lesson" in learner.get("/modules/calf").text
    kinds = [kind for _lesson, kind in events(app)]
    assert kinds.count("completed") == 2


def test_continue_returns_to_the_last_lesson_opened(learner):
    learner.get(LESSON_2)
    assert "Continue: Hostile" in learner.get("/modules/calf").text


def test_completing_needs_csrf_and_an_enrolment(learner, app):
    assert learner.post(f"{LESSON_1}/complete").status_code == 400
    staff = app.test_client()
    make_user(app, "admin@example.org", Role.ADMIN)
    login(staff, "admin@example.org")
    assert submit(staff, LESSON_1, {}, f"{LESSON_1}/complete").status_code == 403
    assert events(app) == []


def test_media_is_served_by_content_hash_with_safe_headers(learner, client):
    html = learner.get(LESSON_1).text
    (src,) = re.findall(r'<img src="([^"]+)"', html)
    assert re.fullmatch(r"/media/[0-9a-f]{64}/media/calf\.svg", src)
    response = learner.get(src)
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.data == SVG.encode()
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert "script-src" not in response.headers["Content-Security-Policy"]
    assert "immutable" in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    wrong_hash = "/media/" + "0" * 64 + "/media/calf.svg"
    assert learner.get(wrong_hash).status_code == 404
    assert learner.get(src.replace("calf.svg", "nope.svg")).status_code == 404
    assert learner.get(src.replace("media/calf.svg", "module.yaml")).status_code == 404
