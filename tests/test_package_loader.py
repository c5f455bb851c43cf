"""Loading one package: the values it becomes, and every problem at its file and line."""

from __future__ import annotations

import dataclasses
import random
import time

import pytest
import yaml

from coursekit.assessment.quizzes import select_post_test
from coursekit.packages.discovery import package_candidate
from coursekit.packages.loader import check_bank
from coursekit.packages.sources import FolderFiles
from tests.loader_helpers import line_of, load, manifest_text, problems_of, with_manifest
from tests.package_factory import (
    LESSON,
    SVG,
    questions,
    write_bank,
    write_package,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_valid_package_loads_as_frozen_values_in_manifest_order(tmp_path):
    folder = write_package(tmp_path, lesson_minutes=25)
    first = folder / "lessons" / "01-anatomy.md"
    first.write_text(LESSON.format(title="Anatomy first", minutes=40, image="calf.svg"))
    text = manifest_text(lessons=["lessons/02-needling.md", "lessons/01-anatomy.md"])
    (folder / "module.yaml").write_text(text)
    package = load(folder).package
    assert [lesson.path for lesson in package.lessons] == [
        "lessons/02-needling.md",
        "lessons/01-anatomy.md",
    ]
    assert [(lesson.title, lesson.minutes) for lesson in package.lessons] == [
        ("Lesson 2", 25),
        ("Anatomy first", 40),
    ]
    assert package.minutes == 25 + 40
    assert package.lesson("01-anatomy").title == "Anatomy first"
    with pytest.raises(dataclasses.FrozenInstanceError):
        package.title = "changed"
    with pytest.raises(dataclasses.FrozenInstanceError):
        package.lessons[0].body = "changed"
    with pytest.raises(TypeError):
        package.files["module.yaml"] = b"changed"


def test_content_hash_is_stable_and_changes_with_one_lesson_byte(tmp_path):
    folder = write_package(tmp_path)
    first, second = load(folder).package.content_hash, load(folder).package.content_hash
    assert first == second
    lesson = folder / "lessons" / "02-needling.md"
    data = bytearray(lesson.read_bytes())
    data[-2] = ord("X") if data[-2] != ord("X") else ord("Y")
    lesson.write_bytes(bytes(data))
    assert load(folder).package.content_hash != first


TITLE = "title: Module calf"
CREDENTIALS = "  credentials: L.Ac."
VERSION = "version: 1.0.0"
SUMMARY = "summary: 'Summary of calf: calf trigger points.'"
SECOND_LESSON = "- lessons/02-needling.md"
MANIFEST_MISTAKES = {
    # name: (text replaced, replacement, marker where the problem is, words in its message)
    "yaml-error": ("prerequisites: []", "prerequisites: a: b", ": b", "invalid YAML"),
    "unknown-field": (TITLE, f"{TITLE}\ncolour: blue", "colour", "unknown field 'colour'"),
    "unknown-nested-field": (CREDENTIALS, f"{CREDENTIALS}\n  website: x", "website", "authors[0]"),
    "wrong-type": ("pass_mark: 75", "pass_mark: high", "high", "assessment.pass_mark"),
    # PyYAML's constructors raise plain Python errors on these (found by the fuzz test).
    "bad-timestamp-tag": (
        "pass_mark: 75",
        "pass_mark: !!timestamp 02001-12-14",
        "!!timestamp",
        "invalid value for its tag !!timestamp",
    ),
    "bad-int-tag": ("pass_mark: 75", "pass_mark: !!int many", "!!int", "tag !!int: 'many'"),
    "duplicate-key": (TITLE, f"{TITLE}\ntitle: Again", "title: Again", "duplicate key 'title'"),
    "alias": (
        f"{TITLE}\n{VERSION}\n{SUMMARY}",
        f"title: &a x\n{VERSION}\nsummary: *a",
        "&a",
        "alias",
    ),
    "dot-dot-lesson": (SECOND_LESSON, "- lessons/../../outside.md", "lessons/..", "lessons/.."),
    "absolute-lesson": (SECOND_LESSON, "- /etc/passwd.md", "/etc", "under lessons/"),
}


@pytest.mark.parametrize("mistake", MANIFEST_MISTAKES.values(), ids=MANIFEST_MISTAKES.keys())
def test_manifest_mistake_is_reported_at_its_line_and_column(tmp_path, mistake):
    old, new, marker, words = mistake
    text = manifest_text().replace(old, new)
    (tmp_path / "modules").mkdir()  # what lessons/../../ would reach, were it followed
    (tmp_path / "modules" / "outside.md").write_text(LESSON.format(title="x", minutes=1, image="a"))
    folder, path = with_manifest(tmp_path, text)
    (problem,) = problems_of(folder)
    line = line_of(text, marker)
    column = text.splitlines()[line - 1].index(marker) + 1
    assert (problem.path, problem.line, problem.column) == (path, line, column)
    assert words in problem.message


def test_unclosed_bracket_is_reported_where_the_parser_gives_up(tmp_path):
    text = manifest_text().replace("prerequisites: []", "prerequisites: [unclosed")
    folder, path = with_manifest(tmp_path, text)
    (problem,) = problems_of(folder)
    # The flow sequence runs on to the next key's colon: the line after the bracket.
    assert (problem.path, problem.line) == (path, line_of(text, "[unclosed") + 1)
    assert "invalid YAML" in problem.message


def test_missing_manifest_is_reported(tmp_path):
    folder = write_package(tmp_path)
    (folder / "module.yaml").unlink()
    (problem,) = problems_of(folder)
    assert problem.path == f"{package_candidate(folder).label}/module.yaml"
    assert "not found" in problem.message


def remove_lesson(folder, tmp_path):
    (folder / "lessons" / "02-needling.md").unlink()
    return ["02-needling.md"], "not found"


def symlink_lesson(folder, tmp_path):
    lesson = folder / "lessons" / "02-needling.md"
    lesson.rename(tmp_path / "real.md")
    lesson.symlink_to(tmp_path / "real.md")
    return ["02-needling.md"], "symbolic link"


def symlink_lessons_folder(folder, tmp_path):
    (folder / "lessons").rename(tmp_path / "real-lessons")
    (folder / "lessons").symlink_to(tmp_path / "real-lessons", target_is_directory=True)
    return ["01-anatomy.md", "02-needling.md"], "symbolic link"


@pytest.mark.parametrize("breaking", [remove_lesson, symlink_lesson, symlink_lessons_folder])
def test_unreadable_lesson_is_reported_at_the_manifest_line_listing_it(tmp_path, breaking):
    folder, path = with_manifest(tmp_path, manifest_text())
    lessons, words = breaking(folder, tmp_path)
    problems = problems_of(folder)
    text = (folder / "module.yaml").read_text()
    assert [(p.path, p.line) for p in problems] == [(path, line_of(text, n)) for n in lessons]
    assert all(words in p.message for p in problems)


def test_lesson_without_front_matter_is_reported_at_its_first_line(tmp_path):
    folder = write_package(tmp_path)
    (folder / "lessons" / "01-anatomy.md").write_text("# Anatomy\n\nNo front matter.\n")
    (problem,) = problems_of(folder)
    label = package_candidate(folder).label
    assert (problem.path, problem.line) == (f"{label}/lessons/01-anatomy.md", 1)
    assert "front matter" in problem.message


def test_missing_media_is_reported_at_the_lesson_line_of_the_image(tmp_path):
    folder = write_package(tmp_path)
    (folder / "media" / "calf.svg").unlink()
    problems = problems_of(folder)
    label = package_candidate(folder).label
    for slug in ("01-anatomy", "02-needling"):
        lesson = f"lessons/{slug}.md"
        line = line_of((folder / lesson).read_text(), "](media:calf.svg")
        (problem,) = [p for p in problems if p.path == f"{label}/{lesson}"]
        assert (problem.line, problem.column) == (line, 1)
        assert "media/calf.svg" in problem.message and "not found" in problem.message


def test_media_reference_escaping_the_package_is_refused(tmp_path):
    folder = write_package(tmp_path)
    (tmp_path / "secret.svg").write_text(SVG)  # what ../../ would reach from modules/calf/media
    lesson = folder / "lessons" / "01-anatomy.md"
    lesson.write_text(lesson.read_text() + "\nSee ![x](media:../../secret.svg) too.\n")
    label = package_candidate(folder).label
    (problem,) = problems_of(folder)
    assert problem.path == f"{label}/lessons/01-anatomy.md"
    assert problem.line == line_of(lesson.read_text(), "media:../../secret.svg")
    assert "not a plain relative path" in problem.message


def test_billion_laughs_is_refused_quickly(tmp_path):
    rows = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    rows += [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, 12)]
    folder, path = with_manifest(tmp_path, "\n".join(rows) + "\n")
    # Load a valid package first, so a fresh process's one-time costs (imports, schemas,
    # the question-type registry) are not counted against the refusal.
    load(write_package(tmp_path / "warm-up"))
    started = time.perf_counter()
    problems = problems_of(folder)
    assert time.perf_counter() - started < 2
    assert any(p.path == path and "anchors and aliases" in p.message for p in problems)


