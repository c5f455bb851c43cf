"""Finding packages and checking the set: broken ones, duplicate ids, prerequisites, plugins."""

from __future__ import annotations

import types

import pytest
import yaml

from coursekit.packages import discovery
from coursekit.packages.discovery import (
    entry_point_candidates,
    folder_candidates,
    load_candidates,
    package_candidate,
)
from tests.package_factory import manifest, write_package


def line_of(text, needle):
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def write(root, folder_name, module_id=None, **overrides):
    """A valid package in ``modules/<folder_name>`` whose ``id`` is written last, so a
    problem reported at line 1 (the fallback) cannot pass for one at the id."""
    data = manifest(module_id or folder_name, **overrides)
    data["id"] = data.pop("id")
    return write_package(root, folder_name, manifest_text=yaml.safe_dump(data, sort_keys=False))


def load_all(root, known_ids=()):
    return load_candidates(folder_candidates(root / "modules"), known_ids)


def label(folder):
    return package_candidate(folder).label


def loaded_ids(report):
    return sorted(item.package.id for item in report.loaded)


def test_one_broken_package_does_not_stop_the_others(tmp_path):
    write(tmp_path, "alpha")
    broken = write(tmp_path, "beta")
    (broken / "module.yaml").write_text("id: beta\ntitle: [\n")
    write(tmp_path, "gamma")
    report = load_all(tmp_path)
    assert loaded_ids(report) == ["alpha", "gamma"]
    assert list(report.problems) == [label(broken)]
    assert not report.ok
    assert all(p.path == f"{label(broken)}/module.yaml" for p in report.problems[label(broken)])


def test_hidden_draft_and_symlinked_folders_are_not_candidates(tmp_path):
    write(tmp_path, "alpha")
    write(tmp_path, "_drafts", "drafts")
    write(tmp_path, ".hidden", "hidden")
    (tmp_path / "elsewhere").mkdir()
    real = write(tmp_path / "elsewhere", "linked")
    (tmp_path / "modules" / "linked").symlink_to(real, target_is_directory=True)
    assert [c.label for c in folder_candidates(tmp_path / "modules")] == [
        label(tmp_path / "modules" / "alpha")
    ]
    assert folder_candidates(tmp_path / "missing") == []


def test_duplicate_id_refuses_both_at_the_id_line_naming_the_other(tmp_path):
    first = write(tmp_path, "first", "same")
    second = write(tmp_path, "second", "same")
    write(tmp_path, "other")
    report = load_all(tmp_path)
    assert loaded_ids(report) == ["other"]
    for mine, theirs in ((first, second), (second, first)):
        (problem,) = report.problems[label(mine)]
        text = (mine / "module.yaml").read_text()
        assert (problem.path, problem.line) == (
            f"{label(mine)}/module.yaml",
            line_of(text, "id: same"),
        )
        assert "'same'" in problem.message and label(theirs) in problem.message


def test_unknown_prerequisite_is_reported_at_its_line(tmp_path):
    write(tmp_path, "base")
    needs = write(tmp_path, "needs", prerequisites=["base", "ghost"])
    report = load_all(tmp_path)
    assert loaded_ids(report) == ["base"]
    (problem,) = report.problems[label(needs)]
    text = (needs / "module.yaml").read_text()
    assert (problem.path, problem.line) == (f"{label(needs)}/module.yaml", line_of(text, "- ghost"))
    assert "'ghost'" in problem.message and "not a known, valid module" in problem.message


def test_prerequisite_known_only_from_earlier_publication_is_accepted(tmp_path):
    write(tmp_path, "needs", prerequisites=["retired"])
    report = load_all(tmp_path, known_ids=["retired"])
    assert report.ok and loaded_ids(report) == ["needs"]


