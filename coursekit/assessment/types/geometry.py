"""Points and regions of a hotspot diagram, in the image's own coordinates.

A point on a region's edge counts as inside: a learner who clicks exactly on the line of a
drawn region, or a candidate placed on it, is given the benefit of the doubt. Polygons may
be concave; a self-crossing polygon is read by the even-odd rule.
"""

from __future__ import annotations

import math
from typing import Any

Point = tuple[float, float]

EDGE = 1e-9
"""How close (relative to the region's size) a point must be to an edge to be on it, so
that ``0.1 + 0.2`` lands on an edge at ``0.3``."""


def in_region(point: Point, region: dict[str, Any]) -> bool:
    """Whether ``point`` is inside or on the edge of a region (``circle`` or ``polygon``)."""
    if "circle" in region:
        circle = region["circle"]
        return math.dist(point, (circle["cx"], circle["cy"])) <= circle["r"] * (1 + EDGE)
    return in_polygon(point, [(x, y) for x, y in region["polygon"]])


def in_polygon(point: Point, corners: list[Point]) -> bool:
    """Whether ``point`` is inside or on the edge of the polygon with these corners."""
    edges = list(zip(corners, corners[1:] + corners[:1], strict=True))
    if any(_on_segment(point, start, end) for start, end in edges):
        return True
    x, y = point
    inside = False
    for (x1, y1), (x2, y2) in edges:
        # Count crossings of a ray going right from the point; an edge that only touches
        # the ray's line at its lower end is not counted, so a corner is counted once.
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def polygon_area(corners: list[Point]) -> float:
    """The area enclosed (shoelace formula); 0 for corners on one line."""
    pairs = zip(corners, corners[1:] + corners[:1], strict=True)
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in pairs)) / 2


def _on_segment(point: Point, start: Point, end: Point) -> bool:
    (px, py), (ax, ay), (bx, by) = point, start, end
    dx, dy = bx - ax, by - ay
    length_squared = dx * dx + dy * dy
    along = 0.0 if length_squared == 0 else ((px - ax) * dx + (py - ay) * dy) / length_squared
    along = min(max(along, 0.0), 1.0)
    nearest = (ax + along * dx, ay + along * dy)
    return math.dist(point, nearest) <= EDGE * max(1.0, math.sqrt(length_squared))


def bounds(region: dict[str, Any]) -> tuple[float, float, float, float]:
    """The region's bounding box: ``(left, top, right, bottom)``."""
    if "circle" in region:
        circle = region["circle"]
        cx, cy, r = circle["cx"], circle["cy"], circle["r"]
        return cx - r, cy - r, cx + r, cy + r
    xs = [x for x, _y in region["polygon"]]
    ys = [y for _x, y in region["polygon"]]
    return min(xs), min(ys), max(xs), max(ys)


def shared_point(first: dict[str, Any], second: dict[str, Any], samples: int = 64) -> Point | None:
    """A point inside both regions when their areas overlap, else None.

    The overlap of the bounding boxes is sampled on a ``samples`` by ``samples`` grid with
    the same test grading uses, so what is found is a place where one click counts for
    both regions; a sliver thinner than one grid step may be missed, and regions that only
    touch along an edge do not count.
    """
    (a_left, a_top, a_right, a_bottom), (b_left, b_top, b_right, b_bottom) = (
        bounds(first),
        bounds(second),
    )
    left, top = max(a_left, b_left), max(a_top, b_top)
    right, bottom = min(a_right, b_right), min(a_bottom, b_bottom)
    if left >= right or top >= bottom:
        return None
    step_x, step_y = (right - left) / samples, (bottom - top) / samples
    for column in range(samples):
        x = left + (column + 0.5) * step_x
        for row in range(samples):
            point = (x, top + (row + 0.5) * step_y)
            if in_region(point, first) and in_region(point, second):
                return point
    return None