def test_fewer_than_ten_post_test_questions(tmp_path):
    folder, path = with_manifest(tmp_path, manifest_text())
    post_test = {"title": "Post-test", "questions": questions(9)}
    (folder / "quizzes" / "post-test.yaml").write_text(yaml.safe_dump(post_test))
    (problem,) = problems_of(folder)
    text = (folder / "module.yaml").read_text()
    # The assessment mapping: its key line, or the first line of its block.
    assert problem.path == path
    assert problem.line in (line_of(text, "assessment:"), line_of(text, "assessment:") + 1)
    assert "9 questions" in problem.message and "at least 10" in problem.message


def bank_package(tmp_path, draw):
    assessment = {"quiz": "quizzes/post-test.yaml", "draw": draw, "pass_mark": 75}
    return with_manifest(tmp_path, manifest_text(assessment=assessment))


def test_draw_from_a_missing_bank_is_reported_at_the_draw(tmp_path):
    folder, path = bank_package(tmp_path, [{"bank": "nope", "count": 2}])
    (problem,) = problems_of(folder)
    text = (folder / "module.yaml").read_text()
    assert (problem.path, problem.line) == (path, line_of(text, "- bank: nope"))
    assert "'nope' not found" in problem.message


def test_bank_with_too_few_tagged_questions_is_reported(tmp_path):
    bank = questions(3, "t", tags=("soleus",)) + questions(5, "u", tags=("gastroc",))
    write_bank(tmp_path, "calf-bank", 0)
    (tmp_path / "quizzes" / "calf-bank.yaml").write_text(
        yaml.safe_dump({"title": "Bank", "questions": bank})
    )
    draw = {"bank": "calf-bank", "count": 3, "tags": ["soleus"]}
    folder, _path = bank_package(tmp_path, [draw])
    assert load(folder).package.assessment.draw[0].count == 3
    folder, path = bank_package(tmp_path, [{**draw, "count": 4}])
    (problem,) = problems_of(folder)
    text = (folder / "module.yaml").read_text()
    assert (problem.path, problem.line) == (path, line_of(text, "- bank: calf-bank"))
    assert "3 questions tagged soleus" in problem.message and "asks for 4" in problem.message


