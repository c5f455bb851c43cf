"""The data layer: declarative base, one engine per app, one session per app context.

Writes in ``operations.py`` modules only flush. The coursekit blueprint commits once per
request when the response succeeded and rolls back otherwise; CLI commands commit
themselves. The session is closed when the app context tears down.

SQLite gets WAL, foreign keys, a busy timeout and ``BEGIN IMMEDIATE`` for requests that
may write, so two writers queue on the lock instead of failing half-way with
"database is locked" after one of them has already read stale data. Its ``lower()`` is
replaced by Python's, which folds every letter (É, Ø), as PostgreSQL's does in a UTF-8
database: :func:`contains_text` is case-insensitive the same way on both.

With ``COURSEKIT_RAISE_ON_LAZY_LOAD`` (the test suite sets it) a request that loads a
relationship lazily, or reloads an attribute it had not loaded, raises
:class:`LazyLoadInRequest`: pages load what they show in their own queries, so their query
count does not grow with the rows they list.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from flask import current_app, g, has_request_context, request
from sqlalchemy import ColumnElement, DateTime, Engine, MetaData, create_engine, event, func
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, ORMExecuteState, Session
from sqlalchemy.types import TypeDecorator
from werkzeug.local import LocalProxy

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
TABLE_PREFIX = "coursekit_"
MAX_ID = 2**31 - 1
"""The largest integer primary key (PostgreSQL's ``integer``): larger ids in a URL exist
nowhere, and must not reach the database driver, which would fail on them."""
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_WRITE_OPTION = "coursekit_write"
F = TypeVar("F", bound=Callable[..., Any])


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend.

    SQLite stores no offset, so values come back naive; they are UTC by construction here,
    and this type says so. Naive values are refused on the way in, because a naive local
    time silently stored as UTC would corrupt learner records.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use datetime.now(UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    """Base of every coursekit model; table names carry the ``coursekit_`` prefix."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def default_sqlite_url(instance_path: str) -> str:
    """The default database: a SQLite file in the app's instance folder.

    The file is created readable by its owner only (it holds learners' identities);
    SQLite gives its WAL and shared-memory files the same permissions.
    """
    path = Path(instance_path) / "coursekit.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return f"sqlite:///{path}"


def make_engine(url: str, *, sqlite_busy_timeout_ms: int = 5000) -> Engine:
    """Create the engine for ``url``; SQLite connections get the pragmas described above."""
    engine = create_engine(url, pool_pre_ping=not url.startswith("sqlite"))
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, sqlite_busy_timeout_ms)
    return engine


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()
        # SQLite's own lower() folds only ASCII letters; searches must find "Østergaard"
        # by "øster" as PostgreSQL does.
        dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        write = connection.get_execution_options().get(_WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _unicode_lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def contains_text(column: ColumnElement[str], text: str) -> ColumnElement[bool]:
    """Whether ``column`` contains ``text``, ignoring letter case (every alphabet, on
    SQLite and PostgreSQL alike); ``%`` and ``_`` match only themselves."""
    return func.lower(column).contains(text.lower(), autoescape=True)


class LazyLoadInRequest(BaseException):
    """A request emitted SQL to load a relationship or an attribute on first access.

    A ``BaseException``, like ``KeyboardInterrupt``: it reports a mistake in the code, so
    best-effort handlers that catch every ``Exception`` (a certificate mail, a template
    error turned into a message) must not hide it, nor Jinja take it for an undefined
    value. It is only raised with ``COURSEKIT_RAISE_ON_LAZY_LOAD`` on.
    """


class LazyLoadRefusingSession(Session):
    """The session used when ``COURSEKIT_RAISE_ON_LAZY_LOAD`` is on (in tests)."""


@event.listens_for(LazyLoadRefusingSession, "do_orm_execute")
def _refuse_lazy_load_in_request(execution: ORMExecuteState) -> None:
    """Raise when a request's statement is a lazy load rather than one the code wrote.

    A lazy loader marks its statement with the object it loads for (``lazy_loaded_from``);
    eager loaders (selectin, subquery) do not, so explicit eager loading stays allowed.
    When the lazy loader runs as part of a statement the code wrote (``immediateload``,
    or ``session.refresh()`` reloading eager relationships) SQLAlchemy passes that
    statement's context along, and the load is allowed. A reload of expired or deferred
    columns is a column load; ``session.refresh()`` (taking a row lock, say) is one the
    code asked for, so it stays allowed too.

    The underscored attributes and ``sa_top_level_orm_context`` are SQLAlchemy 2.1
    internals with no public equivalent; ``tests/test_lazy_loads.py`` fails if an upgrade
    changes them.
    """
    if not has_request_context() or not execution.is_select:
        return
    if (
        execution.lazy_loaded_from is not None
        and "sa_top_level_orm_context" not in execution.execution_options
    ):
        relationship = execution.loader_strategy_path[-1]
        what = f"relationship {relationship}"
    elif execution.is_column_load and not execution.load_options._is_user_refresh:
        state = execution.load_options._refresh_state
        names = sorted(execution._orm_compile_options()._only_load_props or ())
        what = f"attributes {', '.join(names) or '(all)'} of a loaded {state.class_.__name__}"
    else:
        return
    raise LazyLoadInRequest(
        f"{what} loaded lazily in a request to {request.endpoint!r}: load it in the "
        "view's query (selectinload, joinedload, contains_eager or a query in queries.py)"
    )


class Database:
    """Per-app database state: the engine and its write-mode twin.

    ``raise_on_lazy_load`` gives requests sessions that refuse lazy loads (see above).
    """

    def __init__(self, engine: Engine, *, raise_on_lazy_load: bool = False) -> None:
        self.engine = engine
        self.write_engine = engine.execution_options(**{_WRITE_OPTION: True})
        self._session_class = LazyLoadRefusingSession if raise_on_lazy_load else Session

    def new_session(self, *, write: bool = True) -> Session:
        """A fresh session; ``write`` takes SQLite's write lock at the first statement.

        Objects stay readable after the commit (``expire_on_commit=False``): the request
        commits in an after-request hook, and templates and the signed-in user must not
        trigger a fresh query, or a new transaction, after that.
        """
        return self._session_class(
            bind=self.write_engine if write else self.engine, expire_on_commit=False
        )


def _state_db() -> Database:
    return current_app.extensions["coursekit"].db


_WRITES_ON_GET = "_coursekit_writes_on_get"


def writes_on_get(view: F) -> F:
    """Mark a view that records something on GET (a lesson view appends an "opened"
    event), so its session takes the write lock from the start."""
    setattr(view, _WRITES_ON_GET, True)
    return view


def get_session() -> Session:
    """The session of the current app context, created on first use.

    Requests with a safe method read without taking SQLite's write lock; anything else
    (other requests, CLI commands, tests) opens a write transaction. So GET views must
    not write unless marked with :func:`writes_on_get`: on SQLite a read transaction
    that tries to become a writer can fail at once with "database is locked" instead of
    waiting its turn.
    """
    session = g.get("_coursekit_session")
    if session is None:
        write = (
            not has_request_context()
            or request.method not in SAFE_METHODS
            or getattr(current_app.view_functions.get(request.endpoint), _WRITES_ON_GET, False)
        )
        session = _state_db().new_session(write=write)
        g._coursekit_session = session
    return session


session: Session = LocalProxy(get_session)  # type: ignore[assignment]
"""``db.session`` — the current app context's session."""


def commit_request(response_ok: bool) -> None:
    """Commit the request's work if it succeeded, roll it back otherwise."""
    current = g.get("_coursekit_session")
    if current is None:
        return
    if not response_ok:
        current.rollback()
        return
    try:
        current.commit()
    except BaseException:
        # A COMMIT the database refused (busy, disk full, gone) may leave the
        # transaction open on the connection, which would go back to the pool with it.
        current.rollback()
        raise


_AFTER_COMMIT = "coursekit_after_commit"


def after_commit(callback: Callable[[], None]) -> None:
    """Call ``callback`` once the current session's transaction is committed, and never
    if it (or the savepoint it was queued in) is rolled back.

    For what leaves the database: a mail about a certificate must not go out for one
    that a failed commit then lost, whose number the next issue reuses. The callback runs
    inside ``commit()``, so it must not raise.
    """
    current = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_AFTER_COMMIT, []).append((current, callback))


