"""The check-your-answers step of an open attempt, before its final submission.

WCAG 3.3.4 asks for a step where a learner can review and correct answers before a
submission that cannot be undone: a post-test decides CE credit. The page shows each
answered question read-only with the learner's own answer (never the key: the attempt is
open), and each unanswered one only as "Not answered" with a link, so the text of a
question the learner never reached is still not sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template

from coursekit.assessment.attempts.forms import SubmitForm
from coursekit.assessment.attempts.models import Attempt
from coursekit.assessment.attempts.queries import latest_answers
from coursekit.assessment.quizzes import resolve
from coursekit.assessment.registry import registry
from coursekit.assessment.rendering import RenderedQuestion, render_context
from coursekit.db import utcnow
from coursekit.packages.queries import package_for
from coursekit.web import Page


@dataclass(frozen=True)
class CheckedItem:
    """One item of the attempt on the check page."""

    number: int
    answerable: bool
    """A question to answer (an essay too), not text to read."""
    rendered: RenderedQuestion | None
    """The question read-only with the learner's answer; None while unanswered (and for
    text to read), so nothing of it is sent."""


def check_items(attempt: Attempt) -> list[CheckedItem]:
    """Every item of the open attempt in order, answered ones rendered with the answer
    and no key (one query: the answers; the package comes from the catalogue cache)."""
    package = package_for(attempt.enrolment.module_version)
    answers = latest_answers(attempt)
    items = []
    for position, frozen in enumerate(attempt.questions):
        question = resolve(package, frozen)
        kind = registry()[question["type"]]
        answerable = kind.graded or kind.manual
        rendered = None
        if answerable and position in answers:
            rendered = render_context(
                package,
                question,
                frozen["arrangement"],
                name=f"check-{position}",
                response=answers[position],
                closed=True,
                show_key=False,
            )
        items.append(CheckedItem(position + 1, answerable, rendered))
    return items


def check_page(attempt: Attempt) -> Page:
    """The check-your-answers page, with the form of the final submission."""
    items = check_items(attempt)
    return render_template(
        "coursekit/assessment/attempts/summary.html",
        attempt=attempt,
        package=package_for(attempt.enrolment.module_version),
        items=items,
        unanswered=sum(1 for item in items if item.answerable and item.rendered is None),
        form=SubmitForm(),
        now=utcnow(),
    )
