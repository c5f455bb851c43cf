"""The provider's details as one immutable value, from the latest saved revision or, before
an administrator has saved any, from ``COURSEKIT_PROVIDER``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

ISSUING_MODES = ("automatic", "approval")
PAGE_SIZES = ("Letter", "A4")
IMAGE_TYPES = ("image/png", "image/jpeg")

DEFAULT_DISCLAIMER = (
    "Acceptance of continuing-education credit is decided by each licensing board. "
    "Participants are responsible for checking that their board accepts this course, and "
    "for practising within the scope of their licence."
)
DEFAULT_RETENTION_NOTICE = (
    "Keep this certificate for at least four years: licensing boards may ask for it in an audit."
)
REQUIRED_FOR_ISSUING = {
    "name": "provider name",
    "address": "provider address",
    "contact": "provider contact",
    "signatory_name": "signatory name",
}


@dataclass(frozen=True)
class Image:
    """A logo or signature: PNG or JPEG bytes, checked when they were saved."""

    media_type: str
    content: bytes = field(repr=False)


@dataclass(frozen=True)
class Provider:
    """Everything a certificate prints about the provider, and how it issues them."""

    name: str = ""
    address: str = ""
    contact: str = ""
    website: str = ""
    nccaom_provider_number: str = ""
    nccaom_approved_from: date | None = None
    nccaom_approved_until: date | None = None
    state_numbers: tuple[tuple[str, str], ...] = ()
    """State board provider numbers as (state code, number), by state."""
    signatory_name: str = ""
    signatory_title: str = ""
    disclaimer: str = DEFAULT_DISCLAIMER
    retention_notice: str = DEFAULT_RETENTION_NOTICE
    issuing: Literal["automatic", "approval"] = "automatic"
    page_size: Literal["Letter", "A4"] = "Letter"
    validity_months: int | None = None
    """Certificates expire this many months after issue; None: they never expire."""
    logo: Image | None = None
    signature: Image | None = None

    def missing_for_issuing(self) -> list[str]:
        """What must still be filled in before a certificate can be issued, in words."""
        return [label for key, label in REQUIRED_FOR_ISSUING.items() if not getattr(self, key)]

    def provider_number(self, board: str) -> str:
        """The provider's number with ``board`` (``NCCAOM`` or a state code), or ''."""
        if board == "NCCAOM":
            return self.nccaom_provider_number
        return dict(self.state_numbers).get(board, "")

    def values(self) -> dict[str, Any]:
        """The settings as JSON values (dates as ISO text), without the images."""
        return {
            "name": self.name,
            "address": self.address,
            "contact": self.contact,
            "website": self.website,
            "nccaom_provider_number": self.nccaom_provider_number,
            "nccaom_approved_from": _iso(self.nccaom_approved_from),
            "nccaom_approved_until": _iso(self.nccaom_approved_until),
            "state_numbers": [list(pair) for pair in self.state_numbers],
            "signatory_name": self.signatory_name,
            "signatory_title": self.signatory_title,
            "disclaimer": self.disclaimer,
            "retention_notice": self.retention_notice,
            "issuing": self.issuing,
            "page_size": self.page_size,
            "validity_months": self.validity_months,
        }


def provider_from(values: dict[str, Any], logo: Image | None, signature: Image | None) -> Provider:
    """A provider from JSON values as :meth:`Provider.values` writes them (unknown keys
    are ignored, missing ones take their defaults)."""
    known = Provider().values()
    given = {key: value for key, value in values.items() if key in known and value is not None}
    for key in ("nccaom_approved_from", "nccaom_approved_until"):
        if isinstance(given.get(key), str):
            given[key] = date.fromisoformat(given[key]) if given[key] else None
    if "state_numbers" in given:
        pairs = given["state_numbers"]
        items = pairs.items() if isinstance(pairs, dict) else pairs
        given["state_numbers"] = tuple(sorted((str(s).upper(), str(n)) for s, n in items))
    return Provider(**given, logo=logo, signature=signature)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None
