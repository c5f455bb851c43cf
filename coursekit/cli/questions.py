"""``coursekit questions`` (show a YAML or GIFT question file), ``gift2yaml``, and
``hotspots`` (draw hotspot regions over their diagrams)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
import yaml

from coursekit.assessment.banks import QuestionFile, read_question_file
from coursekit.assessment.overlays import hotspot_questions, overlay
from coursekit.packages import archive
from coursekit.packages.discovery import display_path, package_candidate
from coursekit.packages.loader import load_package
from coursekit.packages.problems import PackageInvalid

_SHOWN_ELSEWHERE = ("id", "type", "text")


def _read(path: Path) -> QuestionFile:
    """The file's questions; on any problem, print them all on stderr and exit 1."""
    read = read_question_file(path.name, path.read_bytes(), label=display_path(path))
    if read.problems:
        for problem in sorted(read.problems):
            click.echo(str(problem), err=True)
        sys.exit(1)
    return read


@click.command("questions")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead.")
def questions_command(path: Path, as_json: bool) -> None:
    """Show the questions of a quiz or bank file (PATH ends in .yaml or .gift).

    Each question as CourseKit reads it: id, type, prompt and answer data. With --json, a
    list of objects with `id`, `type`, `prompt`, `line` and every other field of the
    question, defaults filled. Problems are printed as path:line:column on stderr, and
    the exit status is 1.
    """
    read = _read(path)
    entries = read.entries  # all loaded: _read exits on any problem
    if as_json:
        listed = [
            {
                "id": question["id"],
                "type": question["type"],
                "prompt": question["text"],
                "line": entry.position()[0],
                **_rest(question),
            }
            for entry in entries
            if (question := entry.loaded)
        ]
        click.echo(json.dumps(listed, indent=2, ensure_ascii=False))
        return
    for number, entry in enumerate(entries, start=1):
        raw = entry.raw
        click.echo(f"{number}. {raw['id']} ({raw['type']}, line {entry.position()[0]})")
        if entry.title and entry.title != raw["id"]:
            click.echo(f"   title: {entry.title}")
        click.echo(_indent(raw["text"]))
        if _rest(raw):
            click.echo(_indent(_dump(_rest(raw)).rstrip("\n")))
        click.echo("")
    click.echo(f"{len(entries)} question{'s' * (len(entries) != 1)} in {read.path}")


@click.command("gift2yaml")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The YAML bank to write (default: print it).",
)
def gift2yaml_command(path: Path, output: Path | None) -> None:
    """Convert a GIFT bank to a YAML bank with the same questions.

    The bank's title is its first category's name, or else the file name. A GIFT title
    that did not become the question's id is kept as a comment above the question.
    Problems are printed as path:line:column on stderr, and the exit status is 1.
    """
    if path.suffix != ".gift":
        raise click.BadParameter("give a .gift file", param_hint="PATH")
    read = _read(path)
    lines = [_dump({"title": read.title or path.stem}).rstrip("\n"), "questions:"]
    for entry in read.entries:
        if entry.title and entry.title != entry.raw["id"]:
            lines.append("  # " + " ".join(entry.title.split()))
        lines.append(_indent(_dump([entry.raw]).rstrip("\n"), "  "))
    text = "\n".join(lines) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    count = len(read.entries)
    click.echo(f"wrote {display_path(output)}: {count} question{'s' * (count != 1)}")


@click.command("hotspots")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="The folder to write the drawings into (created if missing).",
)
def hotspots_command(path: Path, output: Path) -> None:
    """Draw every hotspot question's regions over its diagram, to check them by eye.

    PATH is a package folder or a packed .zip. One SVG per question, named after the
    question's file and id: correct regions in green, other regions in orange and dashed,
    labelled points as numbered crosses. An invalid package prints its problems and exits 1.
    """
    try:
        if path.is_dir():
            candidate = package_candidate(path)
            loaded = load_package(candidate.files, candidate.shared)
        else:
            loaded = archive.load_zip(path.read_bytes(), display_path(path))
    except PackageInvalid as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    output.mkdir(parents=True, exist_ok=True)
    count = 0
    for name, question in hotspot_questions(loaded.package):
        stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        target = output / f"{stem}--{question['id']}.svg"
        target.write_text(overlay(question, loaded.package), encoding="utf-8")
        count += 1
    click.echo(f"wrote {count} drawing{'s' * (count != 1)} to {display_path(output)}")


def _rest(question: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in question.items() if key not in _SHOWN_ELSEWHERE}


def _indent(text: str, prefix: str = "   ") -> str:
    return "\n".join(prefix + line if line else line for line in text.split("\n"))


class _Dumper(yaml.SafeDumper):
    """Block style for text of several lines, so Markdown stays readable."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def _dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=88)