def test_prerequisite_refused_for_a_duplicate_id_is_unknown(tmp_path):
    write(tmp_path, "one", "base")
    write(tmp_path, "two", "base")
    needs = write(tmp_path, "needs", prerequisites=["base"])
    report = load_all(tmp_path)
    assert loaded_ids(report) == []
    assert "'base' is not a known, valid module" in report.problems[label(needs)][0].message


@pytest.mark.parametrize("size", [1, 2, 3])
def test_every_module_in_a_prerequisite_cycle_is_refused(tmp_path, size):
    ids = [f"mod-{n}" for n in range(size)]
    folders = {
        module_id: write(tmp_path, module_id, prerequisites=["base", ids[(n + 1) % size]])
        for n, module_id in enumerate(ids)
    }
    write(tmp_path, "base")
    report = load_all(tmp_path)
    assert loaded_ids(report) == ["base"]
    for n, folder in enumerate(folders.values()):
        (problem,) = report.problems[label(folder)]
        text = (folder / "module.yaml").read_text()
        assert problem.path == f"{label(folder)}/module.yaml"
        assert problem.line == line_of(text, f"- {ids[(n + 1) % size]}")
        assert problem.message.startswith("prerequisite cycle")
        assert all(other in problem.message for other in ids)


def test_modules_that_depend_on_a_refused_module_are_refused_in_turn(tmp_path):
    write(tmp_path, "mod-a", prerequisites=["mod-b"])
    write(tmp_path, "mod-b", prerequisites=["mod-a"])
    dependent = write(tmp_path, "dependent", prerequisites=["mod-a"])
    chained = write(tmp_path, "chained", prerequisites=["dependent"])
    write(tmp_path, "free")
    report = load_all(tmp_path)
    assert loaded_ids(report) == ["free"]
    for folder, prerequisite in ((dependent, "mod-a"), (chained, "dependent")):
        (problem,) = report.problems[label(folder)]
        assert problem.message == f"prerequisite {prerequisite!r} is not a known, valid module"
        assert problem.line == line_of((folder / "module.yaml").read_text(), f"- {prerequisite}")


class FakeEntryPoint:
    def __init__(self, name, value, target):
        self.name, self.value, self._target = name, value, target

    def load(self):
        if isinstance(self._target, Exception):
            raise self._target
        return self._target


def fake_entry_points(monkeypatch, *points):
    def entry_points(*, group):
        assert group == "coursekit.modules"
        return list(points)

    monkeypatch.setattr(discovery, "entry_points", entry_points)


def test_entry_points_load_packages_and_report_broken_plugins(tmp_path, monkeypatch):
    by_path = write(tmp_path, "by-path")
    by_module = write(tmp_path, "by-module")
    module = types.ModuleType("calf_module")
    module.__file__ = str(by_module / "__init__.py")
    fake_entry_points(
        monkeypatch,
        FakeEntryPoint("path", "calf_pkg:PATH", str(by_path)),
        FakeEntryPoint("broken", "missing_pkg", ImportError("No module named 'missing_pkg'")),
        FakeEntryPoint("module", "calf_module", module),
    )
    candidates, report = entry_point_candidates()
    report = load_candidates(candidates, report=report)
    assert loaded_ids(report) == ["by-module", "by-path"]
    broken = "broken (entry point missing_pkg)"
    assert list(report.problems) == [broken]
    (problem,) = report.problems[broken]
    assert problem.path == broken
    assert "cannot load" in problem.message and "missing_pkg" in problem.message


def test_entry_point_packages_and_folders_are_checked_together(tmp_path, monkeypatch):
    write(tmp_path, "needs", prerequisites=["plugin"])
    plugin = write(tmp_path / "site-packages", "plugin")
    fake_entry_points(monkeypatch, FakeEntryPoint("plugin", "plugin", plugin))
    candidates, report = entry_point_candidates()
    report = load_candidates([*folder_candidates(tmp_path / "modules"), *candidates], (), report)
    assert report.ok and loaded_ids(report) == ["needs", "plugin"]
