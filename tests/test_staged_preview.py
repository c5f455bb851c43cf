"""The preview of a staged (or submitted) upload: its own, not yet published content as
learners would see it, the key for its authors only, nothing recorded; the upload page's
access rule; on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
import yaml

from coursekit.accounts.models import Role
from coursekit.lessons.views import SVG_POLICY
from coursekit.packages.archive import pack
from coursekit.packages.discovery import package_candidate
from coursekit.packages.loader import load_package
from tests.authoring_helpers import counts, instructor, upload
from tests.helpers import csrf_token, login, make_user, submit
from tests.package_factory import SVG, questions, write_package
from tests.querycount import queries_for
from tests.test_preview import row_counts

NEW_TEXT = "The plantaris tendon runs between the two heads: new in 1.1.0."
NEW_SVG = SVG.replace("soleus", "plantaris")
POST_TEST = "quizzes/post-test.yaml"
FIRST = "answer-quizzes-post-test-yaml-q1"


def staged_zip(root, version: str = "1.1.0") -> bytes:
    """calf ``version``: the first lesson rewritten around a new diagram, and an eleventh
    post-test question."""
    folder = write_package(root, "calf", version=version)
    (folder / "lessons" / "01-anatomy.md").write_text(
        f"---\ntitle: Lesson 1 revised\nminutes: 30\n---\n# Lesson 1 revised\n\n{NEW_TEXT}\n\n"
        '![Plantaris](media:plantaris.svg "The plantaris between the heads")\n'
    )
    (folder / "media" / "plantaris.svg").write_text(NEW_SVG)
    bank = {"title": "Post-test", "questions": questions(11)}
    (folder / "quizzes" / "post-test.yaml").write_text(yaml.safe_dump(bank))
    candidate = package_candidate(folder)
    return pack(load_package(candidate.files, candidate.shared).package)


@pytest.fixture
def app(make_app, tmp_path):
    write_package(tmp_path / "disk", "calf")
    write_package(tmp_path / "disk", "shin")
    return make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "disk" / "modules"), COURSEKIT_PUBLISH_ON_START=True
    )


@pytest.fixture
def author(app, tmp_path):
    """An instructor of calf, signed in, with calf 1.1.0 staged; returns (client, preview
    URL, upload page URL)."""
    client = app.test_client()
    instructor(app, client, "calf")
    detail = upload(client, staged_zip(tmp_path / "staged")).headers["Location"]
    return client, f"{detail}/preview", detail


def test_a_staged_lesson_shows_its_own_text_and_media(app, author):
    client, preview, detail = author
    assert f'href="{preview}"' in client.get(detail).text  # "Preview this version"
    page = client.get(f"{preview}/lessons/01-anatomy")
    assert page.status_code == 200
    html = page.text
    assert NEW_TEXT in html and "Lesson 1 revised" in html
    assert "Preview — nothing you do here is recorded." in html and "not published" in html
    assert f'href="{preview}/lessons/02-needling"' in html
    image = re.search(r'<img src="([^"]+)"', html).group(1)
    assert image == f"{preview}/media/plantaris.svg"
    served = client.get(image)
    assert served.status_code == 200 and served.data == NEW_SVG.encode()
    assert served.mimetype == "image/svg+xml"
    assert served.headers["Content-Security-Policy"] == SVG_POLICY
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"{preview}/media/none.svg").status_code == 404
    assert client.get(f"{preview}/media/../module.yaml").status_code == 404
    assert client.get(f"{preview}/lessons/no-such-lesson").status_code == 404
    # The module page is the learners', in the preview; learners still get 1.0.0.
    module = client.get(preview).text
    assert "1.1.0" in module and f'href="{preview}/lessons/01-anatomy"' in module
    learner = app.test_client()
    make_user(app, "ada@example.org")
    login(learner, "ada@example.org")
    submit(learner, "/modules/calf", {"accept": "y"}, "/modules/calf/enrol")
    assert NEW_TEXT not in learner.get("/modules/calf/lessons/01-anatomy").text


def test_keys_are_shown_answers_graded_and_nothing_is_recorded(app, author):
    client, preview, _detail = author
    before = row_counts(app)
    page = client.get(f"{preview}/questions")
    assert page.status_code == 200
    html = page.text
    assert html.count('name="question" value="q') == 11  # the staged eleventh too
    assert html.count('<span class="tag-correct">correct answer</span>') == 11
    assert f'action="{preview}/questions/check"' in html
    client.get(preview)
    client.get(f"{preview}/lessons/01-anatomy")
    client.get(f"{preview}/media/plantaris.svg")
    token = csrf_token(client, f"{preview}/questions")
    form = {"csrf_token": token, "source": POST_TEST, "question": "q11"}
    field = "answer-quizzes-post-test-yaml-q11"
    right = client.post(f"{preview}/questions/check", data={**form, field: "0"})
    assert right.status_code == 200 and "Correct:" in right.text
    wrong = client.post(f"{preview}/questions/check", data={**form, field: "1"})
    assert wrong.status_code == 200 and "Incorrect:" in wrong.text
    assert client.post(f"{preview}/questions/check", data=form).status_code == 422
    outside = {**form, "source": "module.yaml"}
    assert client.post(f"{preview}/questions/check", data=outside).status_code == 404
    assert row_counts(app) == before


def test_refusals_follow_the_upload_page(app, author):
    _client, preview, detail = author
    urls = (preview, f"{preview}/lessons/01-anatomy", f"{preview}/questions")
    urls += (f"{preview}/media/plantaris.svg",)
    learner = app.test_client()
    make_user(app, "ada@example.org")
    login(learner, "ada@example.org")
    shin = app.test_client()
    instructor(app, shin, "shin", email="shin@example.org")
    unassigned = app.test_client()
    instructor(app, unassigned, email="nobody@example.org")
    for client, status in ((learner, 403), (shin, 404), (unassigned, 404)):
        assert client.get(detail).status_code == status
        for url in urls:
            response = client.get(url)
            assert response.status_code == status, (url, response.status_code)
            assert NEW_TEXT not in response.text
        token = csrf_token(client, "/account")
        data = {"csrf_token": token, "source": POST_TEST, "question": "q1", FIRST: "0"}
        assert client.post(f"{preview}/questions/check", data=data).status_code == status
    anonymous = app.test_client().get(preview)
    assert anonymous.status_code == 302 and "/login" in anonymous.location
    admin = app.test_client()
    make_user(app, "admin@example.org", Role.ADMIN)
    login(admin, "admin@example.org")
    assert all(admin.get(url).status_code == 200 for url in urls)
    assert admin.get("/teach/uploads/999999/preview").status_code == 404


def test_only_a_staged_or_submitted_upload_is_previewed(app, tmp_path):
    app.config["COURSEKIT_MODULE_APPROVAL"] = True
    client = app.test_client()
    instructor(app, client, "calf")
    detail = upload(client, staged_zip(tmp_path / "a")).headers["Location"]
    assert submit(client, detail, {}, f"{detail}/submit").status_code == 302
    admin = app.test_client()
    make_user(app, "admin@example.org", Role.ADMIN)
    login(admin, "admin@example.org")
    queue = admin.get("/admin/uploads").text
    assert f'href="{detail}/preview"' in queue
    assert NEW_TEXT in admin.get(f"{detail}/preview/lessons/01-anatomy").text
    assert f'href="{detail}/preview"' in admin.get(detail).text
    withdrawn = submit(client, detail, {"reason": "wrong diagram"}, f"{detail}/withdraw")
    assert withdrawn.status_code == 302
    assert client.get(f"{detail}/preview").status_code == 404
    assert f'href="{detail}/preview"' not in client.get(detail).text


def test_staged_preview_pages_have_a_fixed_query_budget(app, author, tmp_path):
    client, preview, _detail = author
    urls = (preview, f"{preview}/lessons/01-anatomy", f"{preview}/questions")
    urls += (f"{preview}/media/plantaris.svg",)
    for url in urls:
        queries_for(app, client, url)  # warm the caches
    budgets = {url: len(queries_for(app, client, url)) for url in urls}
    for number in range(2, 6):  # more uploads of the module, each another version
        data = staged_zip(tmp_path / str(number), f"1.{number}.0")
        assert upload(client, data).status_code == 302
    assert counts(app)[0] == 5
    after = {url: len(queries_for(app, client, url)) for url in urls}
    assert after == budgets
    # The person, their assigned modules, the upload; the archive only when not cached.
    assert max(budgets.values()) <= 4, budgets
