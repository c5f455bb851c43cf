"""A rule's refusal, raised by an operation with its message and HTTP status (the pages
show it with that status), answered in the API's envelope with the same status."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from coursekit.api.errors import STANDARD, fail


class Refusal(Protocol):
    """What the staff operations' refusals carry (``AccountChangeRefused``,
    ``CertificateError``, ``WorksheetRefused``, ``VersionError``…)."""

    message: str
    status: int


@contextmanager
def refusals(slug: str, *kinds: type[Exception]) -> Iterator[None]:
    """Answer a refusal of one of ``kinds`` with its status: a 409 with ``slug`` (what
    conflicts), any other status with that status's standard slug (``invalid``,
    ``not_found``, ``forbidden``). The request's transaction is then rolled back."""
    try:
        yield
    except kinds as error:
        refusal: Refusal = error  # type: ignore[assignment]
        status = refusal.status
        code = slug if status == 409 or status not in STANDARD else STANDARD[status][0]
        fail(status, code, refusal.message)
