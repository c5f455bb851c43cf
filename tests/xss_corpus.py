"""Cross-site scripting and injection payloads, written into every field a person can fill
(``tests/xss_records.py``) and looked for on every page (``tests/test_xss.py``, the browser's
``tests/browser/test_xss_pages.py``).

Each payload, if it ever ran, would make itself seen: it calls ``window.__xss(id)`` (the
browser test defines it and records each call), sets ``document.title`` to ``XSS<id>``, or
navigates to a ``javascript:`` address that does one of those. Its id is in the payload, so
a hit names the payload that got through.

Template payloads (``{{7*7}}``, ``{% … %}``) run no script: they prove Jinja rendered a
value as data, never as a template, when the page shows them literally and never ``49``.
"""

from __future__ import annotations

from typing import NamedTuple


class Payload(NamedTuple):
    """One attack string and what kind of trick it is."""

    id: int
    kind: str
    text: str


def _call(number: int) -> str:
    """The JavaScript a payload runs if it executes: it reports its own id."""
    return f"window.__xss({number})"


_RAW: list[tuple[str, str]] = [
    ("script tag", "<script>{call}</script>"),
    ("script tag, mixed case", "<ScRiPt>{call}</sCrIpT>"),
    ("img onerror", "<img src=x onerror={call}>"),
    ("svg onload", "<svg onload={call}>"),
    ("svg with script", "<svg><script>{call}</script></svg>"),
    ("body onload", "<body onload={call}>"),
    ("details ontoggle", "<details open ontoggle={call}>"),
    ("iframe javascript src", '<iframe src="javascript:{call}"></iframe>'),
    ("anchor javascript href", '<a href="javascript:{call}">click</a>'),
    ("anchor data: href", '<a href="data:text/html,<script>{call}</script>">d</a>'),
    ("img data: svg", '<img src="data:image/svg+xml,<svg onload={call}>">'),
    ("style expression", '<p style="width:expression({call})">css</p>'),
    ("style url javascript", '<div style="background:url(javascript:{call})">u</div>'),
    ("style element", "<style>@import 'javascript:{call}';</style>"),
    ("entity-encoded scheme", '<a href="&#x6a;avascript:{call}">e</a>'),
    ("decimal entities", '<a href="&#106;&#97;vascript:{call}">e</a>'),
    ("entity-encoded tag", "&lt;script&gt;{call}&lt;/script&gt;"),
    ("attribute breakout", '"><script>{call}</script>'),
    ("single-quote breakout", "'><img src=x onerror={call}>"),
    ("attribute injection", '" autofocus onfocus="{call}'),
    ("markdown javascript link", "[x](javascript:{call})"),
    ("markdown data link", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"),
    ("markdown image onerror", '![x](x" onerror="{call})'),
    ("markdown autolink", "<javascript:{call}>"),
    ("markdown reference link", "[ref][r]\n\n[r]: javascript:{call}"),
    ("markdown nested brackets", "[[x](javascript:{call})](https://example.org)"),
    ("markdown encoded scheme", "[x](&#x6a;avascript:{call})"),
    ("markdown tab in scheme", "[x](java\tscript:{call})"),
    ("raw html in markdown", "Text <img src=x onerror={call}> more"),
    ("template expression", "{{{{7*7}}}} {{{{config}}}}"),
    ("template statement", "{{% for x in range(3) %}}T{{% endfor %}}"),
    ("template comment", "{{# hidden #}}"),
    ("javascript url", "javascript:{call}"),
    ("title setter", "<script>document.title='XSS{id}'</script>"),
]

CORPUS: list[Payload] = [
    Payload(number, kind, template.format(call=_call(number), id=number))
    for number, (kind, template) in enumerate(_RAW, start=1)
]
"""Every payload, with ids from 1."""

TEMPLATE_KINDS = frozenset({"template expression", "template statement", "template comment"})

SQL_INJECTIONS: list[str] = [
    "' OR 1=1 --",
    "' OR '1'='1",
    '" OR ""="',
    "%' UNION SELECT email, password_hash FROM coursekit_users --",
    "1; DROP TABLE coursekit_users; --",
    "1'; DROP TABLE coursekit_certificates; --",
    "\\",
    "\x00",
    "a\x00b",
    "%",
    "_",
    "%%",
    "__%",
    "x" * 5000,
    "\u2019 OR 1=1 --",  # a typographic quote, which some drivers fold to '
    "${7*7}",
]
"""Strings every search and filter must treat as plain text: nothing they match, no error
beyond a clear refusal, and every table as it was."""


def one_line(payload: Payload) -> str:
    """The payload on one line, for single-line fields (names, reasons)."""
    return " ".join(payload.text.split())


def short(payload: Payload, limit: int) -> str:
    """The payload cut to ``limit`` characters for a field that allows no more."""
    return one_line(payload)[:limit]
