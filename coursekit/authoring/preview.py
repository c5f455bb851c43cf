"""Previewing a module package as a learner sees it, with the answer key for instructors.

Everything here renders from a ``ModulePackage`` and a ``PreviewLinks`` (where the
preview's own pages and the package's media are), never from an enrolment: a preview has
no learner records to read and writes none. The lesson and module pages go through the
learners' own templates and the same Markdown rendering; questions go through each
question type's own template, with its ``key()`` as on the review page.

The same functions preview any package: ``preview_views`` gives them a published version
(loaded from its stored archive) and the media route of published versions; a staged
upload can give its own package and links.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from flask import current_app
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from coursekit.assessment.quizzes import draw_pool, quiz_file
from coursekit.assessment.registry import registry
from coursekit.assessment.rendering import RenderedQuestion, markdown_renderer, render_context
from coursekit.assessment.types.base import InvalidResponse, Question, Score
from coursekit.assessment.worksheets.operations import is_blank, takes_answer
from coursekit.packages.queries import library
from coursekit.packages.values import ModulePackage

UNANSWERED = "Give an answer to see how it would be graded."


@dataclass(frozen=True)
class PreviewLinks:
    """Where a preview's pages and its package's media are."""

    module: str
    questions: str
    check: str
    """The URL a question's form posts to, to see how an answer would be graded."""
    lesson: Callable[[str], str]
    """Lesson slug → the preview's lesson page."""
    media: Callable[[str], str]
    """``media:NAME`` → the URL that serves NAME of this very package."""


@dataclass(frozen=True)
class PreviewQuestion:
    """One question as the preview shows it: the learner's form, and the key under it."""

    source: str
    question_id: str
    number: int | None
    """Its number in its group; None for a ``description`` (text to read)."""
    takes_answer: bool
    """A question to answer, not text to read."""
    asked: RenderedQuestion
    """As the learner sees it: answerable, nothing of the key."""
    key: RenderedQuestion
    """The same question with its key (``review``), closed."""
    guidance: Markup | None = None
    """The author's guidance for worksheet reviewers."""

    @property
    def field(self) -> str:
        return str(self.asked.context["name"])


@dataclass(frozen=True)
class QuestionGroup:
    """The questions of one part of the assessment: the post-test's own questions, one
    bank draw's pool, or the worksheet."""

    title: str
    note: str
    items: tuple[PreviewQuestion, ...]


@dataclass(frozen=True)
class CheckedAnswer:
    """How an answer would be graded: the question filled in with the key, and its score
    (None for an answer the question refuses, or one that is reviewed rather than
    scored)."""

    item: PreviewQuestion
    answered: RenderedQuestion
    score: Score | None
    message: str
    """The refusal, or how the answer is treated when it is not scored."""
    refused: bool
    """No answer a learner could submit: blank, refused by ``parse``, or not a question."""


def field_name(source: str, question_id: str) -> str:
    """A form field name for one question, unique on the preview's pages (the same id
    may appear in two banks)."""
    return "answer-" + re.sub(r"[^A-Za-z0-9_-]", "-", source) + "-" + question_id


def module_context(package: ModulePackage, links: PreviewLinks) -> dict[str, Any]:
    """What ``catalog/module.html`` needs to show the module page to a learner who has not
    enrolled yet (``preview`` hides the enrolment form and the instructors' panel)."""
    return {
        "preview": True,
        "links": links,
        "entry": None,
        "package": package,
        "prerequisite_titles": {},
        "completed": set(),
        "progress": None,
        "steps": [],
        "newer_version": None,
        "form": None,
        "attestation": current_app.config["COURSEKIT_ATTESTATION_TEXT"],
        "lesson_url": links.lesson,
    }


def lesson_context(package: ModulePackage, slug: str, links: PreviewLinks) -> dict[str, Any] | None:
    """What ``lessons/lesson.html`` needs to show the lesson ``slug`` as a learner sees
    it; None when the package has no such lesson."""
    current = package.lesson(slug)
    if current is None:
        return None
    index = package.lessons.index(current)
    return {
        "preview": True,
        "links": links,
        "enrolment": None,
        "progress": None,
        "form": None,
        "package": package,
        "lesson": current,
        "html": library().lesson_html(package, current, links.media),
        "previous": package.lessons[index - 1] if index > 0 else None,
        "next": package.lessons[index + 1] if index + 1 < len(package.lessons) else None,
        "lesson_url": links.lesson,
        "module_url": links.module,
    }