def test_draws_that_would_share_questions_are_reported(tmp_path):
    # 3 questions tagged soleus (also tagged calf), 5 tagged gastroc only.
    bank = questions(3, "t", tags=("soleus", "calf")) + questions(5, "u", tags=("gastroc",))
    write_bank(tmp_path, "calf-bank", 0)
    (tmp_path / "quizzes" / "calf-bank.yaml").write_text(
        yaml.safe_dump({"title": "Bank", "questions": bank})
    )
    soleus = {"bank": "calf-bank", "count": 2, "tags": ["soleus"]}
    calf = {"bank": "calf-bank", "count": 2, "tags": ["calf"]}
    gastroc = {"bank": "calf-bank", "count": 4, "tags": ["gastroc"]}
    folder, _path = bank_package(tmp_path, [soleus, gastroc])
    assert len(load(folder).package.assessment.draw) == 2
    # Each of these draws fits the bank alone, but soleus and calf select the same three.
    folder, path = bank_package(tmp_path, [soleus, gastroc, calf])
    (problem,) = problems_of(folder)
    assert problem.path == path
    assert problem.message.startswith("draws 1, 3 from bank 'calf-bank' ask for 4 different")
    assert "only 3 match their tags" in problem.message


def test_an_attempt_fills_a_narrow_draw_before_a_broad_one_from_the_same_bank(tmp_path):
    bank = questions(3, "t", tags=("soleus",)) + questions(5, "u", tags=("gastroc",))
    write_bank(tmp_path, "calf-bank", 0)
    (tmp_path / "quizzes" / "calf-bank.yaml").write_text(
        yaml.safe_dump({"title": "Bank", "questions": bank})
    )
    broad = {"bank": "calf-bank", "count": 5}
    narrow = {"bank": "calf-bank", "count": 3, "tags": ["soleus"]}
    folder, _path = bank_package(tmp_path, [broad, narrow])
    package = load(folder).package
    drawn = package.assessment.draw
    for seed in range(50):
        rng = random.Random(seed)  # noqa: S311 - reproducible draws, not secrets
        chosen = [q["id"] for q in select_post_test(package, rng)]
        from_bank = [qid for qid in chosen if qid[0] in "tu"]
        assert len(set(from_bank)) == sum(draw.count for draw in drawn) == 8


