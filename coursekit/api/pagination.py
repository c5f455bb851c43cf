"""Cursor pagination: ``?limit=1..100&cursor=…`` → ``{"items": [...], "next_cursor": …}``.

A cursor is opaque to clients: the key of the last item served and the endpoint it
belongs to, signed with the app's secret key so it cannot be forged or carried to
another list. A cursor that does not verify, or whose item has left the list, is a 400.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer
from marshmallow import Schema, fields, validate

from coursekit.api.errors import fail

T = TypeVar("T")
DEFAULT_LIMIT = 50
MAX_LIMIT = 100


class PageQuery(Schema):
    """The paging parameters of every list endpoint; list filters extend it."""

    limit = fields.Integer(
        load_default=DEFAULT_LIMIT,
        validate=validate.Range(1, MAX_LIMIT),
        metadata={"description": f"Items per page, 1 to {MAX_LIMIT}."},
    )
    cursor = fields.String(
        load_default=None,
        metadata={"description": "The next_cursor of the previous page; omit for the first."},
    )


@functools.cache
def page_schema(item: type[Schema]) -> type[Schema]:
    """The schema of a page of ``item`` (one class per item schema, for the document)."""
    name = item.__name__.removesuffix("Schema") + "Page"
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item), required=True),
            "next_cursor": fields.String(required=True, allow_none=True),
        },
        name=name,
    )


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="coursekit.api.cursor")


def _state(cursor: str) -> dict[str, Any]:
    """The verified content of ``cursor``: signed by us, for this endpoint."""
    try:
        state = _serializer().loads(cursor)
    except BadSignature:
        state = None
    if not isinstance(state, dict) or state.get("endpoint") != request.endpoint:
        fail(400, "invalid_cursor", "The cursor is not one this list gave out.")
    return state


def _cursor(name: str, position: Any) -> str:
    return _serializer().dumps({"endpoint": request.endpoint, name: position})


def paginate(items: Sequence[T], key: Callable[[T], Any], query: dict[str, Any]) -> dict[str, Any]:
    """One page of ``items`` (already in their list's order) after ``query["cursor"]``."""
    start = 0
    if query["cursor"] is not None:
        state = _state(query["cursor"])
        keys = [key(item) for item in items]
        if state.get("after") not in keys:
            fail(400, "stale_cursor", "The list changed under the cursor; start again.")
        start = keys.index(state["after"]) + 1
    page = list(items[start : start + query["limit"]])
    more = start + len(page) < len(items)
    return {
        "items": page,
        "next_cursor": _cursor("after", key(page[-1])) if more and page else None,
    }


Search = Callable[[int, int], tuple[Sequence[T], int]]
"""``search(limit, offset)`` → one page of rows and how many match in all."""

PageAfter = Callable[[int | None], tuple[Sequence[T], int | None] | None]
"""``page_after(key)`` → the page after the item ``key`` (from the first for None) and
the key the next page starts after (None at the end); None when ``key`` left the list."""


def _position(cursor: str | None, name: str) -> int | None:
    """The position (``offset`` or ``after``) the cursor carries; None without one."""
    if cursor is None:
        return None
    position = _state(cursor).get(name)
    if not isinstance(position, int) or isinstance(position, bool) or position < 0:
        fail(400, "invalid_cursor", "The cursor is not one this list gave out.")
    return position


def paginate_search(search: Search[T], query: dict[str, Any]) -> dict[str, Any]:
    """One page of ``search``'s rows after ``query["cursor"]`` (``PageQuery`` fields)."""
    offset = _position(query["cursor"], "offset") or 0
    rows, total = search(query["limit"], offset)
    end = offset + len(rows)
    more = bool(rows) and end < total
    return {"items": list(rows), "next_cursor": _cursor("offset", end) if more else None}


def paginate_after(page_after: PageAfter[T], query: dict[str, Any]) -> dict[str, Any]:
    """One page of ``page_after``'s rows after ``query["cursor"]``."""
    found = page_after(_position(query["cursor"], "after"))
    if found is None:
        fail(400, "stale_cursor", "The list changed under the cursor; start again.")
    rows, next_after = found
    cursor = _cursor("after", next_after) if next_after is not None else None
    return {"items": list(rows), "next_cursor": cursor}
