"""Hostile module zips, each built from a valid packed package: the file it names and the
words its refusal must say. Shared by the upload page's tests and the CLI's
(``tests/test_upload_attacks.py``)."""

from __future__ import annotations

import io
import os
import secrets
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from tests.authoring_helpers import symlink_entry, with_entry, zip_of
from tests.package_factory import SVG

LESSON = "lessons/01-anatomy.md"
QUIZ = "quizzes/post-test.yaml"
GIFT_BANK = "quizzes/imported.gift"
SVG_START = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
PNG = b"\x89PNG\r\n\x1a\n" + bytes(40)

LAUGHS = "lol1: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"lol{n + 2}: &{chr(98 + n)} [{', '.join([f'*{chr(97 + n)}'] * 9)}]\n" for n in range(8)
)
"""Billion laughs: nine levels of nine aliases each, a billion strings once expanded."""
DEEP = "deep: " + "[" * 10_000 + "]" * 10_000 + "\n"
"""10,000 levels of nesting: PyYAML recurses once (or more) per level."""


def huge() -> str:
    """A YAML comment of 1.2 million characters that does not pack into a zip bomb."""
    return "# " + secrets.token_hex(600_000) + "\n"


@dataclass(frozen=True)
class Attack:
    """A zip made from a valid one, and what its refusal names and says."""

    build: Callable[[bytes], bytes]
    path: str
    """The file the refusal names, after ``calf.zip/``."""
    message: str


def _read(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name).decode()


def _yaml_in(name: str, text: Callable[[], str]) -> Callable[[bytes], bytes]:
    """Add YAML text to a file: the top of a lesson's front matter, else the end."""

    def build(data: bytes) -> bytes:
        old = _read(data, name)
        new = "---\n" + text() + old[4:] if name.endswith(".md") else old + text()
        return with_entry(data, name, new.encode())

    return build


def _entry(name: str | zipfile.ZipInfo, content: bytes) -> Callable[[bytes], bytes]:
    return lambda data: with_entry(data, name, content)


def _svg(body: str) -> Callable[[bytes], bytes]:
    return _entry("media/calf.svg", (SVG_START + body + "</svg>").encode())


def _raw_name(stored: bytes) -> Callable[[bytes], bytes]:
    """An entry whose stored name is ``stored`` (bytes zipfile will not write itself)."""

    def build(data: bytes) -> bytes:
        placeholder = "media/" + "q" * (len(stored) - len("media/"))
        return with_entry(data, placeholder, SVG.encode()).replace(placeholder.encode(), stored)

    return build


def _twice(name: str) -> Callable[[bytes], bytes]:
    def build(data: bytes) -> bytes:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = [(info, archive.read(info)) for info in archive.infolist()]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # zipfile: "Duplicate name"
            return zip_of([*entries, (name, b"id: evil\n")])

    return build


def _gift_bank(data: bytes, text: str) -> bytes:
    """The post-test also draws a question from a GIFT bank of ``text``."""
    manifest = yaml.safe_load(_read(data, "module.yaml"))
    manifest["assessment"]["draw"] = [{"bank": "imported", "count": 1}]
    data = with_entry(data, "module.yaml", yaml.safe_dump(manifest).encode())
    return with_entry(data, GIFT_BANK, text.encode())


def _lesson_media(name: str) -> Callable[[bytes], bytes]:
    """The lesson shows ``media:NAME`` too, and the zip holds it."""

    def build(data: bytes) -> bytes:
        lesson = _read(data, LESSON) + f'\n![more](media:{name} "more")\n'
        return with_entry(with_entry(data, LESSON, lesson.encode()), f"media/{name}", PNG)

    return build


