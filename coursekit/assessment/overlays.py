"""Hotspot regions drawn over their diagram, so an author can check them by eye.

A hotspot question is only as good as its regions: a correct region a little off the
structure it names marks a right click wrong. ``coursekit hotspots`` writes, for every
hotspot question of a package, an SVG of the diagram with each region and labelled point
drawn on it: correct regions in green, the others in orange and dashed, the labelled
points (what keyboard users choose) as numbered crosses.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any
from xml.sax.saxutils import escape, quoteattr  # escaping only; nothing parsed  # nosec B406

from coursekit.assessment.banks import SUFFIXES, read_question_file
from coursekit.assessment.images import image_size
from coursekit.packages.markdown import MEDIA_SCHEME
from coursekit.packages.media import content_type
from coursekit.packages.values import ModulePackage

_RIGHT = 'fill="#1a9850" fill-opacity="0.35" stroke="#00441b" stroke-width="2"'
_WRONG = (
    'fill="#fdae61" fill-opacity="0.3" stroke="#a6611a" stroke-width="1.5" stroke-dasharray="5 3"'
)


def hotspot_questions(package: ModulePackage) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(file name, question)`` for every hotspot question in the package's quiz,
    worksheet and bank files, as the app reads them."""
    for name in sorted(package.files):
        if not (name.startswith("quizzes/") and name.endswith(SUFFIXES)):
            continue
        if name == package.evaluation_questions:
            continue  # evaluation items, not questions
        for entry in read_question_file(name, package.files[name]).entries:
            if entry.loaded is not None and entry.loaded["type"] == "hotspot":
                yield name, entry.loaded


def overlay(question: dict[str, Any], package: ModulePackage) -> str:
    """An SVG of the question's diagram with its regions and labelled points drawn on."""
    name = question["image"].removeprefix(MEDIA_SCHEME)
    data = package.files[f"media/{name}"]
    width, height = image_size(name, data)
    href = f"data:{content_type(name)};base64,{base64.b64encode(data).decode('ascii')}"
    correct = set(question["correct"])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" '
        f'width="{width:g}" height="{height:g}">',
        f"<title>{escape(question['id'])}: regions on {escape(name)}</title>",
        f'<image href="{href}" x="0" y="0" width="{width:g}" height="{height:g}"/>',
    ]
    for region in question["regions"]:
        style = _RIGHT if region["name"] in correct else _WRONG
        parts.append(_shape(region, style))
        left, top = _label_at(region)
        parts.append(
            f'<text x="{left:g}" y="{top:g}" font-family="sans-serif" font-size="12" '
            f'fill="#000" stroke="#fff" stroke-width="3" paint-order="stroke">'
            f"{escape(region['name'])}</text>"
        )
    for number, candidate in enumerate(question["candidates"], start=1):
        x, y = candidate["x"], candidate["y"]
        parts.append(
            f'<path d="M {x - 6:g} {y:g} H {x + 6:g} M {x:g} {y - 6:g} V {y + 6:g}" '
            f'stroke="#2c0aa0" stroke-width="2"><title>{escape(candidate["label"])}</title>'
            f"</path>"
        )
        parts.append(
            f'<text x="{x + 7:g}" y="{y - 7:g}" font-family="sans-serif" font-size="12" '
            f'fill="#2c0aa0">{number}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _shape(region: dict[str, Any], style: str) -> str:
    title = f"<title>{escape(region['name'])}</title>"
    if "circle" in region:
        circle = region["circle"]
        return (
            f'<circle cx="{circle["cx"]:g}" cy="{circle["cy"]:g}" r="{circle["r"]:g}" '
            f"{style}>{title}</circle>"
        )
    points = " ".join(f"{x:g},{y:g}" for x, y in region["polygon"])
    return f"<polygon points={quoteattr(points)} {style}>{title}</polygon>"


def _label_at(region: dict[str, Any]) -> tuple[float, float]:
    if "circle" in region:
        circle = region["circle"]
        return circle["cx"] - circle["r"], circle["cy"] - circle["r"] - 3
    return min(x for x, _y in region["polygon"]), min(y for _x, y in region["polygon"]) - 3
