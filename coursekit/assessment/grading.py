"""Grading an attempt: pure functions of the questions, the responses and the pass mark.

Nothing here touches the request or the database (CTFd's lesson in reverse), so every
rule has a unit test and a regrade is the same call with a corrected key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from coursekit.assessment.registry import registry
from coursekit.assessment.types.base import Question


@dataclass(frozen=True)
class QuestionResult:
    """How one question of an attempt was graded."""

    id: str
    earned: float
    possible: float
    answered: bool
    critical: bool
    """A critical question that did not earn its full points: the attempt fails."""

    @property
    def correct(self) -> bool:
        return self.possible > 0 and self.earned >= self.possible

    def as_record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "earned": self.earned,
            "possible": self.possible,
            "answered": self.answered,
            "critical": self.critical,
        }


@dataclass(frozen=True)
class AttemptResult:
    """The grade of a whole attempt."""

    earned: float
    possible: float
    percent: float
    passed: bool
    results: tuple[QuestionResult, ...]

    @property
    def critical_missed(self) -> tuple[str, ...]:
        """Ids of critical questions not answered fully correctly."""
        return tuple(result.id for result in self.results if result.critical)


def grade_attempt(answered: list[tuple[Question, Any]], pass_mark: int) -> AttemptResult:
    """Grade ``(question, response)`` pairs (response None when unanswered).

    The score is the sum of points earned, never below 0, as a percentage of the points
    available; it passes at ``pass_mark`` percent or more, unless a critical question
    was missed, which fails the attempt whatever the score.
    """
    results: list[QuestionResult] = []
    for question, response in answered:
        kind = registry()[question["type"]]
        if not kind.graded:
            continue
        score = kind.grade(question, response)
        missed = bool(question.get("critical")) and not score.full
        results.append(
            QuestionResult(
                question["id"], score.earned, score.possible, response is not None, missed
            )
        )
    possible = sum(result.possible for result in results)
    earned = max(0.0, sum(result.earned for result in results))
    # Rounded to hundredths so 74.999... from float sums never fails a 75 % pass mark.
    percent = round(100 * earned / possible, 2) if possible else 0.0
    passed = percent >= pass_mark and not any(result.critical for result in results)
    return AttemptResult(earned, possible, percent, passed, tuple(results))
