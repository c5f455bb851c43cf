"""A clock for the lesson views, so seat-time tests say how much time passed instead of
sleeping. The ``clock`` fixture (``tests/conftest.py``) puts it in place."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    """Stands in for ``utcnow`` in the lesson views."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)
