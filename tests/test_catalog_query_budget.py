"""The catalogue, module and lesson pages cost a fixed number of queries, whatever the
number of modules, versions and learners."""

from __future__ import annotations

import pytest

from tests.helpers import login, make_user, submit
from tests.package_factory import write_package
from tests.querycount import queries_for

PAGES = ("/modules", "/modules/m0", "/modules/m0/lessons/01-anatomy")
# Signed in: user and roles (2), then the page's own reads; the lesson page also reads
# the last lesson event (with seat time and test time, to credit the time since) and
# appends its events; on PostgreSQL it first locks the enrolment row (6 on SQLite).
# The module page of an enrolled learner adds its progress (lessons and seat time,
# attempts, worksheet, evaluation, completion: five queries, see progress_for) and its
# assessment steps.
BUDGET = {"/modules": 4, "/modules/m0": 11, "/modules/m0/lessons/01-anatomy": 7}


def build(make_app, root, modules: int, learners: int, who: str = "me"):
    for number in range(modules):
        write_package(root, f"m{number}")
    app = make_app(COURSEKIT_MODULES_PATH=str(root / "modules"), COURSEKIT_PUBLISH_ON_START=True)
    for number in range(learners):
        other = app.test_client()
        make_user(app, f"{who}{number}@example.org")
        login(other, f"{who}{number}@example.org")
        submit(other, "/modules/m0", {"accept": "y"}, "/modules/m0/enrol")
        other.get("/modules/m0/lessons/01-anatomy")
    client = app.test_client()
    make_user(app, f"{who}@example.org")
    login(client, f"{who}@example.org")
    submit(client, "/modules/m0", {"accept": "y"}, "/modules/m0/enrol")
    for page in PAGES:
        client.get(page)  # warm this process's package cache
    return app, client


@pytest.mark.parametrize("page", PAGES)
def test_page_queries_do_not_grow_with_modules_or_learners(make_app, tmp_path, page):
    small_app, small = build(make_app, tmp_path / "small", modules=2, learners=1, who="small")
    few = queries_for(small_app, small, page)
    big_app, big = build(make_app, tmp_path / "big", modules=12, learners=8, who="big")
    many = queries_for(big_app, big, page)
    assert len(many) == len(few), (few, many)
    assert len(many) <= BUDGET[page], many
