"""Reading reports: figures per module version, pages of learners, rows to export, and
the enrolment behind a learner's record.

Every function sends a fixed number of statements, whatever the number of learners,
versions and events; the figures come from :mod:`coursekit.progress.reports.figures`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, and_, case, func, or_, select, tuple_
from sqlalchemy.orm import aliased, lazyload

from coursekit import db
from coursekit.accounts.models import User
from coursekit.catalog.models import Enrolment
from coursekit.packages.models import ModuleVersion
from coursekit.progress.reports.figures import enrolment_figures
from coursekit.progress.reports.filters import LearnerState, state_condition
from coursekit.progress.rules import WorksheetStage

PAGE_SIZE = 100
"""Learners on one page of a learners list."""
SORT_AT_MOST = 2_000
"""A learners list of a version with at most this many learners sorts them all to find a
page; a bigger one walks the learners' names in order (see ``_page_of_learners``)."""
BATCH = 500
"""Rows fetched at a time while an export streams."""


# Aliases are built once: building one per call cost about 0.8 ms per request.
_CURSOR_USER = aliased(User, name="cursor_user")


@dataclass(frozen=True)
class VersionSummary:
    """What happened in one module version, over all its enrolments."""

    version: ModuleVersion
    enrolled: int = 0
    in_progress: int = 0
    """Not completed, with at least one record besides the enrolment."""
    completed: int = 0
    attempted: int = 0
    """Learners with at least one graded (submitted) post-test attempt."""
    passed: int = 0
    """Learners among ``attempted`` whose current grade passed on some attempt."""
    evaluations: int = 0
    median_seat_seconds: float | None = None
    """Over the learners with any seat time."""
    median_attempts: float | None = None
    """Post-test attempts started, over the learners who started one."""

    @property
    def not_started(self) -> int:
        return self.enrolled - self.in_progress - self.completed

    @property
    def pass_rate(self) -> float | None:
        """The share of ``attempted`` who passed, 0..1; None when nobody attempted."""
        return self.passed / self.attempted if self.attempted else None

    @property
    def median_seat_minutes(self) -> float | None:
        return None if self.median_seat_seconds is None else self.median_seat_seconds / 60


def _ranks(name: str, version: Any, value: Any, counted: Any) -> tuple[Any, Any]:
    """Each row's rank by ``value`` among the rows of its version that are ``counted``,
    and how many those are: a median then needs no second pass over the rows. Both are
    over the same ordering (the count framed over the whole partition), which PostgreSQL
    sorts once for the two."""
    window = {"partition_by": (version, counted), "order_by": value}
    return (
        func.row_number().over(**window).label(f"{name}_rank"),
        func.count().over(**window, rows=(None, None)).label(f"{name}_size"),
    )


def _median(value: Any, rank: Any, size: Any, counted: ColumnElement[bool]) -> Any:
    """The mean of the middle row (odd size) or the two middle rows (even size): ranks r
    with size <= 2r <= size + 2."""
    return func.avg(value).filter(and_(counted, 2 * rank >= size, 2 * rank <= size + 2))


