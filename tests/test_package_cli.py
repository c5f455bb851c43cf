"""``coursekit validate``, ``modules list|reload``, ``pack`` and ``unpack``."""

from __future__ import annotations

import re
import zipfile

import pytest
import yaml
from click.testing import CliRunner

from coursekit.cli import main
from tests.package_factory import write_bank, write_package, write_worksheet
from tests.question_samples import file_form

PROBLEM_LINE = re.compile(r"^(?P<path>[^:\s]+):(?P<line>\d+):(?P<column>\d+): (?P<message>.+)$")


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def content(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for module_id in ("calf", "shin"):
        # Lessons long enough for the credit, and a worksheet: packages with no warnings.
        folder = write_package(
            tmp_path, module_id, lesson_minutes=60, worksheet="quizzes/worksheet.yaml"
        )
        write_worksheet(folder)
    return tmp_path


def problems(output: str) -> list[re.Match]:
    lines = map(PROBLEM_LINE.match, output.splitlines())
    return [m for m in lines if m and not m["message"].startswith("warning: ")]


def warnings(output: str) -> list[re.Match]:
    lines = map(PROBLEM_LINE.match, output.splitlines())
    return [m for m in lines if m and m["message"].startswith("warning: ")]


def test_validate_passes_valid_packages_and_exits_0(content):
    result = run("validate", "modules")
    assert result.exit_code == 0, result.output
    assert "2 valid, 0 invalid" in result.output
    assert re.search(r"^ok +modules/calf: calf 1\.0\.0 [0-9a-f]{64}$", result.output, re.M)


def test_validate_reports_every_problem_with_file_line_and_column(content):
    manifest = (content / "modules/calf/module.yaml").read_text()
    broken = manifest.replace("pass_mark: 75", "pass_mark: high").replace(
        "delivery: distance-learning-home-study", "delivery: carrier-pigeon\ncolour: blue"
    )
    (content / "modules/calf/module.yaml").write_text(broken)
    (content / "modules/calf/lessons/02-needling.md").write_text("no front matter\n")
    result = run("validate", "modules/calf", "modules/shin")
    assert result.exit_code == 1
    found = {(m["path"], m["message"].split(":")[0]) for m in problems(result.output)}
    assert ("modules/calf/module.yaml", "assessment.pass_mark") in found
    assert ("modules/calf/module.yaml", "delivery") in found
    assert ("modules/calf/module.yaml", "unknown field 'colour'") in found
    assert ("modules/calf/lessons/02-needling.md", "a lesson starts with front matter") in {
        (path, message.split(" between")[0]) for path, message in found
    }
    lines = broken.splitlines()
    (colour,) = [m for m in problems(result.output) if "colour" in m["message"]]
    assert lines[int(colour["line"]) - 1].startswith("colour:")
    assert "FAIL  modules/calf: 4 problems" in result.output
    assert "ok    modules/shin" in result.output
    assert "1 valid, 1 invalid" in result.output


def test_validate_without_paths_checks_the_modules_path_and_shared_banks(content, monkeypatch):
    monkeypatch.setenv("COURSEKIT_MODULES_PATH", str(content / "modules"))
    monkeypatch.setenv("COURSEKIT_INSTANCE_PATH", str(content / "instance"))
    bank = write_bank(content, "soleus", 3)
    bank.write_text(bank.read_text() + "oops: [\n")
    result = run("validate")
    assert result.exit_code == 1
    assert "2 valid" in result.output
    (problem,) = problems(result.output)
    assert problem["path"] == "quizzes/soleus.yaml"


def test_validate_a_missing_manifest_and_a_bad_zip(content):
    (content / "modules/empty").mkdir()
    (content / "bad.zip").write_bytes(b"not a zip")
    result = run("validate", "modules", "bad.zip")
    assert result.exit_code == 1
    assert "modules/empty/module.yaml: file 'module.yaml' not found" in result.output
    assert "bad.zip: not a zip file" in result.output


def test_pack_then_unpack_round_trips_a_self_contained_package(content):
    write_bank(content, "soleus", 4, tags=("deep",))
    manifest = (content / "modules/calf/module.yaml").read_text()
    (content / "modules/calf/module.yaml").write_text(
        manifest.replace(
            "  pass_mark: 75",
            "  draw:\n  - {bank: soleus, count: 2, tags: [deep]}\n  pass_mark: 75",
        )
    )
    packed = run("pack", "modules/calf", "-o", "calf.zip")
    assert packed.exit_code == 0, packed.output
    content_hash = packed.output.split()[-1]
    assert "quizzes/soleus.yaml" in zipfile.ZipFile(content / "calf.zip").namelist()

    result = run("unpack", "calf.zip", "-d", "elsewhere/modules")
    assert result.exit_code == 0, result.output
    assert (content / "elsewhere/modules/calf/quizzes/soleus.yaml").exists()
    again = run("validate", "elsewhere/modules/calf")
    assert content_hash in again.output
    assert run("unpack", "calf.zip", "-d", "elsewhere/modules").exit_code == 1  # no overwrite


def test_unpack_extracts_nothing_from_an_invalid_zip(content):
    with zipfile.ZipFile(content / "evil.zip", "w") as archive:
        archive.writestr("module.yaml", "id: evil\n")
        archive.writestr("../escape.txt", "gotcha")
    result = run("unpack", "evil.zip", "-d", "out")
    assert result.exit_code == 1
    assert "nothing was extracted" in result.output
    assert not (content / "out").exists() and not (content.parent / "escape.txt").exists()


def test_pack_refuses_an_invalid_package(content):
    (content / "modules/calf/media/calf.svg").write_text("<svg><script>x()</script></svg>")
    result = run("pack", "modules/calf", "-o", "calf.zip")
    assert result.exit_code == 1
    assert "SVG must not contain <script>" in result.output
    assert not (content / "calf.zip").exists()


def test_hotspots_draws_each_hotspot_question_over_its_diagram(content):
    leg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 500 500">'
        '<rect width="500" height="500"/></svg>'
    )
    (content / "modules/calf/media/leg.svg").write_text(leg)
    post_test = content / "modules/calf/quizzes/post-test.yaml"
    data = yaml.safe_load(post_test.read_text())
    data["questions"].append(file_form("hotspot", id="click-fossa"))
    post_test.write_text(yaml.safe_dump(data))
    assert run("pack", "modules/calf", "-o", "calf.zip").exit_code == 0
    for source in ("modules/calf", "calf.zip"):
        result = run("hotspots", source, "-o", f"drawn-{source[-3:]}")
        assert result.exit_code == 0, result.output
        assert result.output.startswith("wrote 1 drawing to")
        drawing = (content / f"drawn-{source[-3:]}" / "post-test--click-fossa.svg").read_text()
        assert "data:image/svg+xml;base64," in drawing  # the diagram itself, embedded
        assert drawing.count("<polygon") == 1 and drawing.count("<circle") == 1
        assert 'fill="#1a9850"' in drawing  # the correct region drawn as correct


