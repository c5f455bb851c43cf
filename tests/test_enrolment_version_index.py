"""A version's enrolments are found through the version index (migration 0011), not by
reading every enrolment of every module: the instructor's learners lists and reports
read them on every request (bench/data_scale.py measures it at 100,000 learners)."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from coursekit import db
from coursekit.packages.models import ModuleVersion
from coursekit.progress.reports import queries
from tests.querycount import count_queries

INDEX = "ix_coursekit_enrolment_module_version_id"


def test_the_migrated_database_indexes_enrolments_by_version_then_learner(app):
    indexes = inspect(app.extensions["coursekit"].db.engine).get_indexes("coursekit_enrolment")
    columns = {index["name"]: index["column_names"] for index in indexes}
    assert columns.get(INDEX) == ["module_version_id", "user_id"]


def test_counting_a_versions_learners_searches_the_index_on_sqlite(app):
    engine = app.extensions["coursekit"].db.engine
    if engine.dialect.name != "sqlite":
        # PostgreSQL's planner picks by table statistics; an empty table proves nothing.
        pytest.skip("the plan is checked on SQLite; the index itself on both databases")
    with app.app_context():
        with count_queries(app) as statements:
            queries.enrolled_count(ModuleVersion(id=1))
        plan = db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statements[0]}", (1,))
        details = [row[3] for row in plan]
    assert any(f"SEARCH coursekit_enrolment USING COVERING INDEX {INDEX}" in d for d in details)
