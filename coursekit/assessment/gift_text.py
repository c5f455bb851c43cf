"""GIFT text: escapes, the ``[format]`` prefix, and conversion to CourseKit Markdown.

GIFT's control characters (``~ = # { } :``) mean something unless escaped with ``\\``.
Like Moodle (``qformat_gift::escapedchar_pre``), we first replace every escape with a
placeholder, parse the structure on the masked text, and restore the literal characters
in each piece of text at the end. A placeholder is two characters wide (a private-use
character and a filler), as wide as the escape it replaces, so offsets in the masked text
are offsets in the source and every problem keeps its line and column.

Text formats, as Moodle writes them at the start of a text:

- none, ``[moodle]`` and ``[markdown]``: kept as written. CourseKit text is Markdown, and
  Moodle's own "auto-format" text is plain sentences that read the same as Markdown.
- ``[plain]``: Markdown's special characters are escaped, so the text shows as written.
- ``[html]``: converted to Markdown (paragraphs, line breaks, bold, italics, code, lists,
  links). CourseKit renders Markdown without raw HTML, so HTML passed through would show
  its tags to learners; everything is sanitised again when rendered, so nothing in the
  source can run. An image is refused unless its address is ``http(s)``: Moodle's
  ``@@PLUGINFILE@@`` files are not in the export, and a missing picture would go unseen.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

ESCAPABLE = ":#={}~\\"
_PLACEHOLDER_BASE = 0x10FF00
FILLER = chr(0x10FFFD)
"""Pads a placeholder to the width of its escape; removed by ``unmask``."""
RESERVED = re.compile("[\U0010ff00-\U0010fffd]")
"""Characters ``mask`` uses; a source that holds them cannot be parsed safely."""

FORMATS = ("moodle", "markdown", "plain", "html")
"""The text formats a GIFT text may start with, as ``[name]``."""
_FORMAT_PREFIX = re.compile(rf"\s*\[({'|'.join(FORMATS)})\]")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&])")
_LINE_START_MARKER = re.compile(r"^(\s*(?:\d+)?)([-+.)])(?=\s)", re.MULTILINE)
"""A list marker at the start of a line (``-``, ``+``, ``1.``, ``1)``): its punctuation is
escaped, so plain text stays a paragraph."""
_SAFE_SCHEMES = ("http://", "https://", "mailto:")


class TextProblem(ValueError):
    """A text that cannot be converted (an image that is not in the export)."""


def mask(source: str) -> str:
    """``source`` with each escape (``\\~``, ``\\\\``, ``\\n`` ...) replaced by a
    placeholder of the same width."""
    out: list[str] = []
    index = 0
    while index < len(source):
        char, following = source[index], source[index + 1 : index + 2]
        if char == "\\" and following and (following in ESCAPABLE or following == "n"):
            literal = "\n" if following == "n" else following
            out.append(chr(_PLACEHOLDER_BASE + ord(literal)) + FILLER)
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


def unmask(masked: str) -> str:
    """The literal text of a masked piece: placeholders back to the characters they stand
    for."""
    return "".join(
        chr(ord(char) - _PLACEHOLDER_BASE) if ord(char) >= _PLACEHOLDER_BASE else char
        for char in masked
        if char != FILLER
    )


def split_format(masked: str, default: str) -> tuple[str, str]:
    """The text's format (its ``[format]`` prefix, or ``default``) and the text after it."""
    found = _FORMAT_PREFIX.match(masked)
    if found is None:
        return default, masked
    return found.group(1), masked[found.end() :]


def to_markdown(masked: str, default: str) -> tuple[str, str]:
    """The format of a masked GIFT text and the text as CourseKit Markdown."""
    form, body = split_format(masked, default)
    text = unmask(body).strip()
    if form == "plain":
        return form, escape_markdown(text)
    if form == "html":
        return form, html_to_markdown(text)
    return form, text


def escape_markdown(text: str) -> str:
    """Text that Markdown shows exactly as written."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return _LINE_START_MARKER.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", escaped)


def html_to_markdown(markup: str) -> str:
    """HTML as Markdown: structure and emphasis kept, other tags dropped for their text."""
    converter = _HTMLToMarkdown()
    converter.feed(markup)
    converter.close()
    text = "".join(converter.out)
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "tr"}
_INLINE = {"strong": "**", "b": "**", "em": "*", "i": "*", "code": "`", "del": "~~", "s": "~~"}
_SKIPPED = {"script", "style", "head", "title"}


class _HTMLToMarkdown(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.lists: list[str] = []
        self.links: list[str | None] = []
        self.skipping = 0
        self.pre: list[str] | None = None
        """The text of the ``<pre>`` being read: kept as it is, in a fenced code block."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag in _BLOCKS:
            self.out.append("\n\n")
        elif tag == "br":
            self.out.append("\\\n")
        elif tag == "hr":
            self.out.append("\n\n---\n\n")
        elif tag in _INLINE and self.pre is None:
            self.out.append(_INLINE[tag])
        elif tag == "pre":
            self.pre = []
        elif tag in ("ul", "ol"):
            self.lists.append(tag)
            self.out.append("\n")
        elif tag == "li":
            marker = "1." if self.lists and self.lists[-1] == "ol" else "-"
            self.out.append("\n" + "  " * max(len(self.lists) - 1, 0) + marker + " ")
        elif tag == "a":
            href = attributes.get("href", "")
            self.links.append(href if href.startswith(_SAFE_SCHEMES) else None)
            if self.links[-1]:
                self.out.append("[")
        elif tag == "img":
            self.out.append(_image(attributes))

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(self.skipping - 1, 0)
        elif tag in _BLOCKS:
            self.out.append("\n\n")
        elif tag in _INLINE and self.pre is None:
            self.out.append(_INLINE[tag])
        elif tag == "pre" and self.pre is not None:
            code = "".join(self.pre).strip("\n")
            self.out.append(f"\n\n```\n{code}\n```\n\n")
            self.pre = None
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self.out.append("\n\n")
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href:
                self.out.append(f"]({href})")

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.pre is not None:
            self.pre.append(data)
            return
        self.out.append(_MARKDOWN_SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", data)))


def _image(attributes: dict[str, str]) -> str:
    source, alt = attributes.get("src", ""), attributes.get("alt", "")
    if not source.startswith(("http://", "https://")):
        raise TextProblem(
            f"the image {source!r} is not part of a GIFT file; put it in media/ and "
            f"write ![description](media:NAME) instead"
        )
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", alt)
    return f"![{escaped}]({source})"
