"""Question statistics: how hard each post-test question is, and how well it separates
learners who know the material from those who do not.

``question_statistics`` is pure (unit-tested on hand-computed data); ``module_statistics``
reads the graded attempts of a module and feeds it. Definitions, in classical test
theory's terms:

- **difficulty index** *p*: the mean share of the question's points earned (earned /
  possible, clipped to 0..1 so negative marking does not push it below 0), over every
  graded attempt that had the question; an unanswered question earned 0. A high *p* is
  an easy question.
- **discrimination index** *D*: *p* among the upper 27 % of those attempts (by attempt
  percent) minus *p* among the lower 27 %. Questions are drawn from banks, so not every
  attempt has every question: the groups are formed among the attempts that had it. Ties
  at the cut are broken by attempt order. Below ``MIN_ATTEMPTS`` attempts the groups are
  too small to mean anything and *D* is not given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from coursekit import db
from coursekit.assessment.attempts.models import POST_TEST, Attempt
from coursekit.assessment.attempts.queries import current_grades
from coursekit.assessment.quizzes import quiz_file, resolve
from coursekit.assessment.registry import registry
from coursekit.catalog.models import Enrolment
from coursekit.packages.models import ModuleVersion
from coursekit.packages.queries import package_for
from coursekit.packages.values import version_key

MIN_ATTEMPTS = 10
GROUP_SHARE = 0.27

QuestionKey = tuple[str, str]
"""A question in a module version: (file it comes from, question id)."""


@dataclass(frozen=True)
class ItemScore:
    """How one question went in one graded attempt."""

    key: QuestionKey
    earned: float
    possible: float
    answered: bool
    critical_missed: bool = False

    @property
    def share(self) -> float:
        return min(1.0, max(0.0, self.earned / self.possible))


@dataclass(frozen=True)
class GradedRecord:
    """A graded attempt: its percent and its questions' scores."""

    percent: float
    items: tuple[ItemScore, ...]


@dataclass(frozen=True)
class QuestionFigures:
    """One question's statistics over the attempts that had it."""

    attempts: int
    answered: int
    difficulty: float
    discrimination: float | None
    critical_missed: int


def question_statistics(
    records: Sequence[GradedRecord], *, min_attempts: int = MIN_ATTEMPTS
) -> dict[QuestionKey, QuestionFigures]:
    """Difficulty and discrimination of every question in ``records`` (given in attempt
    order). Questions worth no points (reviewed by hand) are left out."""
    by_question: dict[QuestionKey, list[tuple[float, ItemScore]]] = {}
    for record in records:
        for item in record.items:
            if item.possible > 0:
                by_question.setdefault(item.key, []).append((record.percent, item))
    figures: dict[QuestionKey, QuestionFigures] = {}
    for key, scores in by_question.items():
        shares = [item.share for _percent, item in scores]
        figures[key] = QuestionFigures(
            attempts=len(scores),
            answered=sum(1 for _percent, item in scores if item.answered),
            difficulty=sum(shares) / len(shares),
            discrimination=_discrimination(scores) if len(scores) >= min_attempts else None,
            critical_missed=sum(1 for _percent, item in scores if item.critical_missed),
        )
    return figures


def _discrimination(scores: list[tuple[float, ItemScore]]) -> float:
    # sorted() is stable: among equal percents the earlier attempt ranks higher.
    ranked = sorted(scores, key=lambda pair: -pair[0])
    size = max(1, int(GROUP_SHARE * len(ranked) + 0.5))
    upper = [item.share for _percent, item in ranked[:size]]
    lower = [item.share for _percent, item in ranked[-size:]]
    return sum(upper) / size - sum(lower) / size


@dataclass(frozen=True)
class QuestionRow:
    """A line of the statistics page."""

    source: str
    id: str
    text: str
    """The first line of the question's text."""
    type: str
    critical: bool
    figures: QuestionFigures


@dataclass(frozen=True)
class VersionStatistics:
    """The statistics of one module version's post-test."""

    version: ModuleVersion
    attempts: int
    rows: tuple[QuestionRow, ...]


def module_statistics(module_id: str) -> list[VersionStatistics]:
    """Statistics per version (newest first) over the latest grade of every closed
    post-test attempt (two queries, plus a version's archive the first time this process
    reads it)."""
    attempts = db.session.scalars(
        select(Attempt)
        .join(Enrolment, Attempt.enrolment_id == Enrolment.id)
        .join(ModuleVersion, Enrolment.module_version_id == ModuleVersion.id)
        .where(
            ModuleVersion.module_id == module_id,
            Attempt.quiz == POST_TEST,
            Attempt.closed_at.is_not(None),
        )
        .order_by(Attempt.id)
    ).all()
    grades = current_grades([attempt.id for attempt in attempts])
    by_version: dict[int, tuple[ModuleVersion, list[GradedRecord]]] = {}
    for attempt in attempts:
        grade = grades.get(attempt.id)
        if grade is None:
            continue
        version = attempt.enrolment.module_version
        package = package_for(version)
        # Grades list graded questions only, in attempt order: skip the descriptions.
        graded = [
            frozen
            for frozen in attempt.questions
            if registry()[resolve(package, frozen)["type"]].graded
        ]
        items = tuple(
            ItemScore(
                (str(frozen["source"]), str(frozen["id"])),
                result["earned"],
                result["possible"],
                result["answered"],
                result["critical"],
            )
            for frozen, result in zip(graded, grade.results, strict=False)
            if result["id"] == frozen["id"]
        )
        records = by_version.setdefault(version.id, (version, []))[1]
        records.append(GradedRecord(grade.percent, items))
    statistics = [
        VersionStatistics(version, len(records), _rows(version, records))
        for version, records in by_version.values()
    ]
    return sorted(statistics, key=lambda item: version_key(item.version.version), reverse=True)


def _rows(version: ModuleVersion, records: list[GradedRecord]) -> tuple[QuestionRow, ...]:
    package = package_for(version)
    rows = []
    for (source, question_id), figures in question_statistics(records).items():
        question = quiz_file(package, source).by_id[question_id]
        text = str(question.get("text", "")).strip()
        rows.append(
            QuestionRow(
                source=source,
                id=question_id,
                text=text.splitlines()[0] if text else "",
                type=str(question["type"]),
                critical=bool(question.get("critical")),
                figures=figures,
            )
        )
    # The order of the files, and of the questions in each file.
    order = {
        (source, question["id"]): index
        for source in {row.source for row in rows}
        for index, question in enumerate(quiz_file(package, source).questions)
    }
    return tuple(sorted(rows, key=lambda row: (row.source, order[row.source, row.id])))
