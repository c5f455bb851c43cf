"""A learner's certificates as they are listed: each with its standing in words.

The learner's page and the dashboard show the same standing: valid, expired (valid but
past its expiry date), revoked with the reason, or superseded by the replacement's
number. A certificate's replacement is always the same learner's (a reissue of the same
completion), so the learner's own certificates say everything, in one query.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from coursekit import db
from coursekit.certificates.models import Certificate
from coursekit.certificates.verification import Standing, standing_of


@dataclass(frozen=True)
class Listed:
    """One certificate, its standing (as the verification page gives it) and the number
    of the certificate that replaced it, if any."""

    certificate: Certificate
    standing: Standing
    replaced_by: str | None

    @property
    def number(self) -> str:
        return self.certificate.number


def listed(certificates: Sequence[Certificate], now: datetime) -> list[Listed]:
    """The certificates with their standing, in the order given."""
    replacements = {item.replaces_id: item.number for item in certificates if item.replaces_id}
    return [
        Listed(item, standing_of(item, now=now), replacements.get(item.id)) for item in certificates
    ]


def by_completion(completion_ids: Iterable[int], now: datetime) -> dict[int, Listed]:
    """For each completion that has a certificate, the one to show: the valid one, else
    the newest (revoked or superseded). One query, none when there are no completions."""
    ids = set(completion_ids)
    if not ids:
        return {}
    rows = db.session.scalars(
        select(Certificate).where(Certificate.completion_id.in_(ids)).order_by(Certificate.id)
    ).all()
    shown: dict[int, Listed] = {}
    for item in listed(rows, now):
        current = shown.get(item.certificate.completion_id)
        if current is None or not current.certificate.is_valid:
            shown[item.certificate.completion_id] = item
    return shown