def test_hotspots_refuses_an_invalid_package(content):
    (content / "modules/calf/module.yaml").write_text("id: [\n")
    result = run("hotspots", "modules/calf", "-o", "drawn")
    assert result.exit_code == 1
    assert "modules/calf/module.yaml" in result.output
    assert not (content / "drawn").exists()


def test_modules_reload_publishes_and_list_shows_status(
    content, database_url, make_app, monkeypatch
):
    make_app()  # only so that the test database is wiped afterwards, like every other test's
    monkeypatch.setenv("COURSEKIT_DATABASE_URL", database_url)
    monkeypatch.setenv("COURSEKIT_MODULES_PATH", str(content / "modules"))
    monkeypatch.setenv("COURSEKIT_INSTANCE_PATH", str(content / "instance"))
    listed = run("modules", "list")
    assert re.search(r"^calf +1\.0\.0 +new +[0-9a-f]{16}$", listed.output, re.M), listed.output
    assert run("modules", "reload").exit_code == 0
    listed = run("modules", "list")
    assert re.search(r"^calf +1\.0\.0 +published ", listed.output, re.M), listed.output

    lesson = content / "modules/calf/lessons/01-anatomy.md"
    lesson.write_text(lesson.read_text() + "\nAn edit.\n")
    reloaded = run("modules", "reload")
    assert reloaded.exit_code == 1
    assert "published versions never change: bump the version, e.g. to 1.0.1" in reloaded.output
    assert re.search(r"^calf +1\.0\.0 +changed ", run("modules", "list").output, re.M)


def test_validating_one_package_knows_its_siblings_as_prerequisites(content):
    write_package(content, "needs-calf", prerequisites=["calf"])
    write_package(content, "needs-ghost", prerequisites=["ghost"])
    assert run("validate", "modules/needs-calf").exit_code == 0
    result = run("validate", "modules/needs-ghost")
    assert result.exit_code == 1
    assert "prerequisite 'ghost' is not a known, valid module" in result.output
