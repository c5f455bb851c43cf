"""Media files: which kinds a package may carry, checked by content as well as name.

SVG is XML that could carry script. It is always served so that script cannot run (see
``coursekit.lessons.views``), and the validator refuses SVG with script, event handlers,
``javascript:`` links, embedded HTML or a DOCTYPE (entity tricks) before it is published.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

CONTENT_TYPES = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".gif": "image/gif",
}
_SIGNATURES = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
}
_FORBIDDEN_SVG_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object"}
_SCRIPT_URL = re.compile(r"javascript:|vbscript:|data:text/html", re.IGNORECASE)
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20]")
"""Browsers drop tabs, newlines and other controls inside a URL: ``java\tscript:`` works."""


class MediaProblem(ValueError):
    """The file is not a media file we serve, or is unsafe."""


def content_type(name: str) -> str:
    """The content type for a media file name; ``MediaProblem`` for unknown kinds."""
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    if suffix not in CONTENT_TYPES:
        kinds = ", ".join(sorted(CONTENT_TYPES))
        raise MediaProblem(f"unknown media kind {suffix or name!r}; use one of {kinds}")
    return CONTENT_TYPES[suffix]


def check_media(name: str, data: bytes) -> str:
    """Check that ``data`` is what its name says and is safe; return its content type."""
    kind = content_type(name)
    if kind == "image/svg+xml":
        _check_svg(data)
    elif kind == "image/webp":
        if not (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
            raise MediaProblem("the file is not a WebP image")
    elif not data.startswith(_SIGNATURES[kind]):
        raise MediaProblem(f"the file's content is not {kind}")
    return kind


def svg_root(data: bytes) -> ET.Element:
    """The ``<svg>`` element of ``data``, parsed without DOCTYPE or entities (so no
    entity tricks); ``MediaProblem`` when it is not that."""
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        raise MediaProblem("SVG must not contain a DOCTYPE or entities")
    try:
        root = ET.fromstring(data)  # noqa: S314 - no DOCTYPE, so no entities
    except ET.ParseError as exc:
        raise MediaProblem(f"the SVG is not well-formed XML: {exc}") from exc
    if _local(root.tag) != "svg":
        raise MediaProblem("the file's root element is not <svg>")
    return root


def _check_svg(data: bytes) -> None:
    root = svg_root(data)
    for element in root.iter():
        tag = _local(element.tag)
        if tag in _FORBIDDEN_SVG_ELEMENTS:
            raise MediaProblem(f"SVG must not contain <{tag}>")
        for attribute, value in element.attrib.items():
            attribute_name = _local(attribute)
            if attribute_name.startswith("on"):
                raise MediaProblem(f"SVG must not contain event handlers ({attribute_name}=)")
            # Any attribute, not only href: <set to="javascript:..."> and <animate values=...>
            # can write a link's target too.
            if _SCRIPT_URL.search(_IGNORED_IN_URLS.sub("", value)):
                raise MediaProblem("SVG must not link to script (javascript: URLs)")


def _local(tag: str) -> str:
    """An XML name without its namespace, lower-cased: ``{http://…}svg`` → ``svg``."""
    return tag.rsplit("}", 1)[-1].lower()
