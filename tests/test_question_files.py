"""Question files in packages and on the command line: every question checked by its
type's schema, GIFT banks parsed, problems at file and line; ``coursekit questions`` and
``coursekit gift2yaml``."""

from __future__ import annotations

import json

import pytest
import yaml
from click.testing import CliRunner

from coursekit.assessment.banks import read_question_file, read_questions
from coursekit.cli import main
from coursekit.packages.discovery import package_candidate
from coursekit.packages.loader import check_bank, load_package
from coursekit.packages.problems import PackageInvalid
from coursekit.packages.sources import FolderFiles
from tests.package_factory import questions, write_package

GIFT_BANK = """// Posterior leg, extra questions
$CATEGORY: $course$/top/Posterior leg

::pls-bl40:: Which structures lie beneath BL40? {
  =the tibial nerve and the popliteal vessels#Right.
  ~the common fibular nerve only
}

::pls-dvt:: A warm, swollen calf can be needled. {F#It can be a DVT.#Right: refer.}

::pls-aer:: Mild adverse events followed about what percentage of treatments? {#19:2}
"""


def problems_of(folder):
    candidate = package_candidate(folder)
    with pytest.raises(PackageInvalid) as info:
        load_package(candidate.files, candidate.shared)
    return info.value.problems


def line_of(text, needle):
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def post_test(folder, items):
    path = folder / "quizzes" / "post-test.yaml"
    path.write_text(yaml.safe_dump({"title": "Post-test", "questions": items}, sort_keys=False))
    return path, f"{package_candidate(folder).label}/quizzes/post-test.yaml"


def drawing(tmp_path, draw, quiz_count=7):
    assessment = {"quiz": "quizzes/post-test.yaml", "draw": [draw], "pass_mark": 75}
    folder = write_package(tmp_path, assessment=assessment)
    post_test(folder, questions(quiz_count))
    return folder


def test_a_misspelt_type_is_reported_at_its_line_with_the_known_types(tmp_path):
    folder = write_package(tmp_path)
    items = questions(10)
    items[3]["type"] = "singel"
    path, label = post_test(folder, items)
    (problem,) = problems_of(folder)
    assert (problem.path, problem.line) == (label, line_of(path.read_text(), "type: singel"))
    assert "unknown question type 'singel'" in problem.message
    assert "single" in problem.message and "true_false" in problem.message


def test_a_misspelt_type_field_is_reported_at_its_key(tmp_path):
    folder = write_package(tmp_path)
    items = questions(10)
    items[5]["explanaton"] = "Typo."
    items[6]["options"][0]["corect"] = True
    path, label = post_test(folder, items)
    text = path.read_text()
    found = {(p.path, p.line, p.message) for p in problems_of(folder)}
    assert (label, line_of(text, "explanaton:"), "unknown field 'questions[5].explanaton'") in found
    assert (label, line_of(text, "corect:"), "unknown field 'questions[6].options[0].corect'") in (
        found
    )


def test_a_question_missing_its_text_is_reported(tmp_path):
    folder = write_package(tmp_path)
    items = questions(10)
    del items[0]["text"]
    _path, label = post_test(folder, items)
    (problem,) = problems_of(folder)
    assert (problem.path, problem.message) == (
        label,
        "questions[0].text: Missing data for required field.",
    )


def test_ungraded_items_do_not_count_towards_ten_questions(tmp_path):
    folder = write_package(tmp_path)
    case = {"id": "case", "type": "description", "text": "A runner with calf pain."}
    essay = {"id": "essay", "type": "essay", "text": "Why?"}
    post_test(folder, [case, *questions(10), essay])
    candidate = package_candidate(folder)
    assert load_package(candidate.files, candidate.shared).package.id == "calf"
    post_test(folder, [case, *questions(9), essay])
    (problem,) = problems_of(folder)
    assert "the post-test has 9 questions" in problem.message


def test_a_gift_bank_is_parsed_and_drawn_from_by_category_tag(tmp_path):
    (tmp_path / "quizzes").mkdir()
    (tmp_path / "quizzes" / "extra.gift").write_text(GIFT_BANK)
    draw = {"bank": "extra", "count": 3, "tags": ["posterior-leg"]}
    folder = drawing(tmp_path, draw)
    candidate = package_candidate(folder)
    package = load_package(candidate.files, candidate.shared).package
    assert package.files["quizzes/extra.gift"] == GIFT_BANK.encode()


def test_a_gift_bank_with_too_few_questions_for_a_draw(tmp_path):
    (tmp_path / "quizzes").mkdir()
    (tmp_path / "quizzes" / "extra.gift").write_text(GIFT_BANK)
    folder = drawing(tmp_path, {"bank": "extra", "count": 4})
    (problem,) = problems_of(folder)
    text = (folder / "module.yaml").read_text()
    assert problem.line == line_of(text, "- bank: extra")
    assert problem.message == "bank 'extra' has 3 questions; the draw asks for 4"


def test_malformed_gift_is_reported_at_its_file_and_line(tmp_path):
    (tmp_path / "quizzes").mkdir()
    broken = GIFT_BANK.replace("{#19:2}", "{#19:two}").replace("only\n}", "only\n")
    (tmp_path / "quizzes" / "extra.gift").write_text(broken)
    folder = drawing(tmp_path, {"bank": "extra", "count": 3})
    problems = problems_of(folder)
    assert {
        (p.path.rsplit("/", 2)[-2:] == ["quizzes", "extra.gift"], p.line, p.column)
        for p in problems
    } == {
        (True, line_of(broken, "BL40"), broken.splitlines()[3].index("{") + 1),
        (True, line_of(broken, "{#19:two}"), broken.splitlines()[10].index("19:two") + 1),
    }
    assert {p.message for p in problems} == {"this { is not closed by }", "'two' is not a number"}


