"""Lesson Markdown: nothing an author writes can run in a browser; the supported syntax works."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from coursekit.packages.markdown import media_references, render

SCRIPT_URL = re.compile(r"^\s*(?:javascript|vbscript|data:text/html)", re.IGNORECASE)
FORBIDDEN_TAGS = {"script", "iframe", "style", "svg", "math", "object", "embed", "form", "input"}


class Markup(HTMLParser):
    """What a browser would build from the output: elements, attributes and visible text."""

    def __init__(self, markup):
        super().__init__(convert_charrefs=True)
        self.elements, self.text = [], ""
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        self.text += data


def media_url(name):
    return f"/lessons/media/{name}?v=abc&size=full"


def assert_inert(output):
    markup = Markup(output)
    assert "<script" not in output.lower()
    for tag, attributes in markup.elements:
        assert tag not in FORBIDDEN_TAGS, output
        for name, value in attributes.items():
            assert not name.lower().startswith("on"), output
            if name in ("href", "src"):
                # Browsers ignore control characters and whitespace inside a URL's scheme.
                assert not SCRIPT_URL.match(re.sub(r"[\x00-\x20]", "", value or "")), output
    return markup


# Payloads that are not Markdown syntax: each must reach the page as the text it is.
SHOWN_AS_TEXT = [
    "<script>alert(1)</script>",
    "Hello <script>alert('x')</script> world",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=https://evil.example/></iframe>",
    "<style>body{display:none}</style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math href="javascript:alert(1)">x</math>',
    "<JAVASCRIPT:alert(1)>",
    "<object data=javascript:alert(1)></object><embed src=javascript:alert(1)>",
]
# Markdown links and images with dangerous targets: no link may survive.
DANGEROUS_LINKS = [
    "[x](javascript:alert(1))",
    "![x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    "![x](data:text/html,<b>x</b>)",
    "[x](DATA:text/html;base64,PHNjcmlwdD4=)",
    "[x](javascript&#58;alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    '[x](media:" onerror="alert(1))',
]


@pytest.mark.parametrize("payload", SHOWN_AS_TEXT)
def test_raw_html_is_inert_and_shown_as_text(payload):
    markup = assert_inert(render(payload, media_url))
    assert payload in markup.text


@pytest.mark.parametrize("payload", DANGEROUS_LINKS)
def test_script_urls_never_become_links(payload):
    markup = assert_inert(render(payload, media_url))
    assert all(tag not in ("a", "img") for tag, _ in markup.elements)
    assert "x" in markup.text


@pytest.mark.parametrize(
    "payload",
    [
        '[x](https://example.org "onmouseover=alert(1)")',
        '[x](https://example.org "\\" onmouseover=\\"alert(1)")',
        '![x](media:a.png "\\" onerror=\\"alert(1)")',
        '![x" onerror="alert(1)](media:a.png)',
    ],
)
def test_quotes_in_titles_and_alt_text_stay_inside_their_attribute(payload):
    markup = assert_inert(render(payload, media_url))
    tags = [tag for tag, _ in markup.elements]
    assert "a" in tags or "img" in tags
    values = [value or "" for _, attributes in markup.elements for value in attributes.values()]
    # The would-be handler is still there, as harmless attribute text or caption.
    assert any(re.search(r"on(mouseover|error)=", text) for text in [*values, markup.text])


def test_script_in_a_code_block_is_shown_as_code():
    markup = assert_inert(render("```html\n<script>alert(1)</script>\n```\n", media_url))
    assert [tag for tag, _ in markup.elements] == ["pre", "code"]
    assert "<script>alert(1)</script>" in markup.text


def test_safe_links_keep_their_target():
    output = render("[a](https://example.org/x?y=1) [b](mailto:a@example.org)", media_url)
    links = [attributes for tag, attributes in Markup(output).elements if tag == "a"]
    assert [link["href"] for link in links] == ["https://example.org/x?y=1", "mailto:a@example.org"]
    assert all("noopener" in link["rel"] for link in links)


@pytest.mark.parametrize("kind", ["note", "tip", "warning", "danger"])
def test_callout_becomes_an_aside(kind):
    output = render(f"::: {kind}\nDo not needle deeply here.\n:::\n", media_url)
    assert f'<aside class="callout callout-{kind}"' in output
    markup = Markup(output)
    assert markup.elements[0] == ("aside", {"class": f"callout callout-{kind}", "role": "note"})
    assert "Do not needle deeply here." in markup.text
    assert kind.capitalize() in markup.text


def test_image_alone_in_a_paragraph_becomes_a_figure_captioned_by_its_title():
    markup = Markup(render('![Calf](media:calf.svg "Mid-calf, <schematic>")\n', media_url))
    assert [tag for tag, _ in markup.elements] == ["figure", "img", "figcaption"]
    image = markup.elements[1][1]
    assert image["src"] == media_url("calf.svg") and image["alt"] == "Calf"
    assert "title" not in image
    assert markup.text.strip() == "Mid-calf, <schematic>"


def test_image_inside_a_sentence_stays_inline():
    markup = Markup(render('Look at ![a](media:a.png "A") here.\n', media_url))
    assert [tag for tag, _ in markup.elements] == ["p", "img"]
    assert "figure" not in render("Look at ![a](media:a.png) here.\n", media_url)


def test_media_targets_become_the_media_url_for_images_and_links():
    output = render("See [the outline](media:legs/outline.svg) and ![x](media:x.svg).", media_url)
    elements = Markup(output).elements
    assert ("a", "href", media_url("legs/outline.svg")) in [
        (tag, "href", attrs.get("href")) for tag, attrs in elements
    ]
    assert [attrs["src"] for tag, attrs in elements if tag == "img"] == [media_url("x.svg")]


def test_tables_render():
    markup = Markup(render("| Point | Depth |\n|---|---|\n| BL57 | 1 cun |\n", media_url))
    tags = [tag for tag, _ in markup.elements]
    assert tags[:2] == ["table", "thead"] and tags.count("th") == 2 and tags.count("td") == 2
    assert "BL57" in markup.text and "1 cun" in markup.text


def test_quotes_and_dashes_stay_straight():
    markup = Markup(render('"Quoted" -- and... (c)', media_url))
    assert markup.text.strip() == '"Quoted" -- and... (c)'


def test_media_references_give_names_and_lines():
    body = (
        "# Title\n\nIntro.\n\n![a](media:a.svg)\n\n"
        "Text [link](media:b.png) and ![c](media:c.svg)\n\n"
        "- item ![d](media:d.png)\n\n| x |\n|---|\n| ![e](media:e.svg) |\n\n"
        "![external](https://example.org/y.png) [web](https://example.org)\n"
    )
    lines = body.splitlines()
    expected = [
        (name, next(n for n, line in enumerate(lines, 1) if f"media:{name}" in line))
        for name in ("a.svg", "b.png", "c.svg", "d.png", "e.svg")
    ]
    assert media_references(body) == expected


def test_media_reference_in_a_wrapped_paragraph_is_at_its_own_line():
    body = "The soleus lies deep\nto the gastrocnemius: ![x](media:x.svg)\nand [y](media:y.png).\n"
    assert media_references(body) == [("x.svg", 2), ("y.png", 3)]
