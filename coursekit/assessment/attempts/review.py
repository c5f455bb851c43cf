"""The page of a closed attempt: its score, and as much review as the policy allows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import render_template

from coursekit.assessment.attempts.forms import AttemptForm
from coursekit.assessment.attempts.models import Attempt, AttemptGrade
from coursekit.assessment.attempts.queries import (
    PostTestStatus,
    answers_in_time,
    may_see_answers,
    post_test_status,
)
from coursekit.assessment.quizzes import resolve
from coursekit.assessment.registry import registry
from coursekit.assessment.rendering import RenderedQuestion, render_context
from coursekit.db import utcnow
from coursekit.packages.queries import package_for
from coursekit.packages.values import ModulePackage
from coursekit.web import Page


@dataclass(frozen=True)
class ReviewedQuestion:
    """One question on the review page, with its result (None for a description)."""

    number: int
    rendered: RenderedQuestion
    result: dict[str, Any] | None

    @property
    def verdict(self) -> str:
        if self.result is None:
            return ""
        if self.result["possible"] and self.result["earned"] >= self.result["possible"]:
            return "correct"
        return "partly correct" if self.result["earned"] > 0 else "incorrect"


@dataclass(frozen=True)
class Review:
    """A closed attempt as its learner may see it."""

    attempt: Attempt
    package: ModulePackage
    status: PostTestStatus
    grade: AttemptGrade | None
    show_key: bool
    items: list[ReviewedQuestion]


def review_of(attempt: Attempt) -> Review:
    """Score and pass or fail always; which answers were wrong if the module shows them;
    correct answers and explanations when the review policy allows (page and API)."""
    package = package_for(attempt.enrolment.module_version)
    status = post_test_status(attempt.enrolment, now=utcnow())
    # The status already holds every attempt's current grade, this one's included.
    grade = next((item.grade for item in status.attempts if item.attempt.id == attempt.id), None)
    show_key = may_see_answers(status, grade)
    items: list[ReviewedQuestion] = []
    if grade is not None and (show_key or package.assessment.show_which_wrong):
        answers = answers_in_time(attempt)
        results = iter(grade.results)
        for position, frozen in enumerate(attempt.questions):
            question = resolve(package, frozen)
            graded = registry()[question["type"]].graded
            rendered = render_context(
                package,
                question,
                frozen["arrangement"],
                name=f"review-{position}",
                response=answers.get(position),
                closed=True,
                show_key=show_key,
            )
            items.append(
                ReviewedQuestion(position + 1, rendered, next(results) if graded else None)
            )
    return Review(attempt, package, status, grade, show_key, items)


def review_page(attempt: Attempt) -> Page:
    """The page of :func:`review_of`."""
    review = review_of(attempt)
    return render_template(
        "coursekit/assessment/attempts/result.html",
        attempt=attempt,
        package=review.package,
        grade=review.grade,
        status=review.status,
        items=review.items,
        show_key=review.show_key,
        form=AttemptForm(),
    )