def version_summaries(versions: Sequence[ModuleVersion]) -> list[VersionSummary]:
    """A summary of each version, in the order given (one statement)."""
    if not versions:
        return []
    scope = select(Enrolment.id).where(Enrolment.module_version_id.in_([v.id for v in versions]))
    f = enrolment_figures(scope).subquery("figures")
    completed = f.c.completed_at.is_not(None)
    started = or_(
        f.c.lesson_events > 0,
        f.c.attempts > 0,
        f.c.worksheet_submissions > 0,
        f.c.evaluated_at.is_not(None),
    )
    # Only what is counted goes on into the windows: each sorts every row it carries.
    ranked = select(
        f.c.module_version_id,
        case((completed, 1), else_=0).label("completed"),
        case((and_(~completed, started), 1), else_=0).label("in_progress"),
        case((f.c.graded_attempts > 0, 1), else_=0).label("attempted"),
        case((f.c.passed_attempts > 0, 1), else_=0).label("passed"),
        case((f.c.evaluated_at.is_not(None), 1), else_=0).label("evaluated"),
        f.c.seat_seconds,
        f.c.attempts,
        *_ranks("seat", f.c.module_version_id, f.c.seat_seconds, f.c.seat_seconds > 0),
        *_ranks("tries", f.c.module_version_id, f.c.attempts, f.c.attempts > 0),
    ).subquery("ranked")
    r = ranked.c
    rows = db.session.execute(
        select(
            r.module_version_id,
            func.count().label("enrolled"),
            func.sum(r.in_progress).label("in_progress"),
            func.sum(r.completed).label("completed"),
            func.sum(r.attempted).label("attempted"),
            func.sum(r.passed).label("passed"),
            func.sum(r.evaluated).label("evaluations"),
            _median(r.seat_seconds, r.seat_rank, r.seat_size, r.seat_seconds > 0).label("seat"),
            _median(r.attempts, r.tries_rank, r.tries_size, r.attempts > 0).label("tries"),
        ).group_by(r.module_version_id)
    )
    found = {row.module_version_id: row for row in rows}
    summaries = []
    for module_version in versions:
        row = found.get(module_version.id)
        if row is None:
            summaries.append(VersionSummary(module_version))
            continue
        summaries.append(
            VersionSummary(
                module_version,
                enrolled=row.enrolled,
                in_progress=row.in_progress,
                completed=row.completed,
                attempted=row.attempted,
                passed=row.passed,
                evaluations=row.evaluations,
                # PostgreSQL's avg() answers a Decimal.
                median_seat_seconds=None if row.seat is None else float(row.seat),
                median_attempts=None if row.tries is None else float(row.tries),
            )
        )
    return summaries


def worksheet_stage(submissions: int, reviews: int) -> WorksheetStage:
    """Where an enrolment stands on its worksheet, from its counts of records."""
    if reviews:
        return WorksheetStage.REVIEWED
    return WorksheetStage.SUBMITTED if submissions else WorksheetStage.NOT_SUBMITTED


@dataclass(frozen=True)
class LearnerRow:
    """One learner's enrolment in a version, as the learners list and its CSV show it."""

    enrolment_id: int
    user_id: int
    first_name: str
    last_name: str
    email: str
    nccaom_id: str | None
    enrolled_at: datetime
    lessons_completed: int
    seat_minutes: int
    attempts: int
    best_percent: float | None
    passed: bool | None
    """None when no attempt has been graded yet."""
    worksheet: WorksheetStage
    evaluated: bool
    completed_at: datetime | None

    @classmethod
    def from_row(cls, row: Row[Any]) -> LearnerRow:
        """The learner's row from a result row of :func:`learner_query`."""
        return cls(
            enrolment_id=row.enrolment_id,
            user_id=row.user_id,
            first_name=row.first_name,
            last_name=row.last_name,
            email=row.email,
            nccaom_id=row.nccaom_id,
            enrolled_at=row.enrolled_at,
            lessons_completed=row.lessons_completed,
            seat_minutes=int(row.seat_seconds) // 60,
            attempts=row.attempts,
            best_percent=row.best_percent,
            passed=bool(row.passed_attempts) if row.graded_attempts else None,
            worksheet=worksheet_stage(row.worksheet_submissions, row.worksheet_reviews),
            evaluated=row.evaluated_at is not None,
            completed_at=row.completed_at,
        )


_BY_NAME = (User.last_name, User.first_name, User.id)
"""Learners by name; the learner's id breaks ties, in the order of the name index
(migration 0012)."""


def learner_query(scope: Select[Any]) -> Select[Any]:
    """The enrolments in ``scope`` with their learners and figures, by name."""
    return (
        enrolment_figures(scope)
        .add_columns(User.first_name, User.last_name, User.email, User.nccaom_id)
        .join(User, User.id == Enrolment.user_id)
        .order_by(*_BY_NAME)
    )


@dataclass(frozen=True)
class LearnersPage:
    """Up to ``PAGE_SIZE`` learners by name, and the learners that links to the pages
    either side start from (None where there is nothing more that way)."""

    rows: list[LearnerRow]
    previous_before: int | None
    """Learner id: the previous page is the learners before this one."""
    next_after: int | None
    """Learner id: the next page is the learners after this one."""


