"""Warnings: advice a package loads despite, printed by ``coursekit validate``."""

from __future__ import annotations

import pytest
import yaml
from click.testing import CliRunner

from coursekit.assessment.types.geometry import shared_point
from coursekit.cli import main
from tests.loader_helpers import line_of, load
from tests.package_factory import write_package, write_worksheet

LEG_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 500 600">'
    '<rect width="500" height="600"/></svg>'
)


def sound(tmp_path, **overrides):
    """A package with no warnings: lessons long enough for its credit, and a worksheet."""
    folder = write_package(
        tmp_path, lesson_minutes=60, worksheet="quizzes/worksheet.yaml", **overrides
    )
    write_worksheet(folder)
    return folder


def messages(loaded):
    return [(warning.path.rsplit("/", 1)[-1], warning.message) for warning in loaded.warnings]


def test_a_sound_package_has_no_warnings(tmp_path):
    assert load(sound(tmp_path)).warnings == ()


def test_lesson_minutes_short_of_the_credit_are_warned_about_at_the_credit(tmp_path):
    folder = sound(tmp_path)
    for lesson in (folder / "lessons").iterdir():
        lesson.write_text(lesson.read_text().replace("minutes: 60", "minutes: 50"))
    loaded = load(folder)
    # 100 minutes: enough for California's 2 hours of 50 minutes, not for 2 NCCAOM points.
    (warning,) = loaded.warnings
    assert warning.warning and warning.path.endswith("module.yaml")
    assert "100 minutes of study, but 2 PDA points for NCCAOM need at least 120" in warning.message
    text = (folder / "module.yaml").read_text()
    assert warning.line == line_of(text, "board: NCCAOM")
    assert loaded.package.id == "calf"  # a warning never stops the package loading


def test_a_board_credited_twice_is_warned_about(tmp_path):
    twice = {"board": "CA", "provider_number": "CEP-0001", "category": "1", "hours": 1}
    folder = sound(tmp_path)
    data = yaml.safe_load((folder / "module.yaml").read_text())
    data["credits"].append(twice)
    (folder / "module.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    found = [message for _file, message in messages(load(folder))]
    assert found == ["CA is credited 2 times; give each board once"] * 2


def test_home_study_without_a_worksheet_is_warned_about(tmp_path):
    folder = write_package(tmp_path, lesson_minutes=60)
    (warning,) = load(folder).warnings
    assert "home-study module has no worksheet" in warning.message
    assert warning.line == line_of((folder / "module.yaml").read_text(), "delivery:")


def test_a_lesson_without_sources_or_alt_text_is_warned_about_at_its_line(tmp_path):
    folder = sound(tmp_path)
    lesson = folder / "lessons" / "02-needling.md"
    text = lesson.read_text().replace("## References", "## Summary")
    text = text.replace("![Cross-section]", "![ ]")
    lesson.write_text(text)
    found = sorted(load(folder).warnings)
    assert [warning.message.split(":")[0] for warning in found] == [
        "the lesson cites no sources",
        "an image without alt text",
    ]
    assert found[0].line == 0  # about the whole lesson
    assert found[1].line == line_of(text, "![ ]")


def hotspot_bank(folder, regions, correct):
    (folder / "media" / "leg.svg").write_text(LEG_SVG)
    question = {
        "id": "click-fossa",
        "type": "hotspot",
        "text": "Click the popliteal fossa.",
        "image": "media:leg.svg",
        "regions": regions,
        "correct": correct,
        "candidates": [
            {"label": "A", "x": 250, "y": 120},
            {"label": "B", "x": 250, "y": 400},
        ],
    }
    filler = [
        {"id": f"q{n}", "type": "true_false", "text": f"Statement {n}.", "answer": True}
        for n in range(9)
    ]
    bank = {"title": "Post-test", "questions": [question, *filler]}
    (folder / "quizzes" / "post-test.yaml").write_text(yaml.safe_dump(bank, sort_keys=False))


def test_a_correct_hotspot_region_overlapping_a_wrong_one_is_warned_about(tmp_path):
    folder = sound(tmp_path)
    regions = [
        {"name": "fossa", "polygon": [[200, 80], [300, 80], [300, 160], [200, 160]]},
        {"name": "medial-head", "circle": {"cx": 210, "cy": 170, "r": 30}},
        {"name": "heel", "circle": {"cx": 250, "cy": 400, "r": 20}},
    ]
    hotspot_bank(folder, regions, ["fossa"])
    (warning,) = load(folder).warnings
    assert warning.path.endswith("quizzes/post-test.yaml")
    assert "correct region 'fossa' overlaps region 'medial-head'" in warning.message
    text = (folder / "quizzes" / "post-test.yaml").read_text()
    assert warning.line == line_of(text, "name: fossa")


def test_hotspot_regions_that_only_touch_are_not_warned_about(tmp_path):
    folder = sound(tmp_path)
    regions = [
        {"name": "fossa", "polygon": [[200, 80], [300, 80], [300, 160], [200, 160]]},
        {"name": "below", "polygon": [[200, 160], [300, 160], [300, 240], [200, 240]]},
        {"name": "heel", "circle": {"cx": 250, "cy": 400, "r": 20}},
    ]
    hotspot_bank(folder, regions, ["fossa"])
    assert load(folder).warnings == ()


@pytest.mark.parametrize(
    ("first", "second", "overlap"),
    [
        ({"circle": {"cx": 0, "cy": 0, "r": 10}}, {"circle": {"cx": 15, "cy": 0, "r": 10}}, True),
        ({"circle": {"cx": 0, "cy": 0, "r": 10}}, {"circle": {"cx": 20, "cy": 0, "r": 10}}, False),
        # A concave L-shaped polygon whose notch holds the circle: bounding boxes overlap,
        # the shapes do not.
        (
            {"polygon": [[0, 0], [100, 0], [100, 20], [20, 20], [20, 100], [0, 100]]},
            {"circle": {"cx": 60, "cy": 60, "r": 20}},
            False,
        ),
        (
            {"polygon": [[0, 0], [100, 0], [100, 100], [0, 100]]},
            {"polygon": [[0, 0], [100, 0], [100, 100], [0, 100]]},
            True,
        ),
    ],
)
def test_shared_point_finds_overlapping_areas_only(first, second, overlap):
    point = shared_point(first, second)
    assert (point is not None) == overlap


def test_validate_prints_warnings_and_strict_fails_on_them(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    sound(tmp_path, module_id="calf")
    write_package(tmp_path, "shin", lesson_minutes=60)  # home study, no worksheet
    runner = CliRunner()
    result = runner.invoke(main, ["validate", "modules"])
    assert result.exit_code == 0, result.output
    assert "modules/shin/module.yaml:" in result.output
    assert ": warning: a home-study module has no worksheet" in result.output
    assert "ok    modules/shin: shin 1.0.0 " in result.output and "(1 warning)" in result.output
    assert "2 valid, 0 invalid, 1 warning" in result.output
    strict = runner.invoke(main, ["validate", "--strict", "modules"])
    assert strict.exit_code == 1
    clean = runner.invoke(main, ["validate", "--strict", "modules/calf"])
    assert clean.exit_code == 0, clean.output
    assert "warning" not in clean.output