@pytest.mark.parametrize(
    ("svg", "words"),
    [
        (SVG.replace("</svg>", "<script>alert(1)</script></svg>"), "<script>"),
        (SVG.replace("<circle", '<circle onload="alert(1)"'), "event handlers"),
        (SVG.replace("</svg>", '<a href="javascript:alert(1)"><text>x</text></a></svg>'), "script"),
        ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "y">]>' + SVG, "DOCTYPE"),
        # Browsers drop tabs and newlines inside a URL, so this is still javascript:.
        (SVG.replace("</svg>", '<a href="java&#x09;script:alert(1)">x</a></svg>'), "script"),
        (
            SVG.replace("</svg>", '<a><set attributeName="href" to="javascript:x()"/>x</a></svg>'),
            "",
        ),
    ],
    ids=["script", "onload", "javascript-href", "doctype", "tab-in-scheme", "set-href"],
)
def test_unsafe_svg_is_refused(tmp_path, svg, words):
    folder = write_package(tmp_path)
    (folder / "media" / "calf.svg").write_text(svg)
    (problem,) = set(problems_of(folder))  # both lessons use it: see the test below
    assert problem.path == f"{package_candidate(folder).label}/media/calf.svg"
    assert words in problem.message


def test_unsafe_media_used_by_two_lessons_is_reported_once(tmp_path):
    folder = write_package(tmp_path)
    (folder / "media" / "calf.svg").write_text(SVG.replace("<circle", '<circle onclick="x()"'))
    problems = problems_of(folder)
    assert len(problems) == len(set(problems)) == 1


def test_png_name_with_other_content_is_refused(tmp_path):
    folder = write_package(tmp_path)
    lesson = folder / "lessons" / "01-anatomy.md"
    lesson.write_text(lesson.read_text() + "\n![photo](media:photo.png)\n")
    (folder / "media" / "photo.png").write_bytes(PNG)
    assert "media/photo.png" in load(folder).package.files
    (folder / "media" / "photo.png").write_text(SVG)
    (problem,) = problems_of(folder)
    assert problem.path == f"{package_candidate(folder).label}/media/photo.png"
    assert "image/png" in problem.message


def test_every_problem_is_reported_at_once(tmp_path):
    text = manifest_text(version="one", delivery="by-post") + "colour: blue\n"
    text = text.replace("pass_mark: 75", "pass_mark: high")
    folder, path = with_manifest(tmp_path, text)
    (folder / "lessons" / "01-anatomy.md").write_text("no front matter\n")
    problems = problems_of(folder)
    in_manifest = {p.line for p in problems if p.path == path}
    expected = {line_of(text, n) for n in ("version:", "delivery:", "colour:", "pass_mark:")}
    assert expected <= in_manifest
    assert any(p.path.endswith("lessons/01-anatomy.md") for p in problems)


@pytest.mark.parametrize("local_too", [False, True], ids=["shared-only", "local-wins"])
def test_shared_bank_and_media_are_found_beside_the_modules_folder(tmp_path, local_too):
    assessment = {"quiz": "quizzes/post-test.yaml", "draw": [{"bank": "bank", "count": 5}]}
    folder = write_package(tmp_path, assessment={**assessment, "pass_mark": 75})
    shared_bank = write_bank(tmp_path, "bank", 5 if not local_too else 2).read_bytes()
    (tmp_path / "media").mkdir()
    shared_svg = SVG.replace("soleus", "shared") if not local_too else "<not svg"
    (tmp_path / "media" / "calf.svg").write_text(shared_svg)
    if local_too:  # the shared bank is too small and the shared SVG broken: unused, they pass
        expected_bank, expected_svg = write_bank(folder, "bank", 5, ("local",)).read_bytes(), SVG
    else:
        (folder / "media" / "calf.svg").unlink()
        expected_bank, expected_svg = shared_bank, shared_svg
    package = load(folder).package
    assert package.files["quizzes/bank.yaml"] == expected_bank
    assert package.files["media/calf.svg"] == expected_svg.encode()
    assert package.media_names() == ("media/calf.svg",)


def test_check_bank_reports_a_broken_shared_bank_with_its_line(tmp_path):
    good = write_bank(tmp_path, "good", 3)
    files = FolderFiles(tmp_path, "library")
    assert check_bank(files, "quizzes/good.yaml") == []
    text = good.read_text().replace("  type: single", "  kind: single", 1)
    (tmp_path / "quizzes" / "bad.yaml").write_text(text)
    problems = check_bank(files, "quizzes/bad.yaml")
    assert problems and all(p.path == "library/quizzes/bad.yaml" for p in problems)
    assert line_of(text, "- id: good1") in {p.line for p in problems}  # it has no type
    (tmp_path / "quizzes" / "yaml.yaml").write_text("title: Bank\nquestions: [\n  - id: a\n")
    (problem,) = check_bank(files, "quizzes/yaml.yaml")
    assert problem.path == "library/quizzes/yaml.yaml" and problem.line >= 2
    assert "invalid YAML" in problem.message