def _page_of_learners(
    version: ModuleVersion,
    total: int,
    cursor: int | None,
    backwards: bool,
    state: LearnerState | None,
) -> Select[Any]:
    """The ids of the learners (in ``state``, if given) from ``cursor`` (itself
    included) on, by name or backwards, one more than a page beyond it: names are read
    in the order of the name index from the cursor's name and stop at the limit,
    whatever the number of learners.

    Which side drives is chosen by the version's size, because SQLite has no statistics
    to choose by: walking names and checking each learner's enrolment reads about
    ``PAGE_SIZE * users / total`` names, too many in a small version among many
    accounts, where sorting the version's few learners is cheap (PostgreSQL's planner
    picks the same way from its statistics, with either form). A state filter always
    sorts: walking names to find the few learners in a rare state (a worksheet waiting)
    would read every name."""
    in_version = [Enrolment.module_version_id == version.id]
    if state is not None:
        in_version.append(state_condition(state))
    if total > SORT_AT_MOST and state is None:
        enrolled = select(Enrolment.id).where(*in_version, Enrolment.user_id == User.id)
        query = select(User.id).where(enrolled.exists())
    else:
        query = select(User.id).join(Enrolment, Enrolment.user_id == User.id).where(*in_version)
    key = tuple_(*_BY_NAME)
    if cursor is not None:
        bound = select(_CURSOR_USER.last_name, _CURSOR_USER.first_name, _CURSOR_USER.id).where(
            _CURSOR_USER.id == cursor
        )
        query = query.where(
            key <= bound.scalar_subquery() if backwards else key >= bound.scalar_subquery()
        )
    order = [column.desc() for column in _BY_NAME] if backwards else list(_BY_NAME)
    extra = 2 if cursor is not None else 1
    return query.order_by(*order).limit(PAGE_SIZE + extra)


def learners_page(
    version: ModuleVersion,
    total: int,
    *,
    after: int | None = None,
    before: int | None = None,
    state: LearnerState | None = None,
) -> LearnersPage | None:
    """The version's learners (those in ``state``, if given) by name after the learner
    ``after``, or before the learner ``before``, or from the first (one statement;
    ``total`` is :func:`enrolled_count`). None when that learner is not in the list (a
    link made up, from another version or state, or the learner's state changed)."""
    cursor = before if before is not None else after
    backwards = before is not None
    page = _page_of_learners(version, total, cursor, backwards, state)
    scope = select(Enrolment.id).where(
        Enrolment.module_version_id == version.id, Enrolment.user_id.in_(page)
    )
    rows = [LearnerRow.from_row(row) for row in db.session.execute(learner_query(scope))]
    if cursor is not None:
        # The cursor's own learner comes first (last backwards) if it is the version's.
        edge = -1 if backwards else 0
        if not rows or rows[edge].user_id != cursor:
            return None
        del rows[edge]
    more = len(rows) > PAGE_SIZE
    if backwards:
        rows = rows[-PAGE_SIZE:]
        return LearnersPage(rows, rows[0].user_id if more else None, _last(rows))
    rows = rows[:PAGE_SIZE]
    previous = None if cursor is None else (rows[0].user_id if rows else cursor)
    return LearnersPage(rows, previous, _last(rows) if more else None)


def _last(rows: list[LearnerRow]) -> int | None:
    return rows[-1].user_id if rows else None


def enrolled_count(version: ModuleVersion) -> int:
    """How many learners enrolled in the version (one statement)."""
    query = select(func.count()).where(Enrolment.module_version_id == version.id)
    return db.session.scalar(query) or 0


def learner_rows(version: ModuleVersion) -> Iterator[LearnerRow]:
    """Every learner of the version, by name, read ``BATCH`` rows at a time (one
    statement), so an export holds one batch in memory whatever the number of learners."""
    scope = select(Enrolment.id).where(Enrolment.module_version_id == version.id)
    query = learner_query(scope).execution_options(yield_per=BATCH)
    for row in db.session.execute(query):
        yield LearnerRow.from_row(row)


def enrolment_record(enrolment_id: int) -> tuple[Enrolment, User] | None:
    """The enrolment (with its module version) and its learner, or None (one statement;
    none for an id beyond what the column holds, which exists nowhere)."""
    if not 0 < enrolment_id <= db.MAX_ID:
        return None
    row = db.session.execute(
        select(Enrolment, User)
        .join(User, User.id == Enrolment.user_id)
        .where(Enrolment.id == enrolment_id)
        .options(lazyload(User.roles))  # a record does not show the learner's roles
    ).first()
    return None if row is None else (row[0], row[1])
