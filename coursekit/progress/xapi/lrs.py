"""A Learning Record Store's statements resource, spoken to with the standard library.

Batches go out as one ``POST /statements`` with a JSON array. Every statement carries
its own id, so sending one again is harmless: an LRS that already has a statement MUST
NOT change anything, and answers ``409 Conflict`` or success. A 409 for a batch does
not say which statement it was about, nor whether the others were stored, so the batch
is then sent again one statement at a time with ``PUT /statements?statementId=…``.

Redirects are not followed: the credentials must go to the configured address only (and
urllib would turn a redirected POST into a GET without its body).
"""

from __future__ import annotations

import base64
import http.client
import time
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urlsplit

from coursekit.progress.xapi.statements import XAPI_VERSION

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
"""Answers after which the same request may succeed later."""


class LrsError(Exception):
    """The LRS refused the statements or could not be reached. ``retry`` says whether
    the same request may succeed later (an outage) or not (wrong credentials)."""

    def __init__(self, message: str, *, retry: bool) -> None:
        super().__init__(message)
        self.message = message
        self.retry = retry


@dataclass(frozen=True)
class Encoded:
    """A statement ready to send: its id and its JSON text."""

    id: str
    json: str


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


@dataclass(frozen=True)
class Lrs:
    """The LRS at ``endpoint`` (the xAPI base address, ending before ``statements``)."""

    endpoint: str
    username: str | None = None
    password: str | None = None
    timeout: float = 30
    retries: int = 5
    """Tries per batch; between them, ``backoff`` seconds, doubling each time."""
    backoff: float = 2.0

    def __post_init__(self) -> None:
        if urlsplit(self.endpoint).scheme not in ("http", "https"):
            raise ValueError(f"COURSEKIT_XAPI_ENDPOINT {self.endpoint!r} is not an http(s) address")
        if self.retries < 1:
            raise ValueError("COURSEKIT_XAPI_RETRIES must be at least 1")

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Lrs | None:
        """The configured LRS, or None when ``COURSEKIT_XAPI_ENDPOINT`` is unset."""
        if not config["COURSEKIT_XAPI_ENDPOINT"]:
            return None
        return cls(
            endpoint=config["COURSEKIT_XAPI_ENDPOINT"],
            username=config["COURSEKIT_XAPI_USERNAME"],
            password=config["COURSEKIT_XAPI_PASSWORD"],
            timeout=config["COURSEKIT_XAPI_TIMEOUT"],
            retries=config["COURSEKIT_XAPI_RETRIES"],
            backoff=config["COURSEKIT_XAPI_BACKOFF_SECONDS"],
        )

    @property
    def statements_url(self) -> str:
        return self.endpoint.rstrip("/") + "/statements"

    def store(self, batch: Sequence[Encoded]) -> int:
        """Store ``batch``, trying again after failures that may pass; returns how many
        statements were answered 409 one by one (the LRS holds a statement under that id
        and keeps it). Raises ``LrsError`` when the LRS refuses, or is still failing
        after the last try."""
        tries = 0
        while True:
            try:
                return self._store_once(batch)
            except LrsError as exc:
                tries += 1
                if not exc.retry or tries >= self.retries:
                    raise
            time.sleep(self.backoff * 2 ** (tries - 1))

    def _store_once(self, batch: Sequence[Encoded]) -> int:
        body = "[" + ",".join(statement.json for statement in batch) + "]"
        if self._send("POST", self.statements_url, body) != 409:
            return 0
        conflicts = 0
        for statement in batch:
            url = f"{self.statements_url}?{urlencode({'statementId': statement.id})}"
            conflicts += self._send("PUT", url, statement.json) == 409
        return conflicts

    def _send(self, method: str, url: str, body: str) -> int:
        """The HTTP status of a 2xx or 409 answer; raises ``LrsError`` for anything else."""
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-Experience-API-Version": XAPI_VERSION,
        }
        if self.username is not None:
            token = f"{self.username}:{self.password or ''}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(token).decode("ascii")
        # The scheme was checked to be http(s) when the endpoint was configured.
        request = urllib.request.Request(  # noqa: S310
            url, data=body.encode(), method=method, headers=headers
        )
        try:
            with _OPENER.open(request, timeout=self.timeout) as response:
                return response.status
        except HTTPError as exc:
            try:
                if exc.code == 409:
                    return 409
                raise self._refused(exc) from None
            finally:
                exc.close()
        except (URLError, OSError, http.client.HTTPException) as exc:
            reason = exc.reason if isinstance(exc, URLError) else exc
            raise LrsError(
                f"could not reach the LRS at {self.endpoint}: {reason or type(exc).__name__}",
                retry=True,
            ) from None

    def _refused(self, exc: HTTPError) -> LrsError:
        status = f"HTTP {exc.code}"
        if exc.code == 401:
            return LrsError(
                f"the LRS at {self.endpoint} refused the user name or password ({status}): "
                "check COURSEKIT_XAPI_USERNAME and COURSEKIT_XAPI_PASSWORD",
                retry=False,
            )
        if exc.code == 403:
            return LrsError(
                f"the LRS at {self.endpoint} does not let these credentials store statements "
                f"({status})",
                retry=False,
            )
        if exc.code == 404:
            return LrsError(
                f"no xAPI statements resource at {self.statements_url} ({status}): "
                "check COURSEKIT_XAPI_ENDPOINT",
                retry=False,
            )
        if 300 <= exc.code < 400:
            return LrsError(
                f"the LRS redirects to {exc.headers.get('Location')} ({status}): set "
                "COURSEKIT_XAPI_ENDPOINT to the address it redirects to",
                retry=False,
            )
        if exc.code in RETRY_STATUSES:
            return LrsError(f"the LRS at {self.endpoint} failed ({status})", retry=True)
        detail = exc.read(300).decode("utf-8", "replace").strip()
        return LrsError(f"the LRS rejected the statements ({status}): {detail}", retry=False)
