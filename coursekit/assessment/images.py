"""The size of a diagram in its own coordinate system, which hotspot coordinates use.

For SVG that is the user units of the ``viewBox`` (or, without one, the ``width`` and
``height`` in pixels); for PNG, JPEG, WebP and GIF the pixels, as a browser shows them
(a JPEG that its EXIF data says to turn a quarter is measured turned).
"""

from __future__ import annotations

import io
import math
import re

from PIL import Image

from coursekit.packages.media import MediaProblem, svg_root

_EXIF_ORIENTATION = 0x0112
_QUARTER_TURNS = {5, 6, 7, 8}
"""EXIF orientations that swap width and height."""
_PIXELS = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*(?:px)?\s*")


class ImageSizeError(ValueError):
    """The image's size cannot be known: not an image, or an SVG without a usable
    ``viewBox`` or numeric ``width`` and ``height``."""


def image_size(name: str, data: bytes) -> tuple[float, float]:
    """``(width, height)`` of the image ``name`` holding ``data``; ``ImageSizeError`` when
    they cannot be known."""
    if name.lower().endswith(".svg"):
        return _svg_size(data)
    return _raster_size(data)


def _svg_size(data: bytes) -> tuple[float, float]:
    try:
        root = svg_root(data)
    except MediaProblem as exc:
        raise ImageSizeError(str(exc)) from exc
    view_box = root.get("viewBox")
    if view_box is not None:
        return _view_box_size(view_box)
    width, height = _pixels(root.get("width")), _pixels(root.get("height"))
    if width is None or height is None:
        raise ImageSizeError(
            'the SVG has neither a viewBox nor a width and height in pixels: add viewBox="0 0 '
            'WIDTH HEIGHT" to its <svg> element'
        )
    return width, height


def _view_box_size(view_box: str) -> tuple[float, float]:
    try:
        numbers = [float(part) for part in re.split(r"[\s,]+", view_box.strip())]
    except ValueError:
        numbers = []
    if len(numbers) != 4 or not all(math.isfinite(number) for number in numbers):
        raise ImageSizeError(f"the SVG's viewBox {view_box!r} is not four numbers")
    left, top, width, height = numbers
    if width <= 0 or height <= 0:
        raise ImageSizeError(f"the SVG's viewBox {view_box!r} has no area")
    if left != 0 or top != 0:
        # Coordinates are measured from the image's top-left corner; a shifted viewBox
        # would make the author's numbers and the learner's clicks disagree.
        raise ImageSizeError(f"the SVG's viewBox {view_box!r} must start at 0 0")
    return width, height


def _pixels(length: str | None) -> float | None:
    match = _PIXELS.fullmatch(length or "")
    if not match or not float(match.group(1)) > 0:
        return None
    return float(match.group(1))


def _raster_size(data: bytes) -> tuple[float, float]:
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            orientation = image.getexif().get(_EXIF_ORIENTATION, 1)
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ImageSizeError(f"the image's size cannot be read: {exc}") from exc
    if orientation in _QUARTER_TURNS:
        width, height = height, width
    return float(width), float(height)