def test_check_bank_parses_gift(tmp_path):
    (tmp_path / "quizzes").mkdir()
    (tmp_path / "quizzes" / "ok.gift").write_text(GIFT_BANK)
    (tmp_path / "quizzes" / "bad.gift").write_text("\n\nQ {=a ~b\n")
    files = FolderFiles(tmp_path, "lib")
    assert check_bank(files, "quizzes/ok.gift") == []
    (problem,) = check_bank(files, "quizzes/bad.gift")
    assert (problem.path, problem.line, problem.column) == ("lib/quizzes/bad.gift", 3, 3)


HOTSPOT = {
    "id": "zone",
    "type": "hotspot",
    "text": "Click the fossa.",
    "image": "media:calf.svg",
    "regions": [
        {"name": "fossa", "circle": {"cx": 50, "cy": 50, "r": 10}},
        {"name": "outside", "polygon": [[90, 90], [150, 90], [90, 150]]},
    ],
    "correct": ["fossa"],
    "candidates": [{"label": "A", "x": 50, "y": 50}, {"label": "B", "x": 10, "y": 10}],
}


def test_a_question_types_media_check_is_reported_at_the_question(tmp_path):
    folder = write_package(tmp_path)
    path, label = post_test(folder, [*questions(10), HOTSPOT])
    (problem,) = problems_of(folder)
    assert (problem.path, problem.line) == (label, line_of(path.read_text(), "- name: outside"))
    assert problem.message.startswith("questions[10].regions[1]: region 'outside' lies outside")
    post_test(folder, [*questions(10), {**HOTSPOT, "image": "media:nope.svg"}])
    (problem,) = problems_of(folder)  # once, by the loader: the type's check is not run
    assert "'media/nope.svg' not found" in problem.message


def test_read_questions_loads_yaml_with_defaults_and_raises_with_every_problem():
    bank = {"title": "Bank", "questions": questions(2)}
    loaded = read_questions("quizzes/bank.yaml", yaml.safe_dump(bank).encode())
    assert [q["points"] for q in loaded] == [1.0, 1.0]
    bad = bank | {"questions": [*questions(1), {"id": "x", "type": "ordering"}]}
    with pytest.raises(PackageInvalid) as info:
        read_questions("quizzes/bank.yaml", yaml.safe_dump(bad).encode(), label="shown.yaml")
    assert {p.path for p in info.value.problems} == {"shown.yaml"}
    assert len(info.value.problems) == 2  # text and items
    for name, data in (("bank.yml", b"title: x"), ("bank.gift", b"\xff")):
        (problem,) = read_question_file(name, data).problems
        assert problem.path == name


# -- the command line ------------------------------------------------------------------------


def run(*args):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bank.gift").write_text(GIFT_BANK)
    bank = {"title": "Bank", "questions": questions(2)}
    (tmp_path / "bank.yaml").write_text(yaml.safe_dump(bank, sort_keys=False))
    return tmp_path


def test_questions_json_for_gift_and_yaml(files):
    result = run("questions", "bank.gift", "--json")
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    assert [(q["id"], q["type"], q["line"]) for q in listed] == [
        ("pls-bl40", "single", 4),
        ("pls-dvt", "true_false", 9),
        ("pls-aer", "numeric", 11),
    ]
    assert listed[1]["prompt"] == "A warm, swollen calf can be needled."
    assert listed[1]["answer"] is False and listed[1]["feedback_true"] == "It can be a DVT."
    assert (listed[2]["answer"], listed[2]["tolerance"]) == (19, 2)
    assert listed[0]["tags"] == ["posterior-leg"]
    result = run("questions", "bank.yaml", "--json")
    assert [q["prompt"] for q in json.loads(result.stdout)] == ["Question 1?", "Question 2?"]
    assert json.loads(result.stdout)[0]["options"][0] == {
        "text": "Yes",
        "correct": True,
        "feedback": "",
    }


def test_questions_prints_each_question(files):
    result = run("questions", "bank.gift")
    assert result.exit_code == 0, result.output
    assert "1. pls-bl40 (single, line 4)" in result.stdout
    assert "   Which structures lie beneath BL40?" in result.stdout
    assert "3 questions in bank.gift" in result.stdout


def test_questions_reports_problems_on_stderr_and_exits_1(files):
    (files / "bad.gift").write_text("::a:: Q {T}\n\n::b:: R {#x}\n")
    result = run("questions", "bad.gift", "--json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "bad.gift:3:11: 'x' is not a number\n"


def test_gift2yaml_round_trips(files):
    result = run("gift2yaml", "bank.gift", "-o", "bank-converted.yaml")
    assert result.exit_code == 0, result.output
    assert "wrote bank-converted.yaml: 3 questions" in result.stdout
    converted = (files / "bank-converted.yaml").read_bytes()
    assert yaml.safe_load(converted)["title"] == "Posterior leg"
    from_yaml = read_questions("bank-converted.yaml", converted)
    from_gift = read_questions("bank.gift", GIFT_BANK.encode())
    assert from_yaml == from_gift
    printed = run("gift2yaml", "bank.gift")
    assert printed.stdout.encode() == converted


def test_gift2yaml_keeps_titles_as_comments_and_names_the_bank_after_the_file(files):
    (files / "titled.gift").write_text("::Grant's tomb:: Who? {=no one =nobody}\n")
    result = run("gift2yaml", "titled.gift")
    assert result.stdout.startswith("title: titled\nquestions:\n  # Grant's tomb\n  - id: grant")
    assert read_questions("t.yaml", result.stdout.encode())[0]["accepted"] == ["no one", "nobody"]
    assert run("gift2yaml", "bank.yaml").exit_code == 2
