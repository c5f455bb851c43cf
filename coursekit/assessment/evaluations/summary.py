"""Evaluation results: pure summaries of stored responses, for instructors and admins.

Responses are grouped by module version and form (a form changed by the provider gets a
new name, and items with the same id may then mean something else). Each response is
summarised with the items stored with it, never with today's form.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from coursekit.assessment.evaluations.evaluation_form import NOT_APPLICABLE, EvaluationItem
from coursekit.packages.values import version_key


@dataclass(frozen=True)
class ResponseRow:
    """One stored response, with what the results page needs around it. ``learner`` is
    None when the reader may not see names."""

    version: str
    form: str
    items: list[dict[str, Any]]
    answers: dict[str, Any]
    submitted_at: datetime
    learner: str | None = None


@dataclass
class ScaleSummary:
    """Answers to one scale item: how many rated it, the mean, the count of each rating
    1..5, how many said "not applicable" and how many left it blank."""

    item: EvaluationItem
    distribution: list[int] = field(default_factory=lambda: [0] * 5)
    not_applicable: int = 0
    unanswered: int = 0

    @property
    def count(self) -> int:
        return sum(self.distribution)

    @property
    def mean(self) -> float | None:
        if not self.count:
            return None
        return sum(rating * n for rating, n in enumerate(self.distribution, start=1)) / self.count

    def add(self, answer: Any) -> None:
        if answer == NOT_APPLICABLE:
            self.not_applicable += 1
        elif isinstance(answer, int) and 1 <= answer <= 5:
            self.distribution[answer - 1] += 1
        else:
            self.unanswered += 1


@dataclass
class ChoiceSummary:
    """Answers to one choice item: the count of each option, and blanks."""

    item: EvaluationItem
    counts: dict[str, int] = field(default_factory=dict)
    unanswered: int = 0

    def add(self, answer: Any) -> None:
        if answer in self.item.options:
            self.counts[answer] = self.counts.get(answer, 0) + 1
        else:
            self.unanswered += 1


@dataclass(frozen=True)
class Comment:
    submitted_at: datetime
    text: str
    learner: str | None


@dataclass
class CommentList:
    """The comments given to one text item, oldest first."""

    item: EvaluationItem
    comments: list[Comment] = field(default_factory=list)


@dataclass
class FormResults:
    """Every response to one form in one module version."""

    version: str
    form: str
    responses: int = 0
    scales: dict[str, ScaleSummary] = field(default_factory=dict)
    choices: dict[str, ChoiceSummary] = field(default_factory=dict)
    comments: dict[str, CommentList] = field(default_factory=dict)

    def add(self, row: ResponseRow) -> None:
        self.responses += 1
        for record in row.items:
            item = EvaluationItem.from_record(record)
            answer = row.answers.get(item.id)
            if item.kind == "scale":
                self.scales.setdefault(item.id, ScaleSummary(item)).add(answer)
            elif item.kind == "choice":
                self.choices.setdefault(item.id, ChoiceSummary(item)).add(answer)
            elif item.kind == "text":
                comments = self.comments.setdefault(item.id, CommentList(item))
                if isinstance(answer, str) and answer.strip():
                    comments.comments.append(Comment(row.submitted_at, answer, row.learner))


def summarise(rows: Iterable[ResponseRow]) -> list[FormResults]:
    """Results per (version, form): newest version first, then forms in order of first
    use; comments oldest first."""
    groups: dict[tuple[str, str], FormResults] = {}
    for row in sorted(rows, key=lambda row: row.submitted_at):
        key = (row.version, row.form)
        groups.setdefault(key, FormResults(row.version, row.form)).add(row)
    return sorted(groups.values(), key=lambda group: version_key(group.version), reverse=True)
