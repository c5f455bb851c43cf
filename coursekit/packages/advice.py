"""Advice on a package: what the validator warns about without refusing it.

A warning marks something a sound CE module does but the format cannot insist on: the
lessons' minutes support the credit claimed, each board is credited once, a home-study
module has a worksheet, every lesson cites its sources and describes its images. The
package still loads; ``coursekit validate --strict`` treats warnings as failures.
"""

from __future__ import annotations

import math
from collections import Counter

from coursekit.packages import markdown
from coursekit.packages.values import ModulePackage
from coursekit.packages.yamlpos import KeyPath

MINUTES_PER_POINT = 60
"""NCCAOM: one PDA point is one hour of learning."""
MINUTES_PER_STATE_HOUR = 50
"""A state board's CE hour is at least 50 minutes (California's rule, the strictest floor)."""
SOURCES_HEADINGS = frozenset({"references", "sources", "bibliography", "further reading"})
HOME_STUDY = "distance-learning-home-study"


def manifest_advice(package: ModulePackage) -> list[tuple[KeyPath, str]]:
    """Warnings about the manifest, as (key path, message)."""
    found: list[tuple[KeyPath, str]] = []
    for index, credit in enumerate(package.credits):
        nccaom = credit.board == "NCCAOM"
        per_unit = MINUTES_PER_POINT if nccaom else MINUTES_PER_STATE_HOUR
        needed = math.ceil(credit.total * per_unit)
        if package.minutes < needed:
            unit = "PDA points" if nccaom else "hours"
            found.append(
                (
                    ("credits", index),
                    f"the lessons add up to {package.minutes} minutes of study, but "
                    f"{credit.total:g} {unit} for {credit.board} need at least {needed} "
                    f"({per_unit} minutes each): raise the lessons' minutes or lower the credit",
                )
            )
    boards = Counter(credit.board for credit in package.credits)
    for index, credit in enumerate(package.credits):
        if boards[credit.board] > 1:
            times = boards[credit.board]
            message = f"{credit.board} is credited {times} times; give each board once"
            found.append((("credits", index, "board"), message))
    if package.delivery == HOME_STUDY and not package.worksheet:
        found.append(
            (
                ("delivery",),
                "a home-study module has no worksheet, and NCCAOM expects one: add "
                "`worksheet: quizzes/worksheet.yaml`",
            )
        )
    return found


def lesson_advice(body: str) -> list[tuple[int, str]]:
    """Warnings about a lesson's Markdown, as (line in the body from 1, or 0 for the whole
    lesson, message)."""
    found = [
        (
            line,
            "an image without alt text: describe what it shows between the brackets, "
            "![like this](media:NAME), for readers who cannot see it",
        )
        for alt, line in markdown.images(body)
        if not alt.strip()
    ]
    titles = {text.strip().lower() for text, _line in markdown.headings(body)}
    if not titles & SOURCES_HEADINGS:
        found.append((0, "the lesson cites no sources: end it with a '## References' section"))
    return found
