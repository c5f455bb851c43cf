"""A module version's quizzes, as questions ready to arrange, present and grade.

Questions are read from the immutable package (``package.files``), so they are parsed
once per content hash and file and kept: an attempt names its questions by file and id,
and finds them here again, exactly as they were when it started.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from coursekit.assessment.banks import read_questions
from coursekit.assessment.images import image_size
from coursekit.assessment.registry import registry
from coursekit.assessment.types.base import Question
from coursekit.packages.markdown import MEDIA_SCHEME
from coursekit.packages.values import BankDraw, ModulePackage

FrozenQuestion = dict[str, object]
"""An attempt's record of one question: ``{"source", "id", "arrangement"}``."""


@dataclass(frozen=True)
class QuizFile:
    """The questions of one quiz, worksheet or bank file, in file order and by id."""

    name: str
    questions: tuple[Question, ...]
    by_id: Mapping[str, Question]


_parsed: dict[tuple[str, str], QuizFile] = {}
"""Parsed files by (content hash, name). A version's files never change, and a process
serves a bounded set of versions, so entries never go stale."""


def quiz_file(package: ModulePackage, name: str) -> QuizFile:
    """The questions of ``name`` (``quizzes/...``) in ``package``."""
    key = (package.content_hash, name)
    parsed = _parsed.get(key)
    if parsed is None:
        questions = read_questions(name, package.files[name])
        for question in questions:
            image = question.get("image")
            if isinstance(image, str) and image.startswith(MEDIA_SCHEME):
                media = image[len(MEDIA_SCHEME) :]
                question["image_size"] = list(image_size(media, package.files[f"media/{media}"]))
        by_id = MappingProxyType({question["id"]: question for question in questions})
        parsed = _parsed[key] = QuizFile(name, tuple(questions), by_id)
    return parsed


def bank_file(package: ModulePackage, bank: str) -> str:
    """The file a bank draw reads inside a packed package (YAML or GIFT)."""
    for suffix in (".yaml", ".gift"):
        if f"quizzes/{bank}{suffix}" in package.files:
            return f"quizzes/{bank}{suffix}"
    raise LookupError(f"bank {bank!r} is not in module {package.id} {package.version}")


def select_post_test(package: ModulePackage, rng: random.Random) -> list[FrozenQuestion]:
    """Choose and arrange a post-test attempt's questions: the quiz file's questions in
    order (a ``description`` travels with the question after it), then each draw's
    random picks; shuffled as the assessment says; options arranged per question."""
    assessment = package.assessment
    groups: list[list[tuple[str, Question]]] = []
    if assessment.quiz:
        pending: list[tuple[str, Question]] = []
        for question in quiz_file(package, assessment.quiz).questions:
            pending.append((assessment.quiz, question))
            if registry()[question["type"]].graded:
                groups.append(pending)
                pending = []
        if pending:
            groups.append(pending)
    groups += _drawn(package, rng)
    if assessment.shuffle_questions:
        rng.shuffle(groups)
    return [
        {
            "source": source,
            "id": question["id"],
            "arrangement": registry()[question["type"]].arrange(
                question, rng, assessment.shuffle_options
            ),
        }
        for group in groups
        for source, question in group
    ]


def draw_pool(package: ModulePackage, draw: BankDraw) -> tuple[str, list[Question]]:
    """The bank file a draw reads and every question it may pick, in file order: the
    bank's graded questions that carry all of the draw's tags."""
    source = bank_file(package, draw.bank)
    eligible = [
        question
        for question in quiz_file(package, source).questions
        if set(draw.tags) <= set(question["tags"]) and registry()[question["type"]].graded
    ]
    return source, eligible


def _drawn(package: ModulePackage, rng: random.Random) -> list[list[tuple[str, Question]]]:
    """Each draw's random picks, in manifest order, never one question twice."""
    draws = package.assessment.draw
    pools = [draw_pool(package, draw) for draw in draws]
    # Fill the draws with the fewest eligible questions first: a narrow (tagged) draw then
    # still finds its questions when a broad one from the same bank would have taken them.
    picks: dict[int, list[tuple[str, Question]]] = {}
    chosen: set[tuple[str, str]] = set()
    for index in sorted(range(len(pools)), key=lambda number: len(pools[number][1])):
        source, pool = pools[index]
        free = [question for question in pool if (source, question["id"]) not in chosen]
        taken = rng.sample(free, min(draws[index].count, len(free)))
        chosen.update((source, question["id"]) for question in taken)
        picks[index] = [(source, question) for question in taken]
    return [[pick] for index in range(len(pools)) for pick in picks[index]]


def resolve(package: ModulePackage, frozen: FrozenQuestion) -> Question:
    """The question an attempt recorded, from its package version."""
    return quiz_file(package, str(frozen["source"])).by_id[str(frozen["id"])]


def post_test_size(package: ModulePackage) -> int:
    """How many questions each post-test attempt has (``description`` items aside)."""
    assessment = package.assessment
    fixed = 0
    if assessment.quiz:
        questions = quiz_file(package, assessment.quiz).questions
        fixed = sum(1 for question in questions if registry()[question["type"]].graded)
    return fixed + sum(draw.count for draw in assessment.draw)