@event.listens_for(Session, "after_commit")
def _run_after_commit(committed: Session) -> None:
    root = committed.get_transaction()
    if root is not None and root.is_active:
        return  # a savepoint was released; its callbacks wait for the outer commit
    for _queued_in, callback in committed.info.pop(_AFTER_COMMIT, []):
        callback()


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(rolled_back: Session, transaction: Any) -> None:
    pending = rolled_back.info.get(_AFTER_COMMIT)
    if pending:
        rolled_back.info[_AFTER_COMMIT] = [
            item for item in pending if not _inside(item[0], transaction)
        ]


@event.listens_for(Session, "after_transaction_end")
def _forget_after_commit(ended: Session, transaction: Any) -> None:
    # The outermost transaction ended: its callbacks ran at its commit, or it was
    # rolled back or closed unfinished, and none may run at a later transaction's commit.
    if transaction.parent is None:
        ended.info.pop(_AFTER_COMMIT, None)


def _inside(queued_in: Any, transaction: Any) -> bool:
    while queued_in is not None:
        if queued_in is transaction:
            return True
        queued_in = queued_in.parent
    return False


def close_session(_exc: BaseException | None = None) -> None:
    """Teardown: close (and so roll back anything uncommitted in) the app context's session."""
    current = g.pop("_coursekit_session", None)
    if current is not None:
        current.close()