def question_groups(package: ModulePackage, links: PreviewLinks) -> list[QuestionGroup]:
    """Every question the post-test can ask (its own questions, then each draw's whole
    pool) and the worksheet, each with its key."""
    groups: list[QuestionGroup] = []
    assessment = package.assessment
    if assessment.quiz:
        groups.append(
            QuestionGroup(
                "Post-test: questions every attempt asks",
                f"From {assessment.quiz}; each attempt shuffles their order"
                if assessment.shuffle_questions
                else f"From {assessment.quiz}, asked in this order",
                _items(
                    package, links, assessment.quiz, quiz_file(package, assessment.quiz).questions
                ),
            )
        )
    # Two draws from one bank may share questions (one tagged both "critical" and
    # "hotspot"): each is shown once, under the first draw that can ask it, so the page
    # never holds two copies of one question's controls and ids.
    shown: set[tuple[str, str]] = set()
    for number, draw in enumerate(assessment.draw, start=1):
        source, pool = draw_pool(package, draw)
        fresh = [question for question in pool if (source, question["id"]) not in shown]
        shown.update((source, question["id"]) for question in pool)
        tags = f" tagged {', '.join(draw.tags)}" if draw.tags else ""
        note = f"Each attempt draws {draw.count} of these {len(pool)} ({source})"
        if len(fresh) < len(pool):
            note += f"; {len(pool) - len(fresh)} of them are shown under an earlier draw"
        groups.append(
            QuestionGroup(
                f"Post-test draw {number}: bank {draw.bank}{tags}",
                note,
                _items(package, links, source, fresh),
            )
        )
    if package.worksheet:
        groups.append(
            QuestionGroup(
                "Worksheet",
                "An instructor reviews the answers; they are never scored",
                _items(
                    package,
                    links,
                    package.worksheet,
                    quiz_file(package, package.worksheet).questions,
                    worksheet=True,
                ),
            )
        )
    return groups


def _items(
    package: ModulePackage,
    links: PreviewLinks,
    source: str,
    questions: Sequence[Question],
    *,
    worksheet: bool = False,
) -> tuple[PreviewQuestion, ...]:
    """``questions`` as preview items, numbered as learners see them (every question that
    takes an answer; descriptions not), with the reviewers' guidance on a worksheet."""
    md = markdown_renderer(package, links.media)
    items, number = [], 0
    for question in questions:
        answers = takes_answer(question)
        number += 1 if answers else 0
        guidance = question.get("guidance") if worksheet else None
        item = _item(package, links, source, question, number if answers else None)
        items.append(replace(item, guidance=md(guidance)) if guidance else item)
    return tuple(items)


def _item(
    package: ModulePackage,
    links: PreviewLinks,
    source: str,
    question: Question,
    number: int | None,
) -> PreviewQuestion:
    # Arrangement None is the unshuffled one worksheets use: options in file order, and
    # never the written (answer) order for ordering and matching questions.
    common: dict[str, Any] = {"name": field_name(source, question["id"]), "media_url": links.media}
    return PreviewQuestion(
        source,
        question["id"],
        number,
        takes_answer(question),
        render_context(package, question, None, **common),
        render_context(package, question, None, closed=True, show_key=True, **common),
    )


def find_question(package: ModulePackage, source: str, question_id: str) -> Question | None:
    """The question ``question_id`` of ``source``, if the preview shows that file."""
    assessment = package.assessment
    sources = {assessment.quiz, package.worksheet}
    sources.update(draw_pool(package, draw)[0] for draw in assessment.draw)
    if source not in sources - {None}:
        return None
    return quiz_file(package, source).by_id.get(question_id)


def check_answer(
    package: ModulePackage,
    links: PreviewLinks,
    source: str,
    question: Question,
    form: MultiDict[str, str],
) -> CheckedAnswer:
    """How the answer in ``form`` would be graded: the type's ``parse`` and ``grade``,
    exactly as an attempt does, and nothing stored."""
    kind = registry()[question["type"]]
    item = _item(package, links, source, question, None)
    raw = kind.read_form(form, None, item.field)
    response, score, message, refused = None, None, "", True
    if not item.takes_answer:
        message = "This item is text to read; it takes no answer."
    elif is_blank(raw):
        message = UNANSWERED
    else:
        try:
            response = kind.parse(question, None, raw)
        except InvalidResponse as refusal:
            message = f"A learner would be asked to correct this answer: {refusal}"
        else:
            refused = False
            if source == package.worksheet or kind.manual:
                message = "A learner may submit this answer; an instructor reviews it."
            else:
                score = kind.grade(question, response)
    answered = render_context(
        package,
        question,
        None,
        name=item.field,
        response=response,
        closed=True,
        show_key=True,
        media_url=links.media,
    )
    return CheckedAnswer(item, answered, score, message, refused)
