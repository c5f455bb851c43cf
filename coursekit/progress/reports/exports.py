"""CSV exports: the learners of a module version, and one enrolment's events.

Both stream: rows are read from the database a batch at a time and written out in
chunks of about ``CHUNK_CHARS``, so an export of any length holds a fixed amount in
memory. Text cells that a spreadsheet would run as a formula are defused.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from flask import Response, stream_with_context

from coursekit.packages.values import ModulePackage
from coursekit.progress.reports.queries import LearnerRow
from coursekit.progress.timeline import Event
from coursekit.spreadsheet import defused

CHUNK_CHARS = 16 * 1024
"""Characters written out at a time: fewer, larger writes than one per row, and still a
fixed bound."""

LEARNER_COLUMNS = (
    "enrolment_id",
    "first_name",
    "last_name",
    "email",
    "nccaom_id",
    "enrolled_at",
    "lessons_completed",
    "seat_minutes",
    "attempts",
    "best_percent",
    "passed",
    "worksheet",
    "evaluation_submitted",
    "completed_at",
)
EVENT_COLUMNS = (
    "at",
    "event",
    "lesson",
    "seconds",
    "attempt",
    "earned",
    "possible",
    "percent",
    "passed",
    "detail",
    "key",
)


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The CSV text of ``header`` and ``rows``, in chunks of about ``CHUNK_CHARS``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([defused(value) for value in row])
        if buffer.tell() >= CHUNK_CHARS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_response(filename: str, chunks: Iterator[str]) -> Response:
    """A streamed CSV download. The request context (and its database session) stays
    open until the last chunk is sent; personal data is never cached on the way."""
    return Response(
        stream_with_context(chunks),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def _time(at: datetime | None) -> str:
    return "" if at is None else at.isoformat(timespec="seconds")


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def learner_cells(row: LearnerRow, package: ModulePackage) -> list[object]:
    """One learner's cells, in ``LEARNER_COLUMNS`` order."""
    worksheet = row.worksheet.value if package.worksheet is not None else "not-required"
    return [
        row.enrolment_id,
        row.first_name,
        row.last_name,
        row.email,
        row.nccaom_id or "",
        _time(row.enrolled_at),
        row.lessons_completed,
        row.seat_minutes,
        row.attempts,
        "" if row.best_percent is None else f"{row.best_percent:.1f}",
        _yes_no(row.passed),
        worksheet,
        _yes_no(row.evaluated),
        _time(row.completed_at),
    ]


def event_cells(event: Event) -> list[object]:
    """One event's cells, in ``EVENT_COLUMNS`` order."""
    score = event.score
    return [
        _time(event.at),
        event.kind.value,
        event.lesson or "",
        event.seconds or "",
        event.attempt_number or "",
        "" if score is None else score.earned,
        "" if score is None else score.possible,
        "" if score is None else f"{score.percent:.1f}",
        "" if score is None else _yes_no(score.passed),
        event.detail,
        event.key,
    ]
