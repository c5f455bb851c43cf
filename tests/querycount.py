"""Counting SQL statements, so tests can hold a page to a fixed query budget."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from werkzeug.test import TestResponse

# Transaction control and connection set-up are not queries a page chooses to make.
_NOT_QUERIES = ("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA", "SAVEPOINT", "RELEASE")


@contextmanager
def count_queries(app: Flask) -> Iterator[list[str]]:
    """Collect the SQL statements ``app`` sends while the block runs."""
    engine = app.extensions["coursekit"].db.engine
    statements: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _executemany) -> None:
        if not statement.lstrip().upper().startswith(_NOT_QUERIES):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def get_counted(app: Flask, client: FlaskClient, url: str) -> tuple[TestResponse, list[str]]:
    """One GET of ``url`` and the statements it cost, the body's included (a streamed
    download runs its queries while the body is read)."""
    with count_queries(app) as statements:
        response = client.get(url)
        response.get_data()
    return response, statements


def queries_for(app: Flask, client: FlaskClient, url: str) -> list[str]:
    """The statements one GET of ``url`` costs; the page must answer 200."""
    response, statements = get_counted(app, client, url)
    assert response.status_code == 200, (url, response.status_code)
    return statements
