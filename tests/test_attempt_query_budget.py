"""Attempt pages cost a fixed number of queries, whatever the number of questions,
answers saved and earlier attempts."""

from __future__ import annotations

import re

import pytest
import yaml

from tests.attempt_pages import submit_attempt
from tests.helpers import csrf_token, login, make_user, submit
from tests.package_factory import questions, write_package
from tests.querycount import queries_for

# Signed in: user and roles (2); then the attempt (with its enrolment and version) and the
# page's own reads: answers, or every attempt with its current grade. The check page shows
# every answered question (all of them here) from the one read of the answers.
BUDGET = {"question": 4, "check": 4, "result": 6, "overview": 5}


def take(make_app, root, count: int, earlier: int):
    """An app whose post-test has ``count`` questions; the learner has made ``earlier``
    attempts, answered every question of a new one and submitted it."""
    folder = write_package(
        root, "calf", assessment={"quiz": "quizzes/post-test.yaml", "pass_mark": 100}
    )
    quiz = {"title": "Post-test", "questions": questions(count)}
    (folder / "quizzes" / "post-test.yaml").write_text(yaml.safe_dump(quiz))
    app = make_app(COURSEKIT_MODULES_PATH=str(root / "modules"), COURSEKIT_PUBLISH_ON_START=True)
    client = app.test_client()
    make_user(app, f"learner{count}@example.org")
    login(client, f"learner{count}@example.org")
    submit(client, "/modules/calf", {"accept": "y"}, "/modules/calf/enrol")
    for _ in range(earlier + 1):
        started = submit(client, "/modules/calf/post-test", {}, "/modules/calf/post-test/start")
        attempt = re.search(r"/attempts/\d+", started.location).group(0)
        token = csrf_token(client, f"{attempt}/1")
        for number in range(1, count + 1):
            client.post(f"{attempt}/{number}", data={"csrf_token": token, "answer": "0"})
        pages = {"question": f"{attempt}/1", "check": attempt}
        sizes = {name: len(queries_for(app, client, url)) for name, url in pages.items()}
        submit_attempt(client, int(attempt.rsplit("/", 1)[1]))
    sizes["result"] = len(queries_for(app, client, attempt))
    sizes["overview"] = len(queries_for(app, client, "/modules/calf/post-test"))
    return sizes


@pytest.mark.parametrize("page", sorted(BUDGET))
def test_attempt_pages_do_not_grow_with_questions_or_attempts(make_app, tmp_path, page):
    few = take(make_app, tmp_path / "few", count=10, earlier=0)
    many = take(make_app, tmp_path / "many", count=30, earlier=3)
    assert many[page] == few[page]
    assert many[page] <= BUDGET[page]
