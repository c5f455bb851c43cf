"""A Learning Record Store's statements resource, spoken to with the standard library.

Batches go out as one ``POST /statements`` with a JSON array. Every statement carries
its own id, so sending one again is harmless: an LRS that already has a statement MUST
NOT change anything, and answers ``409 Conflict`` or success. A 409 for a batch does
not say which statement it was about, nor whether the others were stored, so the batch
is then sent again one statement at a time with ``PUT /statements?statementId=…``.

The request itself, the retryable statuses and the backoff come from
``coursekit.outbound``, which webhook deliveries share; redirects are not followed.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from coursekit import outbound
from coursekit.progress.xapi.statements import XAPI_VERSION


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
            time.sleep(outbound.backoff_seconds(self.backoff, tries))

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
        try:
            answer = outbound.send(method, url, body.encode(), headers, timeout=self.timeout)
        except outbound.Unreachable as exc:
            raise LrsError(
                f"could not reach the LRS at {self.endpoint}: {exc.reason}", retry=True
            ) from None
        if 200 <= answer.status < 300 or answer.status == 409:
            return answer.status
        raise self._refused(answer)

    def _refused(self, answer: outbound.Answer) -> LrsError:
        status = f"HTTP {answer.status}"
        if answer.status == 401:
            return LrsError(
                f"the LRS at {self.endpoint} refused the user name or password ({status}): "
                "check COURSEKIT_XAPI_USERNAME and COURSEKIT_XAPI_PASSWORD",
                retry=False,
            )
        if answer.status == 403:
            return LrsError(
                f"the LRS at {self.endpoint} does not let these credentials store statements "
                f"({status})",
                retry=False,
            )
        if answer.status == 404:
            return LrsError(
                f"no xAPI statements resource at {self.statements_url} ({status}): "
                "check COURSEKIT_XAPI_ENDPOINT",
                retry=False,
            )
        if 300 <= answer.status < 400:
            return LrsError(
                f"the LRS redirects to {answer.location} ({status}): set "
                "COURSEKIT_XAPI_ENDPOINT to the address it redirects to",
                retry=False,
            )
        if outbound.may_succeed_later(answer.status):
            return LrsError(f"the LRS at {self.endpoint} failed ({status})", retry=True)
        return LrsError(f"the LRS rejected the statements ({status}): {answer.body}", retry=False)
