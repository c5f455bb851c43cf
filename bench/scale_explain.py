"""The plans of the SQL a page actually sends: captured while it runs, then EXPLAINed.

``captured(app, action)`` records every statement (with its parameters) that ``action``
sends, through SQLAlchemy's ``before_cursor_execute`` event; ``explain`` runs each
``SELECT`` again under ``EXPLAIN QUERY PLAN`` (SQLite) or ``EXPLAIN`` (PostgreSQL, whose
statistics the data set keeps fresh with ``VACUUM ANALYZE``) and names the big tables a
plan reads whole: a ``SCAN`` of the table or of one of its indexes on SQLite, a
``Seq Scan`` on PostgreSQL. A SQLite ``SCAN`` of an index in a statement with a ``LIMIT``
is not counted: it walks the index in the order asked for and stops at the limit (the
first page of a keyset-paged list), as PostgreSQL's ``Index Scan`` under a ``Limit``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask
from sqlalchemy import event

BIG_TABLES = frozenset(
    f"coursekit_{name}"
    for name in (
        "user",
        "user_role",
        "state_licence",
        "enrolment",
        "lesson_event",
        "attempt",
        "attempt_answer",
        "attempt_grade",
        "worksheet_submission",
        "worksheet_review",
        "evaluation_response",
        "completion",
        "certificate",
        "certificate_file",
    )
)
"""Tables that grow with the number of learners; the others hold a row per module,
setting or administrator."""
_SQLITE_SCAN = re.compile(r"^SCAN (\w+)")
_SQLITE_INDEX_WALK = re.compile(r"^SCAN \w+ USING (COVERING )?INDEX ")
_LIMIT = re.compile(r"\bLIMIT\b", re.IGNORECASE)
_POSTGRESQL_SCAN = re.compile(r"Seq Scan on (\w+)")


@dataclass(frozen=True)
class Plan:
    """One statement a page sent, its plan, and the big tables the plan reads whole."""

    page: str
    statement: str
    plan: list[str]
    full_scans: tuple[str, ...]


def captured(app: Flask, action: Callable[[], object]) -> list[tuple[str, Any]]:
    """The ``SELECT`` statements (and parameters) ``action`` sends to ``app``'s database."""
    engine = app.extensions["coursekit"].db.engine
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def explain(app: Flask, page: str, statements: list[tuple[str, Any]]) -> list[Plan]:
    """The plan of each statement, with the big tables it scans whole."""
    engine = app.extensions["coursekit"].db.engine
    sqlite = engine.dialect.name == "sqlite"
    plans = []
    with engine.connect() as connection:
        for statement, parameters in statements:
            if sqlite:
                rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
                lines = [row[3] for row in rows]
                limited = _LIMIT.search(statement) is not None
                scans = (
                    _SQLITE_SCAN.match(line)
                    for line in lines
                    if not (limited and _SQLITE_INDEX_WALK.match(line))
                )
            else:
                rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
                lines = [row[0] for row in rows]
                scans = (_POSTGRESQL_SCAN.search(line) for line in lines)
            full = tuple(dict.fromkeys(m.group(1) for m in scans if m and m.group(1) in BIG_TABLES))
            plans.append(Plan(page, statement, lines, full))
        connection.rollback()
    return plans


def summary(plans: list[Plan], lookups: set[str]) -> tuple[int, int, list[str]]:
    """How many statements read no big table whole, out of how many; and the offenders:
    full scans on ``lookups`` pages, whose records are one learner's or one certificate's
    and should be found through an index."""
    indexed = sum(1 for plan in plans if not plan.full_scans)
    offenders = [
        f"{plan.page}: reads {', '.join(plan.full_scans)} whole — {_short(plan.statement)}"
        for plan in plans
        if plan.full_scans and plan.page in lookups
    ]
    return indexed, len(plans), offenders


def _short(statement: str) -> str:
    flat = " ".join(statement.split())
    return flat if len(flat) <= 160 else flat[:157] + "..."
