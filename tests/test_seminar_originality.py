"""Every sentence of the seminars is ours: no run of words is lifted from the source material.

The seed articles and the fact notes the seminars were written from live outside the
project (``../shared`` beside the repository, or the folder named by
``COURSEKIT_CONTENT_SOURCES``) and are never copied into it. This test compares every
lesson, question, option, explanation and worksheet prompt with them and fails on any
run of ``RUN`` words in common: long enough that shared technical terms ("the tibial
nerve and posterior tibial vessels") do not count, short enough that a copied sentence
does. Addresses and a lesson's references section (which must name the sources' titles)
are left out.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.test_seminars import SEMINARS, package

SOURCES = Path(
    os.environ.get("COURSEKIT_CONTENT_SOURCES")
    or Path(__file__).resolve().parents[1].parent / "shared"
)
if not (SOURCES / "seeds").is_dir():
    pytest.skip(f"no seed articles at {SOURCES / 'seeds'}", allow_module_level=True)

RUN = 9
"""Words in a row that two texts may not share."""


def runs(text: str) -> set[tuple[str, ...]]:
    # Addresses are citations, not prose; they are compared nowhere.
    tokens = re.findall(r"[a-z0-9]+", re.sub(r"https?://\S+", " ", text).lower())
    return {tuple(tokens[i : i + RUN]) for i in range(len(tokens) - RUN + 1)}


def source_runs() -> dict[tuple[str, ...], str]:
    found: dict[tuple[str, ...], str] = {}
    for path in [*sorted((SOURCES / "seeds").glob("*.txt")), SOURCES / "CONTENT-FACTS.md"]:
        for run in runs(path.read_text(encoding="utf-8")):
            found.setdefault(run, path.name)
    return found


SOURCE_RUNS = source_runs()


@pytest.mark.parametrize("module_id", SEMINARS)
def test_no_run_of_words_is_copied_from_the_sources(module_id):
    seminar = package(module_id)
    # A lesson's references name the sources' titles, as a citation must.
    texts = {lesson.path: lesson.body.split("## References")[0] for lesson in seminar.lessons}
    texts.update(
        {
            name: data.decode("utf-8")
            for name, data in seminar.files.items()
            if name.startswith("quizzes/")
        }
    )
    copied = [
        (name, " ".join(run), SOURCE_RUNS[run])
        for name, text in texts.items()
        for run in sorted(runs(text) & SOURCE_RUNS.keys())
    ]
    assert not copied, copied[:10]
