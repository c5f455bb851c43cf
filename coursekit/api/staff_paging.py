"""Pages of the lists the database pages itself (the staff lists: users, certificates,
the audit log, a version's learners), with opaque, signed cursors like
``pagination.py``'s.

``pagination.paginate`` cuts a page out of a list already in memory. These lists hold
every account, certificate, audit entry or learner ever written, so each page is read
by the same query the page calls: the console's searches take a limit and an offset
(:func:`paginate_search`), the learners list starts after a learner
(:func:`paginate_after`). The cursor carries that position, signed and bound to the
endpoint that gave it out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

from coursekit.api.errors import fail

T = TypeVar("T")
Search = Callable[[int, int], tuple[Sequence[T], int]]
"""``search(limit, offset)`` → one page of rows and how many match in all."""


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="coursekit.api.offset-cursor")


def _position(cursor: str | None, name: str) -> int | None:
    """The position (``offset`` or ``after``) the cursor carries; None without one."""
    if cursor is None:
        return None
    try:
        state = _serializer().loads(cursor)
    except BadSignature:
        state = None
    position = state.get(name) if isinstance(state, dict) else None
    if (
        state is None
        or state.get("endpoint") != request.endpoint
        or not isinstance(position, int)
        or isinstance(position, bool)
        or position < 0
    ):
        fail(400, "invalid_cursor", "The cursor is not one this list gave out.")
    return position


def _cursor(name: str, position: int) -> str:
    return _serializer().dumps({"endpoint": request.endpoint, name: position})


def paginate_search(search: Search[T], query: dict[str, Any]) -> dict[str, Any]:
    """One page of ``search``'s rows after ``query["cursor"]`` (``PageQuery`` fields)."""
    offset = _position(query["cursor"], "offset") or 0
    rows, total = search(query["limit"], offset)
    end = offset + len(rows)
    more = bool(rows) and end < total
    return {"items": list(rows), "next_cursor": _cursor("offset", end) if more else None}


PageAfter = Callable[[int | None], tuple[Sequence[T], int | None] | None]
"""``page_after(key)`` → the page after the item ``key`` (from the first for None) and
the key the next page starts after (None at the end); None when ``key`` left the list."""


def paginate_after(page_after: PageAfter[T], query: dict[str, Any]) -> dict[str, Any]:
    """One page of ``page_after``'s rows after ``query["cursor"]``."""
    found = page_after(_position(query["cursor"], "after"))
    if found is None:
        fail(400, "stale_cursor", "The list changed under the cursor; start again.")
    rows, next_after = found
    cursor = _cursor("after", next_after) if next_after is not None else None
    return {"items": list(rows), "next_cursor": cursor}
