"""The seminars' diagrams and the hotspot regions drawn on them.

Every hotspot question is drawn with its regions over its diagram (the drawing
``coursekit hotspots`` makes for authors; with ``COURSEKIT_ARTIFACTS`` set, the drawings
are kept in ``$COURSEKIT_ARTIFACTS/hotspots/`` for a person to look at), and checked: each
correct region lies wholly inside the image, no correct region shares any area with a
wrong one, and every labelled point lies in a region. The diagrams themselves are our own
schematic SVGs: safe, described in words, and drawn in sets whose unlabelled version has
the geometry of the labelled one.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest

from coursekit.assessment.images import image_size
from coursekit.assessment.overlays import hotspot_questions, overlay
from coursekit.assessment.types.geometry import bounds, in_region, shared_point
from coursekit.packages.media import check_media, svg_root
from tests.test_seminars import ROOT, SEMINARS, package

SVG = "{http://www.w3.org/2000/svg}"
DIAGRAMS = sorted([*ROOT.glob("media/*.svg"), *ROOT.glob("modules/*/media/*.svg")])


def hotspots() -> list[tuple[str, str, dict]]:
    return [
        (module_id, name, question)
        for module_id in SEMINARS
        for name, question in hotspot_questions(package(module_id))
    ]


@pytest.fixture(scope="module")
def drawings(tmp_path_factory) -> Path:
    kept = os.environ.get("COURSEKIT_ARTIFACTS")
    folder = Path(kept) / "hotspots" if kept else tmp_path_factory.mktemp("hotspots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize(
    ("module_id", "name", "question"),
    hotspots(),
    ids=lambda value: value["id"] if isinstance(value, dict) else None,
)
def test_hotspot_regions_fit_their_diagram_and_never_overlap_a_wrong_region(
    module_id, name, question, drawings
):
    seminar = package(module_id)
    drawn = overlay(question, seminar)
    target = drawings / f"{module_id}--{question['id']}.svg"
    target.write_text(drawn, encoding="utf-8")
    rendered = svg_root(drawn.encode())  # the drawing is a well-formed SVG
    shapes = rendered.findall(f"{SVG}circle") + rendered.findall(f"{SVG}polygon")
    assert len(shapes) == len(question["regions"])

    image = question["image"].removeprefix("media:")
    width, height = image_size(image, seminar.files[f"media/{image}"])
    correct = [r for r in question["regions"] if r["name"] in question["correct"]]
    wrong = [r for r in question["regions"] if r["name"] not in question["correct"]]
    assert wrong, "a hotspot needs wrong regions too, or any click near it is right"
    for region in correct:
        left, top, right, bottom = bounds(region)
        assert left >= 0 and top >= 0 and right <= width and bottom <= height, region
        for other in wrong:
            assert shared_point(region, other) is None, (region["name"], other["name"])
    for candidate in question["candidates"]:
        point = (candidate["x"], candidate["y"])
        assert any(in_region(point, region) for region in question["regions"]), candidate


def test_every_region_has_hotspot_questions():
    images = {question["image"] for _module, _name, question in hotspots()}
    for region in ("posterior-leg", "anterolateral-leg", "lumbar-region", "gluteal-region"):
        assert f"media:{region}-blank.svg" in images


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda path: str(path.relative_to(ROOT)))
def test_each_diagram_is_a_safe_described_svg(path):
    data = path.read_bytes()
    check_media(path.name, data)
    root = svg_root(data)
    assert re.fullmatch(r"0 0 \d+(\.\d+)? \d+(\.\d+)?", root.get("viewBox", ""))
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text and len(title.text.split()) >= 3
    assert desc is not None and desc.text and len(desc.text.split()) >= 10


BLANKS = [path for path in DIAGRAMS if path.stem.endswith("-blank")]


@pytest.mark.parametrize("blank", BLANKS, ids=lambda path: path.name)
def test_a_blank_diagram_has_its_labelled_diagrams_geometry_and_no_labels(blank):
    labelled = blank.with_name(blank.name.replace("-blank", ""))
    assert labelled.exists()
    blank_root, labelled_root = svg_root(blank.read_bytes()), svg_root(labelled.read_bytes())
    assert blank_root.get("viewBox") == labelled_root.get("viewBox")
    texts = [element.text for element in blank_root.iter(f"{SVG}text")]
    # Orientation words may stay; names of structures would give the answer away.
    assert all(len((text or "").split()) <= 6 for text in texts), texts
    outline = [_geometry(element) for element in blank_root.iter() if _drawn(element)]
    labelled_shapes = {_geometry(element) for element in labelled_root.iter() if _drawn(element)}
    shared = sum(shape in labelled_shapes for shape in outline)
    assert shared >= 0.8 * len(outline), f"{shared} of {len(outline)} shapes in common"


def _drawn(element: ElementTree.Element) -> bool:
    return element.tag in {f"{SVG}{name}" for name in ("path", "ellipse", "rect", "polygon")}


def _geometry(element: ElementTree.Element) -> tuple:
    keys = ("d", "cx", "cy", "rx", "ry", "x", "y", "width", "height", "points", "transform")
    return element.tag, tuple(" ".join(element.get(key, "").split()) for key in keys)