LONG = "a" * 300 + ".png"
ATTACKS: dict[str, Attack] = {
    # YAML: billion laughs, 10,000 levels, a huge file, in each kind of YAML a package holds.
    **{
        f"{kind}-in-{where}": Attack(_yaml_in(name, text), name, message)
        for where, name in (("manifest", "module.yaml"), ("front-matter", LESSON), ("quiz", QUIZ))
        for kind, text, message in (
            ("billion-laughs", lambda: LAUGHS, "anchors and aliases"),
            ("deep-nesting", lambda: DEEP, "nested too deeply"),
            ("huge-yaml", huge, "at most 1,000,000 are read"),
        )
    },
    "huge-gift-bank": Attack(
        lambda data: _gift_bank(data, "// " + huge()), GIFT_BANK, "at most 1,000,000 are read"
    ),
    # SVG that runs script or reaches outside itself.
    "svg-script": Attack(_svg("<script>alert(1)</script>"), "media/calf.svg", "<script>"),
    "svg-onload": Attack(_svg('<g onload="alert(1)"/>'), "media/calf.svg", "event handlers"),
    "svg-foreign-object": Attack(
        _svg("<foreignObject><p>x</p></foreignObject>"), "media/calf.svg", "<foreignobject>"
    ),
    "svg-external-href": Attack(
        _svg('<image href="https://evil.example/x.png"/>'), "media/calf.svg", "other files"
    ),
    "svg-xlink-javascript": Attack(
        _svg('<a xlink:href="java&#x09;script:alert(1)"><text>x</text></a>'),
        "media/calf.svg",
        "javascript: URLs",
    ),
    "svg-css-import": Attack(
        _svg("<style>@import url(https://evil.example/x.css);</style>"),
        "media/calf.svg",
        "other files",
    ),
    "svg-stylesheet-instruction": Attack(
        _entry(
            "media/calf.svg", b'<?xml-stylesheet href="https://evil.example/x.xsl"?>' + SVG.encode()
        ),
        "media/calf.svg",
        "processing instructions",
    ),
    "svg-utf16-entities": Attack(
        _entry(
            "media/calf.svg",
            (
                '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE svg [<!ENTITY a "b">]>'
                + SVG.replace("soleus", "&a;")
            ).encode("utf-16"),
        ),
        "media/calf.svg",
        "DOCTYPE or entities",
    ),
    # Content that is not what the extension says, for every accepted extension.
    "svg-that-is-png": Attack(_entry("media/calf.svg", PNG), "media/calf.svg", "not well-formed"),
    "png-that-is-html": Attack(
        _entry("media/x.png", b"<html><script>alert(1)</script>"), "media/x.png", "not image/png"
    ),
    "jpg-that-is-gif": Attack(_entry("media/x.jpg", b"GIF89a..."), "media/x.jpg", "not image/jpeg"),
    "jpeg-that-is-svg": Attack(
        _entry("media/x.jpeg", SVG.encode()), "media/x.jpeg", "not image/jpeg"
    ),
    "gif-that-is-png": Attack(_entry("media/x.gif", PNG), "media/x.gif", "not image/gif"),
    "webp-that-is-wav": Attack(
        _entry("media/x.webp", b"RIFF\0\0\0\0WAVEfmt "), "media/x.webp", "not a WebP image"
    ),
    "md-that-is-binary": Attack(_entry(LESSON, PNG), LESSON, "not UTF-8 text"),
    "yaml-that-is-binary": Attack(_entry(QUIZ, b"\xff\xfe\0\0"), QUIZ, "not UTF-8 text"),
    "gift-that-is-binary": Attack(
        _entry("quizzes/bank.gift", b"\0\x01\x02"), "quizzes/bank.gift", "not UTF-8 text"
    ),
    "certificate-template-that-is-binary": Attack(
        _entry("certificate.html", b"\xff\xd8\xff\xe0"), "certificate.html", "not UTF-8 text"
    ),
    "nested-zip": Attack(
        lambda data: with_entry(data, "media/inner.zip", data), "media/inner.zip", "not a kind"
    ),
    # Names.
    "nul-in-name": Attack(_raw_name(b"media/x.svg\0.png"), "media/x.svg", "NUL"),
    "dot-dot": Attack(_entry("../../escape.md", b"x"), "../../escape.md", "plain relative path"),
    "absolute": Attack(_entry("/etc/escape.md", b"x"), "/etc/escape.md", "plain relative path"),
    "backslashes": Attack(
        _entry("media\\..\\..\\escape.svg", b"x"), "media\\..\\..\\escape.svg", "plain relative"
    ),
    "drive-letter": Attack(_entry("C:/escape.md", b"x"), "C:/escape.md", "plain relative path"),
    "right-to-left-override": Attack(
        _entry("media/gpj\u202e.svg", SVG.encode()), "media/gpj\u202e.svg", "invisible"
    ),
    "very-long-name": Attack(_lesson_media(LONG), f"media/{LONG}", "too long"),
    "case-duplicate": Attack(
        _entry("media/CALF.svg", SVG.encode()), "media/calf.svg", "ignores case"
    ),
    "accent-duplicate": Attack(
        lambda data: with_entry(
            with_entry(data, "media/caf\u00e9.svg", SVG.encode()), "media/cafe\u0301.svg", b"<"
        ),
        "media/caf\u00e9.svg",
        "ignores case or accents",
    ),
    "file-and-folder": Attack(
        lambda data: with_entry(data, "media/calf.svg/x.png", PNG),
        "media/calf.svg/x.png",
        "both a file and a folder",
    ),
    "entry-twice": Attack(_twice("module.yaml"), "module.yaml", "in the zip twice"),
    "symbolic-link": Attack(
        lambda data: with_entry(data, *symlink_entry("media/link.svg", "/etc/passwd")),
        "media/link.svg",
        "symbolic links",
    ),
}

ONE_PER_FAMILY = ("billion-laughs-in-manifest", "svg-script", "png-that-is-html", "dot-dot")
"""One attack of each family above (YAML, SVG, content, names). The upload page refuses
every attack before it touches the database, so the database only matters to "no row was
added": every attack runs on SQLite, these on PostgreSQL as well."""


def snapshot(*folders: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under ``folders``, with its size and modification time: what
    a refusal must leave as it was."""
    found: dict[str, tuple[int, int]] = {}
    for folder in folders:
        for root, names, files in os.walk(folder):
            for name in [*names, *files]:
                status = os.lstat(os.path.join(root, name))
                found[os.path.join(root, name)] = (status.st_size, status.st_mtime_ns)
    return found
