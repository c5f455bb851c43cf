"""The four bundled seminar modules: the shape a CE module must have, checked file by file.

These tests read the packages in the project's ``modules/`` folder (with the shared banks in
``quizzes/`` and diagrams in ``media/``) as the app loads them. What they check is what a
provider's reviewer would: lessons of real length that cite their sources and warn wherever
they discuss needling, a clinical case, a worksheet, a post-test drawn from banks at least
twice its size with hotspot and critical safety questions, honest credit, and module 1
before the others. The journey through them is in ``test_seminar_journey``.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner

from coursekit.assessment.banks import SUFFIXES, read_question_file
from coursekit.cli import main
from coursekit.packages.discovery import folder_candidates
from coursekit.packages.loader import load_package
from coursekit.packages.values import ModulePackage

ROOT = Path(__file__).resolve().parents[1]
FOUNDATIONS = "trigger-point-foundations"
SEMINARS = (FOUNDATIONS, "calf-heel-pain", "shin-lateral-leg", "low-back-posterior-chain")
REGIONAL = SEMINARS[1:]
GRADED_TYPES = {
    "single",
    "multiple",
    "true_false",
    "short_text",
    "numeric",
    "matching",
    "ordering",
    "hotspot",
}
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)


@cache
def packages() -> dict[str, ModulePackage]:
    loaded = {}
    for candidate in folder_candidates(ROOT / "modules"):
        package = load_package(candidate.files, candidate.shared).package
        loaded[package.id] = package
    return loaded


def package(module_id: str) -> ModulePackage:
    return packages()[module_id]


def questions_of(seminar: ModulePackage, name: str) -> list[dict]:
    read = read_question_file(name, seminar.files[name])
    assert not read.problems
    return [entry.loaded for entry in read.entries]


def bank(seminar: ModulePackage, name: str) -> list[dict]:
    (found,) = [f"quizzes/{name}{suffix}" for suffix in SUFFIXES] & seminar.files.keys()
    return questions_of(seminar, found)


def pool(seminar: ModulePackage) -> list[dict]:
    """Every question a post-test attempt can draw: in a bank drawn from, carrying every tag
    of at least one of the draws from it."""
    draws = seminar.assessment.draw
    return [
        question
        for name in dict.fromkeys(draw.bank for draw in draws)
        for question in bank(seminar, name)
        if any(
            draw.bank == name and set(draw.tags) <= set(question.get("tags", ())) for draw in draws
        )
    ]


def words(text: str) -> int:
    return len(text.split())


def test_the_bundled_modules_are_the_four_seminars_and_validate_with_no_warnings(
    monkeypatch,
):
    assert sorted(packages()) == sorted(SEMINARS)
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["validate", "--strict", "modules", *shared_banks()])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    assert "4 valid, 0 invalid" in result.output


def shared_banks() -> list[str]:
    return sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "quizzes").iterdir()
        if path.suffix in (".yaml", ".gift")
    )


def test_module_1_comes_before_the_others():
    assert package(FOUNDATIONS).prerequisites == ()
    for module_id in REGIONAL:
        assert package(module_id).prerequisites == (FOUNDATIONS,)


@pytest.mark.parametrize("module_id", SEMINARS)
def test_each_lesson_teaches_at_length_cites_sources_and_warns_where_it_needles(module_id):
    seminar = package(module_id)
    assert 4 <= len(seminar.lessons) <= 7
    assert len(seminar.objectives) >= 3
    cases = 0
    for lesson in seminar.lessons:
        assert 800 <= words(lesson.body) <= 2000, (lesson.slug, words(lesson.body))
        assert lesson.objectives, lesson.slug
        headings = re.findall(r"^##+ (.+)$", lesson.body, re.M)
        assert headings[-1] == "References", lesson.slug  # the sources close the lesson
        references = lesson.body.rsplit("## References", 1)[1]
        assert len(re.findall(r"^- ", references, re.M)) >= 2, lesson.slug
        if re.search(r"needl", lesson.body, re.I):
            assert re.search(r"^::: (danger|warning)\b", lesson.body, re.M), lesson.slug
        cases += any(heading.startswith("Clinical case") for heading in headings)
    assert cases >= 1


@pytest.mark.parametrize("module_id", SEMINARS)
def test_each_module_has_a_worksheet_of_three_to_six_prompts(module_id):
    seminar = package(module_id)
    prompts = [
        question
        for question in questions_of(seminar, seminar.worksheet)
        if question["type"] != "description"
    ]
    assert 3 <= len(prompts) <= 6
    assert seminar.completion.worksheet == "reviewed"


@pytest.mark.parametrize("module_id", SEMINARS)
def test_the_post_test_draws_from_banks_at_least_twice_its_size(module_id):
    seminar = package(module_id)
    assessment = seminar.assessment
    assert assessment.quiz is None  # every question is drawn: attempts differ
    per_attempt = sum(draw.count for draw in assessment.draw)
    assert per_attempt >= 10
    for draw in assessment.draw:
        eligible = [
            question
            for question in bank(seminar, draw.bank)
            if set(draw.tags) <= set(question.get("tags", ())) and question["type"] in GRADED_TYPES
        ]
        assert len(eligible) >= 2 * draw.count, (draw, len(eligible))
    assert len(pool(seminar)) >= 2 * per_attempt
    # Every attempt carries a critical safety item and a hotspot question.
    drawn = [set(draw.tags) for draw in assessment.draw]
    assert {"critical"} in drawn and {"hotspot"} in drawn
    for draw in assessment.draw:
        for question in bank(seminar, draw.bank):
            if "critical" in question.get("tags", ()):
                assert question["critical"], question["id"]
            if "hotspot" in question.get("tags", ()):
                assert question["type"] == "hotspot", question["id"]
    assert assessment.pass_mark >= 70 and assessment.attempts


@pytest.mark.parametrize("module_id", SEMINARS)
def test_each_module_uses_the_question_types_that_teach(module_id):
    questions = pool(package(module_id))
    types = {question["type"] for question in questions}
    assert len(types & GRADED_TYPES) >= 7, types
    assert sum(question["type"] == "hotspot" for question in questions) >= 3
    assert sum(bool(question.get("critical")) for question in questions) >= 4
    assert all(question.get("explanation") for question in questions)


def test_together_the_modules_use_every_question_type():
    types = {question["type"] for module_id in SEMINARS for question in pool(package(module_id))}
    assert types >= GRADED_TYPES


@pytest.mark.parametrize("module_id", SEMINARS)
def test_credit_is_honest_sample_numbered_and_for_home_study(module_id):
    seminar = package(module_id)
    nccaom, california = seminar.credits
    assert nccaom.board == "NCCAOM" and re.fullmatch(r"PDA-000-\d{3}", nccaom.course_number)
    categories = dict(nccaom.points)
    assert categories.keys() <= {"AOM-AC", "AOM-BIO", "SA"} and "SA" in categories
    assert california.board == "CA" and california.category == "1"
    assert california.provider_number == "CEP-0000"
    assert california.hours == nccaom.total
    # 60-minute hours for NCCAOM (the stricter), and seat time measured to match.
    assert seminar.minutes >= 60 * nccaom.total
    assert seminar.completion.seat_minutes == 60 * nccaom.total
    assert seminar.delivery == "distance-learning-home-study"
    assert seminar.version == "1.0.0"
    for author in seminar.authors:
        assert author.name.endswith("(sample instructor)")
        assert author.bio.startswith("SAMPLE DATA")
