"""The instructor's learners list pages by name from a learner of the list (keyset
paging), forward and back, through the users' name index (migration 0012), so a page
costs the same with 1,000 or 100,000 learners (bench/data_scale.py); on SQLite and
PostgreSQL."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import inspect, select

from bench.scale_explain import captured
from coursekit import db
from coursekit.accounts.models import Role
from coursekit.catalog.models import Enrolment
from coursekit.packages.models import ModuleVersion
from coursekit.progress.reports import queries
from tests.helpers import login, make_user
from tests.package_factory import write_package
from tests.report_records import enrol

LEARNERS = "/teach/modules/calf/report/1.0.0/learners"
INDEX = "ix_coursekit_user_last_name"
# Three learners share a name: the learner's id orders them, and a page boundary falls
# between them.
NAMES = ["Avery", "Brook", "Cole", "Cole", "Cole", "Dale", "Ellis", "Fox", "Gray"]


@pytest.fixture
def app(make_app, tmp_path):
    for module_id in ("calf", "shin"):
        write_package(tmp_path, module_id)
    return make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"), COURSEKIT_PUBLISH_ON_START=True
    )


@pytest.fixture
def admin(app):
    make_user(app, "admin@example.org", Role.ADMIN)
    client = app.test_client()
    login(client, "admin@example.org")
    return client


@pytest.fixture
def enrolled(app) -> list[int]:
    """The enrolment ids of calf 1.0.0's learners, in the order the list must show them
    (enrolled out of name order); one learner of shin too."""
    ids = {}
    for number in (5, 0, 8, 2, 6, 1, 3, 7, 4):  # the Coles (2, 3, 4) in order
        ids[number] = enrol(app, f"l{number}@example.org", last_name=NAMES[number])
    enrol(app, "other@example.org", "shin", last_name="Cole")
    return [ids[number] for number in range(len(NAMES))]


def shown(page: str) -> list[int]:
    """The enrolment ids a learners page links to, top to bottom."""
    return [int(found) for found in re.findall(r'href="/teach/enrolments/(\d+)"', page)]


def link(page: str, rel: str) -> str | None:
    found = re.search(rf'rel="{rel}" href="([^"]+)"', page)
    return None if found is None else html.unescape(found.group(1))


@pytest.mark.parametrize("sort_at_most", [0, 2_000], ids=["walking names", "sorting"])
def test_the_list_pages_by_name_forward_and_back(app, admin, enrolled, monkeypatch, sort_at_most):
    monkeypatch.setattr(queries, "PAGE_SIZE", 4)
    monkeypatch.setattr(queries, "SORT_AT_MOST", sort_at_most)
    first = admin.get(LEARNERS).text
    assert "9 enrolled" in first and "Next 4" in first
    assert link(first, "prev") is None and "First page" not in first
    assert shown(first) == enrolled[:4]
    second = admin.get(link(first, "next")).text
    assert shown(second) == enrolled[4:8] and "First page" in second
    third = admin.get(link(second, "next")).text
    assert shown(third) == enrolled[8:] and link(third, "next") is None
    back = admin.get(link(third, "prev")).text
    assert shown(back) == enrolled[4:8]
    start = admin.get(link(back, "prev")).text
    assert shown(start) == enrolled[:4] and link(start, "prev") is None
    assert link(start, "next") == link(first, "next")


def user_id(app, enrolment_id: int) -> int:
    with app.app_context():
        return db.session.get(Enrolment, enrolment_id).user_id


def test_a_link_from_nowhere_in_the_list_is_a_clear_400(app, admin, enrolled):
    with app.app_context():
        outsider = db.session.scalar(
            select(Enrolment.user_id).join(ModuleVersion).where(ModuleVersion.module_id == "shin")
        )
    learner = user_id(app, enrolled[2])
    for query in (
        "after=abc",
        "after=",
        "after=0",
        "before=-1",
        "after=1.5",
        f"after={2**31}",
        "before=" + "9" * 5000,
        "after=%D9%A3",  # an Arabic-Indic digit
        f"after={learner}&before={learner}",
        f"after={outsider}",  # a learner of another module, whose name must not leak
        "before=999999",
    ):
        response = admin.get(f"{LEARNERS}?{query}")
        assert response.status_code == 400, query
        assert "Cole" not in response.text and "/teach/enrolments/" not in response.text
    assert shown(admin.get(f"{LEARNERS}?after={learner}").text) == enrolled[3:]
    assert shown(admin.get(f"{LEARNERS}?before={learner}").text) == enrolled[:2]
    assert shown(admin.get(f"{LEARNERS}?page=3").text) == enrolled  # no page numbers now


def test_the_migrated_database_indexes_users_by_name_then_id(app):
    indexes = inspect(app.extensions["coursekit"].db.engine).get_indexes("coursekit_user")
    columns = {index["name"]: index["column_names"] for index in indexes}
    assert columns.get(INDEX) == ["last_name", "first_name", "id"]


def test_a_page_of_a_big_version_walks_the_name_index_on_sqlite(app, enrolled, monkeypatch):
    engine = app.extensions["coursekit"].db.engine
    if engine.dialect.name != "sqlite":
        # PostgreSQL's planner picks by table statistics; an empty table proves nothing
        # (bench/data_scale.py EXPLAINs it at 100,000 learners).
        pytest.skip("the plan is checked on SQLite; the index itself on both databases")
    monkeypatch.setattr(queries, "SORT_AT_MOST", 0)
    learner = user_id(app, enrolled[2])
    with app.app_context():
        version_id = db.session.get(Enrolment, enrolled[0]).module_version_id
        version = db.session.get(ModuleVersion, version_id)
        for cursor in ({}, {"after": learner}, {"before": learner}):
            page = lambda cursor=cursor: queries.learners_page(version, 9, **cursor)  # noqa: E731
            seen = captured(app, page)
            [(statement, parameters)] = seen
            plan = db.session.connection().exec_driver_sql(
                f"EXPLAIN QUERY PLAN {statement}", parameters
            )
            details = [row[3] for row in plan]
            walk = "SEARCH" if cursor else "SCAN"
            assert any(
                d.startswith(f"{walk} coursekit_user USING COVERING INDEX {INDEX}") for d in details
            ), (cursor, details)
            # Only the page's own rows are sorted (the outer ORDER BY), never the version.
            assert sum("TEMP B-TREE FOR ORDER BY" in d for d in details) == 1, details
