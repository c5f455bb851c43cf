"""Media files: which kinds a package may carry, checked by content as well as name.

SVG is XML that could carry script or load other files. It is always served so that
script cannot run (see ``coursekit.lessons.views``), and the validator refuses, before it is
published, SVG with script, event handlers, ``javascript:`` links, embedded HTML, a DOCTYPE
or entities (in any encoding: it is parsed with defusedxml), processing instructions
(``<?xml-stylesheet?>``), or a reference to anything outside the file itself (an ``href``
or ``src`` that is not ``#fragment``, ``@import``, ``url()`` that is not ``url(#…)``). A
diagram is self-contained, so refusing beats rewriting it behind the author's back.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # tree types only; parsing is defusedxml's  # nosec B405

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

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
_LINK_ATTRIBUTES = {"href", "src"}
"""Attributes (any namespace: ``xlink:href`` too) that make a renderer fetch or follow."""
_OUTSIDE_REFERENCE = re.compile(r"@import|url\((?!['\"]?#)", re.IGNORECASE)
"""CSS that loads something other than a part of the same file: ``url(#hatch)`` is fine."""


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
    """The ``<svg>`` element of ``data``, parsed with defusedxml (no DOCTYPE, entities or
    external references, whatever the encoding) and without processing instructions;
    ``MediaProblem`` when it is not that."""
    parser = DefusedXMLParser(
        target=_NoInstructions(), forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException as exc:
        raise MediaProblem("SVG must not contain a DOCTYPE or entities") from exc
    except ET.ParseError as exc:
        raise MediaProblem(f"the SVG is not well-formed XML: {exc}") from exc
    if _local(root.tag) != "svg":
        raise MediaProblem("the file's root element is not <svg>")
    return root


class _NoInstructions(ET.TreeBuilder):
    """Builds the tree; a processing instruction (``<?xml-stylesheet href=…?>`` loads a
    stylesheet) is refused. The ``<?xml …?>`` declaration is not one."""

    def pi(self, target: str, text: str | None = None) -> ET.Element:
        raise MediaProblem(f"SVG must not contain processing instructions (<?{target}?>)")


def _check_svg(data: bytes) -> None:
    root = svg_root(data)
    for element in root.iter():
        tag = _local(element.tag)
        if tag in _FORBIDDEN_SVG_ELEMENTS:
            raise MediaProblem(f"SVG must not contain <{tag}>")
        if tag == "style" and _OUTSIDE_REFERENCE.search(element.text or ""):
            raise MediaProblem("SVG must not load other files (@import, url() in <style>)")
        for attribute, value in element.attrib.items():
            _check_attribute(_local(attribute), value)


def _check_attribute(name: str, value: str) -> None:
    """Refuse an attribute that runs script or reaches outside the file."""
    if name.startswith("on"):
        raise MediaProblem(f"SVG must not contain event handlers ({name}=)")
    url = _IGNORED_IN_URLS.sub("", value)
    # Any attribute, not only href: <set to="javascript:..."> and <animate values=...>
    # can write a link's target too.
    if _SCRIPT_URL.search(url):
        raise MediaProblem("SVG must not link to script (javascript: URLs)")
    if name in _LINK_ATTRIBUTES and not url.startswith("#"):
        raise MediaProblem(f"SVG must not refer to other files ({name}={value[:60]!r})")
    if name == "attributename" and (url.lower().startswith("on") or url.lower().endswith("href")):
        raise MediaProblem(f"SVG must not animate {value!r}")
    if name == "style" and _OUTSIDE_REFERENCE.search(value):
        raise MediaProblem("SVG must not load other files (@import, url() in style=)")


def _local(tag: str) -> str:
    """An XML name without its namespace, lower-cased: ``{http://…}svg`` → ``svg``."""
    return tag.rsplit("}", 1)[-1].lower()
