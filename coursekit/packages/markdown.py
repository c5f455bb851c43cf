"""Lesson Markdown: one parser, media references, and sanitised HTML.

Lessons are CommonMark with tables, strikethrough, ``::: warning`` callouts and figures
(a paragraph holding only an image becomes a ``<figure>``; the image's title is its
caption). Raw HTML is not parsed, and the HTML we produce is cleaned again by nh3 with an
allow-list, so nothing an author writes can run in a learner's browser.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin

MEDIA_SCHEME = "media:"
CALLOUTS = {"note": "Note", "tip": "Tip", "warning": "Warning", "danger": "Danger"}
"""Callout kinds: ``::: danger`` is for what can injure a patient."""

ALLOWED_TAGS = {
    *("p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s"),
    *("code", "pre", "blockquote", "ul", "ol", "li", "a", "img", "figure", "figcaption"),
    *("table", "thead", "tbody", "tr", "th", "td", "aside", "sup", "sub"),
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "loading"},
    "ol": {"start"},
    "aside": {"role"},
}
# Classes are allowed per tag here, not as attributes above (nh3 insists on one or the other).
ALLOWED_CLASSES = {
    "aside": {"callout", *(f"callout-{kind}" for kind in CALLOUTS)},
    "p": {"callout-title"},
}


def _callout_renderer(kind: str) -> Callable[..., str]:
    def render(self: object, tokens: list[Token], idx: int, _options: object, _env: object) -> str:
        if tokens[idx].nesting == 1:
            title = CALLOUTS[kind]
            return (
                f'<aside class="callout callout-{kind}" role="note">'
                f'<p class="callout-title">{title}</p>\n'
            )
        return "</aside>\n"

    return render


def _figures(state: object) -> None:
    """Turn a paragraph that holds a single image into a figure with a caption."""
    tokens: list[Token] = state.tokens  # type: ignore[attr-defined]
    for index in range(len(tokens) - 2):
        opening, inline, closing = tokens[index : index + 3]
        if (
            opening.type == "paragraph_open"
            and inline.type == "inline"
            and len(inline.children or []) == 1
            and inline.children[0].type == "image"
        ):
            image = inline.children[0]
            opening.tag = closing.tag = "figure"
            caption = image.attrs.pop("title", None)
            if caption:
                figcaption = Token("html_inline", "", 0)
                figcaption.content = f"<figcaption>{html.escape(str(caption))}</figcaption>"
                inline.children.append(figcaption)


def make_parser() -> MarkdownIt:
    """The lesson Markdown parser (no raw HTML)."""
    parser = MarkdownIt("commonmark", {"html": False})
    parser.enable(["table", "strikethrough"])
    for kind in CALLOUTS:
        container_plugin(parser, kind, render=_callout_renderer(kind))
    parser.core.ruler.push("figures", _figures)
    return parser


_PARSER = make_parser()


def _walk(tokens: list[Token]) -> Iterator[tuple[Token, int]]:
    """Every token with its 0-based source line: its block's first line, plus the line
    breaks before it within a paragraph."""
    line = 0
    for token in tokens:
        if token.map:
            line = token.map[0]
        yield token, line
        breaks = 0
        for child in token.children or []:
            if child.type in ("softbreak", "hardbreak"):
                breaks += 1
            yield child, line + breaks


def media_references(body: str) -> list[tuple[str, int]]:
    """``(name, line)`` for each ``media:`` image or link in the body (lines from 1)."""
    found = []
    for token, line in _walk(_PARSER.parse(body)):
        target = token.attrs.get("src") if token.type == "image" else token.attrs.get("href")
        if token.type in ("image", "link_open") and str(target).startswith(MEDIA_SCHEME):
            found.append((str(target)[len(MEDIA_SCHEME) :], line + 1))
    return found


def headings(body: str) -> list[tuple[str, int]]:
    """``(text, line)`` for each heading in the body (lines from 1)."""
    tokens = _PARSER.parse(body)
    return [
        (tokens[index + 1].content, token.map[0] + 1)
        for index, token in enumerate(tokens)
        if token.type == "heading_open" and token.map
    ]


def images(body: str) -> list[tuple[str, int]]:
    """``(alt text, line)`` for each image in the body (lines from 1)."""
    return [
        (token.content, line + 1)
        for token, line in _walk(_PARSER.parse(body))
        if token.type == "image"
    ]


def render(body: str, media_url: Callable[[str], str]) -> str:
    """Lesson Markdown as sanitised HTML; ``media:`` targets become ``media_url(name)``."""
    tokens = _PARSER.parse(body)
    for token, _line in _walk(tokens):
        attribute = {"image": "src", "link_open": "href"}.get(token.type)
        target = str(token.attrs.get(attribute, "")) if attribute else ""
        if target.startswith(MEDIA_SCHEME):
            token.attrs[attribute] = media_url(target[len(MEDIA_SCHEME) :])
        if token.type == "image":
            token.attrs["loading"] = "lazy"
    raw = _PARSER.renderer.render(tokens, _PARSER.options, {})
    return sanitise(raw)


def sanitise(markup: str) -> str:
    """Keep only allow-listed tags, attributes, classes and URL schemes."""
    return nh3.clean(
        markup,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
