"""Loading a package in tests, and finding where a problem was reported."""

from __future__ import annotations

import pytest
import yaml

from coursekit.packages.discovery import package_candidate
from coursekit.packages.loader import load_package
from coursekit.packages.problems import PackageInvalid
from tests.package_factory import manifest, write_package


def load(folder):
    candidate = package_candidate(folder)
    return load_package(candidate.files, candidate.shared)


def problems_of(folder):
    with pytest.raises(PackageInvalid) as info:
        load(folder)
    assert info.value.problems
    return info.value.problems


def line_of(text, needle, start=1):
    """1-based number of the first line at or after ``start`` that contains ``needle``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if number >= start and needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")


def manifest_text(**overrides):
    return yaml.safe_dump(manifest("calf", **overrides), sort_keys=False)


def with_manifest(tmp_path, text):
    folder = write_package(tmp_path, manifest_text=text)
    return folder, f"{package_candidate(folder).label}/module.yaml"
