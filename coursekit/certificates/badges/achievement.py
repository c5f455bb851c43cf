"""The Open Badges 3.0 ``Achievement`` of a module version, and the issuer ``Profile``.

An achievement describes a module version: what it is, what completing it required and
how much credit it carries. A published version never changes, so the achievement
served at its public address and the one inside every credential for that version are
the same JSON, built here from the version's package.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from coursekit.certificates.snapshot import DELIVERY_LABELS
from coursekit.certificates.urls import public_url
from coursekit.packages.values import Credit, ModulePackage
from coursekit.progress.transcript.queries import (
    NCCAOM,
    amount_text,
    board_name,
    credit_lines,
    unit,
)

CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
ACHIEVEMENT_TYPE = "Course"
_EMAIL = re.compile(r"[^\s@<>()·,;]+@[^\s@<>()·,;]+\.[^\s@<>()·,;]+")


def achievement_url(module_id: str, version: str) -> str:
    """The stable public address of a module version's achievement."""
    return public_url("coursekit.badges.achievement", module_id=module_id, version=version)


def issuer_url() -> str:
    """The stable public address of the issuer profile (one per CourseKit site)."""
    return public_url("coursekit.badges.issuer")


def achievement_of(package: ModulePackage) -> dict[str, Any]:
    """The ``Achievement`` of a module version."""
    credits = ordered_credits(package.credits)
    nccaom = next((credit for credit in credits if credit.board == NCCAOM), None)
    achievement: dict[str, Any] = {
        "id": achievement_url(package.id, package.version),
        "type": ["Achievement"],
        "achievementType": ACHIEVEMENT_TYPE,
        "name": package.title,
        "description": _description(package, credits),
        "criteria": {"narrative": criteria_narrative(package)},
        # The NCCAOM course number is what boards and learners quote; a module without
        # one is named by its id and version, which are unique on this site.
        "humanCode": (nccaom.course_number if nccaom and nccaom.course_number else None)
        or f"{package.id}@{package.version}",
        "version": package.version,
    }
    if credits:
        achievement["creditsAvailable"] = float(credit_total(credits[0]))
    numbers = [
        {
            "type": "IdentifierEntry",
            "identifier": credit.course_number,
            "identifierType": f"ext:{credit.board}CourseNumber",
        }
        for credit in credits
        if credit.course_number
    ]
    if numbers:
        achievement["otherIdentifier"] = numbers
    return achievement


def criteria_narrative(package: ModulePackage) -> str:
    """What completing the module version required, in words (Markdown list)."""
    rule = package.completion
    steps = []
    if rule.attestation:
        steps.append("Accept the participant attestation.")
    if rule.lessons and package.required_lessons:
        steps.append(f"Complete all {len(package.required_lessons)} required lessons.")
    if rule.seat_minutes:
        steps.append(f"Spend at least {rule.seat_minutes} minutes of measured time in the lessons.")
    if rule.worksheet == "reviewed":
        steps.append("Submit the worksheet and have it reviewed by an instructor.")
    elif rule.worksheet != "none":
        steps.append("Submit the worksheet.")
    if rule.post_test:
        steps.append(f"Pass the post-test with at least {package.assessment.pass_mark} %.")
    if rule.evaluation:
        steps.append("Submit the course evaluation.")
    return "\n".join(f"- {step}" for step in steps) or "Complete the course."


def issuer_profile(*, name: str, website: str, contact: str, nccaom_number: str) -> dict[str, Any]:
    """The issuer ``Profile``: the provider named as it is on the certificate.

    ``email`` is the first e-mail address found in the contact text, if any.
    """
    profile: dict[str, Any] = {"id": issuer_url(), "type": ["Profile"], "name": name}
    if website:
        profile["url"] = website
    email = _EMAIL.search(contact or "")
    if email:
        profile["email"] = email.group(0)
    if nccaom_number:
        profile["otherIdentifier"] = [
            {
                "type": "IdentifierEntry",
                "identifier": nccaom_number,
                "identifierType": "ext:NCCAOMProviderNumber",
            }
        ]
    return profile


def ordered_credits(credits: tuple[Credit, ...]) -> list[Credit]:
    """NCCAOM first, then the state boards by code (the certificate's order)."""
    return sorted(credits, key=lambda credit: (credit.board != NCCAOM, credit.board))


def credit_total(credit: Credit) -> Decimal:
    """All the credit one board grants, across its categories."""
    return sum((line.amount for line in credit_lines(credit)), Decimal(0))


def _description(package: ModulePackage, credits: list[Credit]) -> str:
    delivery = DELIVERY_LABELS.get(package.delivery, package.delivery)
    parts = [package.summary.strip(), f"Version {package.version}. Delivery: {delivery}."]
    if credits:
        amounts = "; ".join(
            f"{board_name(credit.board)} {amount_text(credit_total(credit))} "
            f"{unit(credit.board, credit_total(credit))}"
            for credit in credits
        )
        parts.append(f"Continuing-education credit: {amounts}.")
    return " ".join(part for part in parts if part)
