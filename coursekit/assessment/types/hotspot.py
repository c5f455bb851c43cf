"""``hotspot``: click a place on a diagram, or choose one of its labelled points."""

from __future__ import annotations

import math
import random
import re
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from werkzeug.datastructures import MultiDict

from coursekit.assessment.images import ImageSizeError, image_size
from coursekit.assessment.types.base import (
    Arrangement,
    GradedFields,
    InvalidResponse,
    Question,
    QuestionType,
    Score,
    shuffled,
)
from coursekit.assessment.types.common import Number, finite, position, text
from coursekit.assessment.types.geometry import in_region, polygon_area, shared_point

MEDIA_SCHEME = "media:"
SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_COORDINATE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_CHOOSE = "click a point on the diagram or choose one of the labelled points"
_OUTSIDE = "that point is outside the diagram"


class CircleSchema(Schema):
    cx = Number(required=True)
    cy = Number(required=True)
    r = Number(required=True, validate=validate.Range(min=0, min_inclusive=False))


class RegionSchema(Schema):
    name = fields.String(
        required=True,
        validate=[
            validate.Length(max=64),
            validate.Regexp(SLUG, error="write the name in lower case, words joined by -"),
        ],
    )
    circle = fields.Nested(CircleSchema)
    polygon = fields.List(
        fields.List(Number(), validate=validate.Length(equal=2, error="write a corner as [x, y]")),
        validate=validate.Length(min=3, error="a polygon needs at least 3 corners"),
    )

    @validates_schema
    def check_shape(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if "circle" in data and "polygon" in data:
            raise ValidationError("give a circle or a polygon, not both", "polygon")
        if "circle" not in data and "polygon" not in data:
            raise ValidationError("give the region a circle or a polygon", "name")
        if "polygon" in data and polygon_area([(x, y) for x, y in data["polygon"]]) == 0:
            raise ValidationError("the polygon's corners enclose no area", "polygon")


class CandidateSchema(Schema):
    label = text(200, required=True)
    x = Number(required=True)
    y = Number(required=True)


class HotspotSchema(GradedFields):
    image = fields.String(
        required=True,
        validate=validate.Regexp(
            r"^media:[A-Za-z0-9._-]+$", error='write the image as "media:NAME", quoted'
        ),
    )
    regions = fields.List(
        fields.Nested(RegionSchema),
        required=True,
        validate=validate.Length(min=1, max=50, error="give 1 to 50 regions"),
    )
    correct = fields.List(
        fields.String(),
        required=True,
        validate=validate.Length(min=1, error="name at least one correct region"),
    )
    candidates = fields.List(
        fields.Nested(CandidateSchema),
        required=True,
        validate=validate.Length(min=2, max=10, error="give 2 to 10 candidates"),
    )

    @validates_schema
    def check_references(self, data: dict[str, Any], **_kwargs: Any) -> None:
        errors: dict[str, list[str]] = {}
        names = [region["name"] for region in data["regions"]]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            errors["regions"] = [f"region names must differ ({', '.join(repeated)} repeated)"]
        unknown = [name for name in data["correct"] if name not in names]
        if unknown:
            errors["correct"] = [
                f"no region is named {', '.join(unknown)}: answer keys must reference real regions"
            ]
        errors["candidates"] = _candidate_problems(data)
        if any(errors.values()):
            raise ValidationError({field: found for field, found in errors.items() if found})


def _candidate_problems(data: dict[str, Any]) -> list[str]:
    labels = [candidate["label"] for candidate in data["candidates"]]
    if len(set(labels)) != len(labels):
        return ["candidate labels must differ"]
    right = [_right(data, (candidate["x"], candidate["y"])) for candidate in data["candidates"]]
    if not any(right):
        return ["at least one candidate must lie inside a correct region"]
    if all(right):
        return ["at least one candidate must lie outside every correct region"]
    return []


def _right(question: Question, point: tuple[float, float]) -> bool:
    correct = set(question["correct"])
    return any(in_region(point, r) for r in question["regions"] if r["name"] in correct)


class Hotspot(QuestionType):
    """One point on a diagram, right when inside (or on the edge of) a correct region.

    The arrangement is the displayed order of the candidates. The raw response is a click,
    ``{"x", "y"}`` in the image's own coordinates, or a labelled point, ``{"candidate":
    displayed position}``. The canonical response is ``{"x", "y"}`` for a click and
    ``{"x", "y", "candidate": file index}`` for a labelled point: the candidate's point is
    what is graded, and its index says which label was chosen.

    ``present`` gives the candidates' labels only: their points, like the regions, would
    say which one is right. ``image_size`` (``[width, height]``, added to the question by
    the quiz loader from the image) bounds the clicks; without it only negative
    coordinates are refused.
    """

    name = "hotspot"
    schema = HotspotSchema()

    def arrange(self, question: Question, rng: random.Random, shuffle: bool) -> Arrangement:
        return shuffled(len(question["candidates"]), rng, shuffle)

    def present(self, question: Question, arrangement: Arrangement) -> dict[str, Any]:
        candidates = question["candidates"]
        return {
            **super().present(question, arrangement),
            "image": question["image"],
            "image_size": question.get("image_size"),
            "candidates": [candidates[index]["label"] for index in _order(question, arrangement)],
        }

    def read_form(self, form: MultiDict[str, str], arrangement: Arrangement, name: str) -> Any:
        # The script clears the candidate when the diagram is clicked and the point when a
        # candidate is chosen, so at most one of them is filled in.
        candidate = form.get(f"{name}-candidate", "")
        if candidate:
            return {"candidate": candidate}
        x, y = form.get(f"{name}-x", ""), form.get(f"{name}-y", "")
        return {"x": x, "y": y} if x or y else None

    def parse(self, question: Question, arrangement: Arrangement, raw: Any) -> Any:
        if isinstance(raw, dict) and set(raw) == {"candidate"}:
            order = _order(question, arrangement)
            index = order[position(raw["candidate"], len(order), _CHOOSE)]
            candidate = question["candidates"][index]
            return {"x": candidate["x"], "y": candidate["y"], "candidate": index}
        if not (isinstance(raw, dict) and set(raw) == {"x", "y"}):
            raise InvalidResponse(_CHOOSE)
        x, y = _coordinate(raw["x"]), _coordinate(raw["y"])
        width, height = question.get("image_size") or (math.inf, math.inf)
        if not (0 <= x <= width and 0 <= y <= height):
            raise InvalidResponse(_OUTSIDE)
        return {"x": x, "y": y}

    def display(self, question: Question, arrangement: Arrangement, response: Any) -> Any:
        if "candidate" in response:
            return {"candidate": _order(question, arrangement).index(response["candidate"])}
        return {"x": response["x"], "y": response["y"]}

    def grade(self, question: Question, response: Any) -> Score:
        points = question["points"]
        right = response is not None and _right(question, (response["x"], response["y"]))
        return Score(points if right else 0.0, points)

    def key(self, question: Question, arrangement: Arrangement) -> dict[str, Any]:
        candidates = question["candidates"]
        order = _order(question, arrangement)
        correct = set(question["correct"])
        return {
            **super().key(question, arrangement),
            "correct": [
                shown
                for shown, index in enumerate(order)
                if _right(question, (candidates[index]["x"], candidates[index]["y"]))
            ],
            "regions": [region for region in question["regions"] if region["name"] in correct],
        }

    def check_media(self, question: Question, media: dict[str, bytes]) -> list[tuple[tuple, str]]:
        name = question["image"].removeprefix(MEDIA_SCHEME)
        if name not in media:
            return [(("image",), f"media file {name!r} not found")]
        try:
            width, height = image_size(name, media[name])
        except ImageSizeError as exc:
            return [(("image",), f"{name}: {exc}")]
        size = f"{width:g} by {height:g}"

        def inside(x: float, y: float) -> bool:
            return 0 <= x <= width and 0 <= y <= height

        problems: list[tuple[tuple, str]] = []
        for number, region in enumerate(question["regions"]):
            # A circle may run over the edge (a round region by the border); its centre
            # and a polygon's corners may not.
            shape = region.get("circle")
            corners = [(shape["cx"], shape["cy"])] if shape else region["polygon"]
            if not all(inside(x, y) for x, y in corners):
                message = f"region {region['name']!r} lies outside the image ({size})"
                problems.append((("regions", number), message))
        for number, candidate in enumerate(question["candidates"]):
            if not inside(candidate["x"], candidate["y"]):
                message = f"candidate {candidate['label']!r} lies outside the image ({size})"
                problems.append((("candidates", number), message))
        return problems

    def advise(self, question: Question) -> list[tuple[tuple, str]]:
        correct = set(question["correct"])
        regions = list(enumerate(question["regions"]))
        found: list[tuple[tuple, str]] = []
        for number, right in regions:
            if right["name"] not in correct:
                continue
            for _other, wrong in regions:
                if wrong["name"] in correct or (point := shared_point(right, wrong)) is None:
                    continue
                found.append(
                    (
                        ("regions", number),
                        f"correct region {right['name']!r} overlaps region {wrong['name']!r} "
                        f"(both hold the point {point[0]:.0f}, {point[1]:.0f}): a click there "
                        "counts as right, and answer statistics cannot tell the two apart",
                    )
                )
        return found


def _order(question: Question, arrangement: Arrangement) -> list[int]:
    return arrangement if arrangement is not None else list(range(len(question["candidates"])))


def _coordinate(raw: Any) -> float:
    """A coordinate from JSON's number or the form's text (the script writes ``12.5``)."""
    if isinstance(raw, str) and _COORDINATE.fullmatch(raw.strip()):
        raw = float(raw)  # a string of 400 digits gives inf, refused next
    number = finite(raw)
    if number is None:
        raise InvalidResponse(_CHOOSE)
    return number
