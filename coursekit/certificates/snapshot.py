"""What a certificate prints, copied into one JSON value at issue time.

The snapshot is the certificate: the PDF is rendered from it, the verification page and
its JSON show it, and rosters read it. Its keys are documented in
``docs/certificates.md``; amounts are decimal text (``"1.5"``) so they print exactly as
the package declares them, and dates are ISO text.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from coursekit.accounts.models import User
from coursekit.accounts.states import STATE_NAMES
from coursekit.catalog.models import Enrolment
from coursekit.certificates.provider.values import Provider
from coursekit.packages.values import Credit, ModulePackage
from coursekit.progress.models import Completion
from coursekit.progress.transcript.queries import (
    NCCAOM,
    amount_text,
    board_name,
    credit_lines,
    unit,
)

SNAPSHOT_VERSION = 1
DELIVERY_LABELS = {
    "distance-learning-home-study": "Distance learning — home study",
    "distance-learning-live": "Distance learning — live online",
    "in-person": "In person",
}


def snapshot(
    *,
    learner: User,
    enrolment: Enrolment,
    completion: Completion,
    package: ModulePackage,
    provider: Provider,
    score: float | None,
) -> dict[str, Any]:
    """Every field the certificate prints, as JSON values."""
    return {
        "snapshot_version": SNAPSHOT_VERSION,
        "learner": {
            "legal_name": learner.full_name,
            "first_name": learner.first_name,
            "last_name": learner.last_name,
            "nccaom_id": learner.nccaom_id or "",
            "licences": [
                {
                    "state": licence.state,
                    "state_name": STATE_NAMES.get(licence.state, licence.state),
                    "number": licence.number,
                }
                for licence in learner.licences
            ],
        },
        "module": {
            "id": package.id,
            "title": package.title,
            "version": package.version,
            "content_hash": package.content_hash,
            "delivery": DELIVERY_LABELS.get(package.delivery, package.delivery),
            "authors": [
                {"name": author.name, "credentials": author.credentials}
                for author in package.authors
            ],
        },
        "credits": [_credit(credit, provider) for credit in _ordered(package.credits)],
        "started_on": _day(enrolment.enrolled_at),
        "completed_on": _day(completion.completed_at),
        "completed_at": completion.completed_at.isoformat(),
        "score": (
            {"percent": round(score, 1), "pass_mark": package.assessment.pass_mark}
            if score is not None
            else None
        ),
        "provider": {
            "name": provider.name,
            "address": provider.address,
            "contact": provider.contact,
            "website": provider.website,
            "nccaom_provider_number": provider.nccaom_provider_number,
            "nccaom_approved_from": _iso(provider.nccaom_approved_from),
            "nccaom_approved_until": _iso(provider.nccaom_approved_until),
            "state_numbers": [
                {"state": state, "state_name": STATE_NAMES.get(state, state), "number": number}
                for state, number in provider.state_numbers
            ],
        },
        "signatory": {"name": provider.signatory_name, "title": provider.signatory_title},
        "disclaimer": provider.disclaimer,
        "retention_notice": provider.retention_notice,
    }


def _ordered(credits: Iterable[Credit]) -> list[Credit]:
    return sorted(credits, key=lambda credit: (credit.board != NCCAOM, credit.board))


def _credit(credit: Credit, provider: Provider) -> dict[str, Any]:
    lines = list(credit_lines(credit))
    total = sum((line.amount for line in lines), Decimal(0))
    return {
        "board": credit.board,
        "board_name": board_name(credit.board),
        "course_number": credit.course_number,
        "provider_number": credit.provider_number or provider.provider_number(credit.board),
        "unit": unit(credit.board),
        "total": amount_text(total),
        "categories": [
            {"category": line.category, "amount": amount_text(line.amount)} for line in lines
        ],
        "approved_from": _iso(credit.approved_from),
        "approved_until": _iso(credit.approved_until),
    }


def _day(moment: datetime) -> str:
    return moment.date().isoformat()


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None
