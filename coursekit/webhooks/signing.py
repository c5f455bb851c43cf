"""Signing deliveries, and checking a signature on the receiving side.

A delivery carries ``CourseKit-Timestamp`` (Unix seconds when it was sent) and
``CourseKit-Signature``: ``v1=`` and the hex HMAC-SHA256 of ``"<timestamp>.<body>"``
under the endpoint's secret. Signing the timestamp with the body stops a captured
delivery from being replayed later with a new time; the receiver refuses timestamps
outside its tolerance and deduplicates the rest by ``CourseKit-Event-Id``.

The ``v1`` prefix names the scheme, so a later one can be sent beside it; a receiver
ignores entries of schemes it does not know.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Mapping, Sequence
from typing import Any

SCHEME = "v1"
EVENT_ID_HEADER = "CourseKit-Event-Id"
EVENT_TYPE_HEADER = "CourseKit-Event-Type"
TIMESTAMP_HEADER = "CourseKit-Timestamp"
SIGNATURE_HEADER = "CourseKit-Signature"
DEFAULT_TOLERANCE = 300
"""Seconds a delivery's timestamp may differ from the receiver's clock."""


class SignatureRefused(ValueError):
    """A delivery that must not be trusted: unsigned, tampered with, or stale."""


def new_secret() -> str:
    """A new endpoint secret: 256 random bits, with a prefix that says what it is."""
    return "whsec_" + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The ``CourseKit-Signature`` value of ``body`` sent at ``timestamp``."""
    signed = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"{SCHEME}={digest}"


def signed_headers(
    secret: str, *, event_id: str, event_type: str, body: bytes, timestamp: int
) -> dict[str, str]:
    """Every header a delivery carries."""
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "CourseKit-Webhooks/1",
        EVENT_ID_HEADER: event_id,
        EVENT_TYPE_HEADER: event_type,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(secret, timestamp, body),
    }


def verify_signature(
    secret: str | Sequence[str],
    headers: Mapping[str, str],
    body: bytes,
    tolerance: int = DEFAULT_TOLERANCE,
    *,
    now: float | None = None,
) -> dict[str, Any]:
    """Check a delivery on the receiving side and return its JSON body.

    ``secret`` is the endpoint's secret, or several (while a rotated secret is rolled
    out, accept the old and the new one); ``headers`` the request's headers (any
    mapping; names are matched without regard to case); ``body`` the raw bytes, exactly
    as received. Raises ``SignatureRefused`` when the timestamp is missing or more than
    ``tolerance`` seconds away from ``now`` (a replay, or a clock to fix), when no ``v1``
    signature matches, or when the body or its event id does not match the headers.

    A valid signature says the delivery came from CourseKit and was not changed; it
    can still arrive twice (a retry after a lost answer): deduplicate by event id.
    """
    named = {name.lower(): value for name, value in headers.items()}
    raw_time = named.get(TIMESTAMP_HEADER.lower(), "")
    try:
        sent_at = int(raw_time)
    except ValueError:
        raise SignatureRefused(f"missing or malformed {TIMESTAMP_HEADER} header") from None
    current = time.time() if now is None else now
    if abs(current - sent_at) > tolerance:
        raise SignatureRefused(
            f"timestamp {sent_at} is more than {tolerance} seconds from now: a replayed "
            "delivery, or a clock to set right"
        )
    offered = [
        value
        for scheme, _, value in (
            entry.strip().partition("=")
            for entry in named.get(SIGNATURE_HEADER.lower(), "").split(",")
        )
        if scheme == SCHEME
    ]
    secrets_to_try = [secret] if isinstance(secret, str) else list(secret)
    expected = [signature(key, sent_at, body).partition("=")[2] for key in secrets_to_try]
    if not any(
        hmac.compare_digest(mine.encode(), theirs.encode())
        for mine in expected
        for theirs in offered
    ):
        raise SignatureRefused("no valid v1 signature: wrong secret, or the body was changed")
    try:
        event = json.loads(body)
    except ValueError:
        raise SignatureRefused("the body is not JSON") from None
    if not isinstance(event, dict) or event.get("id") != named.get(EVENT_ID_HEADER.lower()):
        raise SignatureRefused(f"the body's event id does not match {EVENT_ID_HEADER}")
    return event
