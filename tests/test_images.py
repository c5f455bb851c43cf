"""Image sizes for hotspot diagrams, and a hotspot question's check of its image."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from coursekit.assessment.images import ImageSizeError, image_size
from coursekit.assessment.registry import registry
from tests.question_samples import sample


def svg(attributes: str) -> bytes:
    return f'<svg xmlns="http://www.w3.org/2000/svg" {attributes}><rect/></svg>'.encode()


def raster(kind: str, size: tuple[int, int], orientation: int | None = None) -> bytes:
    """An image of ``size`` in format ``kind``, with an EXIF orientation when given."""
    buffer = io.BytesIO()
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    Image.new("RGB", size).save(buffer, kind, exif=exif.tobytes())
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "size"),
    [
        ("a.svg", svg('viewBox="0 0 500 400" width="100%"'), (500, 400)),
        ("a.svg", svg('viewBox=" 0,0, 80.5 , 60 "'), (80.5, 60)),
        ("a.svg", svg('width="320" height="240px"'), (320, 240)),
        ("a.SVG", svg('width="32.5px" height=" 24 "'), (32.5, 24)),
        ("a.png", raster("PNG", (31, 17)), (31, 17)),
        ("a.gif", raster("GIF", (8, 9)), (8, 9)),
        ("a.webp", raster("WEBP", (12, 10)), (12, 10)),
        ("a.jpg", raster("JPEG", (40, 30)), (40, 30)),
        ("a.jpg", raster("JPEG", (40, 30), orientation=6), (30, 40)),  # shown turned
        ("a.jpg", raster("JPEG", (40, 30), orientation=3), (40, 30)),  # upside down
    ],
)
def test_image_size(name: str, data: bytes, size: tuple[float, float]) -> None:
    assert image_size(name, data) == size


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.svg", svg('width="100%" height="100%"'), "add viewBox"),
        ("a.svg", svg('width="10cm" height="5cm"'), "add viewBox"),
        ("a.svg", svg('width="0" height="5"'), "add viewBox"),
        ("a.svg", svg(""), "add viewBox"),
        ("a.svg", svg('viewBox="0 0 500"'), "not four numbers"),
        ("a.svg", svg('viewBox="0 0 500 nan"'), "not four numbers"),
        ("a.svg", svg('viewBox="0 0 500 1e999"'), "not four numbers"),
        ("a.svg", svg('viewBox="0 0 500 0"'), "no area"),
        ("a.svg", svg('viewBox="10 0 500 400"'), "must start at 0 0"),
        ("a.svg", b"<svg", "not well-formed"),
        ("a.svg", b"<html/>", "not <svg>"),
        ("a.svg", b'<!DOCTYPE svg [<!ENTITY a "b">]><svg/>', "DOCTYPE"),
        ("a.png", b"\x89PNG\r\n\x1a\nnot really", "cannot be read"),
        ("a.jpg", b"", "cannot be read"),
    ],
)
def test_image_size_refuses_what_it_cannot_measure(name: str, data: bytes, message: str) -> None:
    with pytest.raises(ImageSizeError, match=message):
        image_size(name, data)


HOTSPOT = registry()["hotspot"]
LEG = svg('viewBox="0 0 500 500"')


def test_a_hotspot_within_its_image_has_no_media_problems() -> None:
    assert HOTSPOT.check_media(sample("hotspot"), {"leg.svg": LEG}) == []


@pytest.mark.parametrize(
    ("media", "path", "message"),
    [
        ({}, ("image",), "'leg.svg' not found"),
        ({"other.svg": LEG}, ("image",), "not found"),
        ({"leg.svg": svg('width="50%"')}, ("image",), "leg.svg: the SVG has neither"),
        ({"leg.svg": b"junk"}, ("image",), "not well-formed"),
    ],
)
def test_hotspot_reports_a_missing_or_unmeasurable_image(
    media: dict, path: tuple, message: str
) -> None:
    problems = HOTSPOT.check_media(sample("hotspot"), media)
    assert len(problems) == 1
    assert problems[0][0] == path
    assert message in problems[0][1]


def test_hotspot_reports_regions_and_candidates_outside_the_image() -> None:
    small = svg('viewBox="0 0 260 240"')  # the polygon's corner at x 288 and C's y 480
    problems = HOTSPOT.check_media(sample("hotspot"), {"leg.svg": small})
    assert problems == [
        (("regions", 0), "region 'zqk-fossa' lies outside the image (260 by 240)"),
        (("candidates", 2), "candidate 'C: heel' lies outside the image (260 by 240)"),
    ]


def test_a_circle_may_run_over_the_edge_but_its_centre_may_not() -> None:
    question = sample("hotspot")
    question["regions"][1]["circle"].update(cx=5, cy=5)  # r 30.5: over the top-left corner
    assert HOTSPOT.check_media(question, {"leg.svg": LEG}) == []
    question["regions"][1]["circle"].update(cx=-1)
    problems = HOTSPOT.check_media(question, {"leg.svg": LEG})
    assert problems == [
        (("regions", 1), "region 'medial-head' lies outside the image (500 by 500)")
    ]
