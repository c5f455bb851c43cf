"""Outbound HTTP shared by everything CourseKit delivers to other systems: xAPI
statements to an LRS (``coursekit.progress.xapi.lrs``) and webhook deliveries
(``coursekit.webhooks.delivery``).

Both need the same few things, so they live here once: one request with a timeout that
never follows a redirect, the answers after which the same request may succeed later,
and the exponential backoff between tries.

Redirects are not followed: credentials and signed bodies must go to the configured
address only (and urllib would turn a redirected POST into a GET without its body).
"""

from __future__ import annotations

import http.client
import random
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.error import HTTPError, URLError

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
"""Answers after which the same request may succeed later."""


@dataclass(frozen=True)
class Answer:
    """What the other side answered: its status, its ``Location`` header (for a
    redirect, which is never followed) and the start of its body."""

    status: int
    location: str | None
    body: str


class Unreachable(Exception):
    """No answer: the address did not resolve, the connection was refused or timed out."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def send(
    method: str,
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    timeout: float,
    read_limit: int = 300,
) -> Answer:
    """Send one request and return the answer, whatever its status (up to
    ``read_limit`` bytes of its body, decoded leniently). Raises ``Unreachable`` when
    no answer came. ``url`` must be an http(s) address: callers check it when it is
    configured."""
    request = urllib.request.Request(  # noqa: S310 (callers allow http(s) only)
        url, data=body, method=method, headers=dict(headers)
    )
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return Answer(response.status, None, _excerpt(response.read(read_limit)))
    except HTTPError as exc:
        try:
            return Answer(exc.code, exc.headers.get("Location"), _excerpt(exc.read(read_limit)))
        finally:
            exc.close()
    except (URLError, OSError, http.client.HTTPException) as exc:
        reason = exc.reason if isinstance(exc, URLError) else exc
        raise Unreachable(str(reason or type(exc).__name__)) from None


def may_succeed_later(status: int) -> bool:
    """Whether the same request may be answered differently later (an outage, a limit)."""
    return status in RETRY_STATUSES


def backoff_seconds(
    base: float,
    tries: int,
    *,
    cap: float | None = None,
    jitter: float = 0.0,
    rng: Callable[[], float] = random.random,
) -> float:
    """The wait after ``tries`` failed tries: ``base`` after the first, doubling each
    time, at most ``cap``. ``jitter`` (0 to 1) takes up to that fraction off at random, so
    many deliveries that failed together (a receiver's outage) do not all come back at
    the same moment."""
    if tries < 1:
        raise ValueError("backoff follows at least one failed try")
    delay = base * 2 ** (tries - 1)
    if cap is not None:
        delay = min(delay, cap)
    return delay * (1 - jitter * rng())


def _excerpt(raw: bytes) -> str:
    return raw.decode("utf-8", "replace").strip()
