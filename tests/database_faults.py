"""Breaking the app's database connection in the middle of a request, for the fault tests.

``DatabaseFault(app).at(n)`` breaks the connection just before the request's n-th SQL
statement; ``at_commit()`` just before its commit. On PostgreSQL the break is real: the
server ends the connection's backend (``pg_terminate_backend``), so the driver meets a
closed connection as it would when the server goes away. SQLite has no server: the
statement fails with the error a vanished or unreadable database file gives
(``disk I/O error``), raised from inside the driver call so SQLAlchemy wraps it as it
wraps a real one.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from flask import Flask
from sqlalchemy import create_engine, event, text
from sqlalchemy.pool import NullPool

from coursekit.models import Base


class DatabaseFault:
    """One app's fault switch: armed for one request at a time."""

    def __init__(self, app: Flask) -> None:
        self.engine = app.extensions["coursekit"].db.engine
        self.postgresql = self.engine.dialect.name == "postgresql"
        self.target: int | None = None
        self.on_commit = False
        self.seen = 0
        self.fired = False
        for name in ("do_execute", "do_execute_no_params", "do_executemany"):
            event.listen(self.engine, name, self._statement)
        self._commit = self.engine.dialect.do_commit
        self.engine.dialect.do_commit = self._do_commit  # type: ignore[method-assign]

    def at(self, statement: int) -> DatabaseFault:
        """Break the connection before the ``statement``-th statement (1-based) sent
        from now on."""
        self.target, self.on_commit, self.seen, self.fired = statement, False, 0, False
        return self

    def at_commit(self) -> DatabaseFault:
        """Break the connection just before the next commit."""
        self.target, self.on_commit, self.seen, self.fired = None, True, 0, False
        return self

    def off(self) -> bool:
        """Disarm; whether the fault was reached."""
        fired = self.fired
        self.target, self.on_commit = None, False
        return fired

    def _statement(self, cursor: Any, *_args: Any) -> None:
        if self.target is None:
            return
        self.seen += 1
        if self.seen == self.target:
            self.target = None
            self._break(cursor.connection)

    def _do_commit(self, dbapi_connection: Any) -> None:
        if self.on_commit:
            self.on_commit = False
            self._break(dbapi_connection)
        self._commit(dbapi_connection)

    def _break(self, dbapi_connection: Any) -> None:
        self.fired = True
        if not self.postgresql:
            raise sqlite3.OperationalError("disk I/O error")
        # A commit hands over the pool's wrapper, a statement the driver's connection.
        driver = getattr(dbapi_connection, "dbapi_connection", dbapi_connection)
        backend = driver.info.backend_pid
        admin = create_engine(self.engine.url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            # Wait (up to 5 s) until the backend has really gone.
            connection.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": backend})
        admin.dispose()


def snapshot(app: Flask) -> dict[str, list[tuple]]:
    """Every row of every coursekit table, in primary-key order: two snapshots are
    equal only when nothing at all was written in between."""
    engine = app.extensions["coursekit"].db.engine
    rows = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            rows[table.name] = [
                tuple(row) for row in connection.execute(table.select().order_by(*order))
            ]
    return rows
