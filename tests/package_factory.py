"""Write valid module packages (and shared banks and media) for tests and benchmarks.

``write_package`` writes a package into ``<root>/modules/<id>/``; ``root`` is a content
root, so shared files go in ``<root>/quizzes`` and ``<root>/media``. Every argument has a
default that validates; tests change one thing and expect one problem.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">'
    '<circle cx="50" cy="50" r="40" fill="#c66"/><text x="10" y="95">soleus</text></svg>'
)
LESSON = """---
title: {title}
minutes: {minutes}
objectives:
  - Name the structures beneath the muscle.
---
# {title}

The soleus lies deep to the gastrocnemius.

![Cross-section](media:{image} "Schematic cross-section of the calf")

::: danger
The tibial nerve and posterior tibial vessels lie deep to the soleus.
:::

## References

- Travell JG, Simons DG. Myofascial Pain and Dysfunction, Vol. 2. 1992.
"""


def questions(count: int, prefix: str = "q", tags: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """``count`` single-choice questions."""
    return [
        {
            "id": f"{prefix}{number}",
            "type": "single",
            "tags": list(tags),
            "text": f"Question {number}?",
            "options": [{"text": "Yes", "correct": True}, {"text": "No"}],
        }
        for number in range(1, count + 1)
    ]


def manifest(module_id: str, **overrides: Any) -> dict[str, Any]:
    """A valid ``module.yaml`` as data."""
    data: dict[str, Any] = {
        "id": module_id,
        "title": f"Module {module_id}",
        "version": "1.0.0",
        "summary": f"Summary of {module_id}: calf trigger points.",
        "objectives": ["Locate soleus trigger points."],
        "authors": [{"name": "A. Sample", "credentials": "L.Ac."}],
        "covers": {
            "regions": ["lower-leg"],
            "muscles": ["soleus"],
            "pain_patterns": ["heel pain"],
            "acupoints": ["BL57"],
        },
        "prerequisites": [],
        "lessons": ["lessons/01-anatomy.md", "lessons/02-needling.md"],
        "credits": [
            {
                "board": "NCCAOM",
                "course_number": "PDA-000-001",
                "points": {"AOM-AC": 1.5, "SA": 0.5},
                "approved_from": "2026-01-01",
                "approved_until": "2027-12-31",
            },
            {"board": "CA", "provider_number": "CEP-0000", "category": "1", "hours": 2},
        ],
        "delivery": "distance-learning-home-study",
        "assessment": {"quiz": "quizzes/post-test.yaml", "pass_mark": 75, "attempts": 3},
    }
    data.update(overrides)
    return data


def write_package(
    root: Path,
    module_id: str = "calf",
    *,
    lesson_minutes: int = 30,
    manifest_text: str | None = None,
    **overrides: Any,
) -> Path:
    """Write a valid package (or one with ``overrides`` in its manifest); return its folder."""
    folder = root / "modules" / module_id
    (folder / "lessons").mkdir(parents=True, exist_ok=True)
    (folder / "quizzes").mkdir(exist_ok=True)
    (folder / "media").mkdir(exist_ok=True)
    data = manifest(module_id, **overrides)
    (folder / "module.yaml").write_text(
        manifest_text if manifest_text is not None else yaml.safe_dump(data, sort_keys=False)
    )
    for number, slug in enumerate(("01-anatomy", "02-needling"), start=1):
        lesson = LESSON.format(title=f"Lesson {number}", minutes=lesson_minutes, image="calf.svg")
        (folder / "lessons" / f"{slug}.md").write_text(lesson)
    (folder / "media" / "calf.svg").write_text(SVG)
    post_test = {"title": "Post-test", "questions": questions(10)}
    (folder / "quizzes" / "post-test.yaml").write_text(yaml.safe_dump(post_test))
    return folder


def write_bank(root: Path, name: str, count: int, tags: tuple[str, ...] = ()) -> Path:
    """A shared bank ``<root>/quizzes/<name>.yaml``."""
    path = root / "quizzes" / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    bank = {"title": f"Bank {name}", "questions": questions(count, prefix=name, tags=tags)}
    path.write_text(yaml.safe_dump(bank))
    return path


WORKSHEET_QUESTIONS: list[dict[str, Any]] = [
    {"id": "case", "type": "description", "text": "A runner has a warm, swollen calf."},
    {
        "id": "reflect",
        "type": "essay",
        "text": "What would you do before needling, and why?",
        "min_words": 3,
        "max_words": 60,
        "guidance": "Look for **referral**: the signs suggest deep vein thrombosis.",
    },
    {"id": "point", "type": "short_text", "text": "Name the point.", "accepted": ["BL57"]},
]


def write_worksheet(folder: Path, questions: list[dict[str, Any]] | None = None) -> Path:
    """The worksheet ``quizzes/worksheet.yaml`` of the package in ``folder``; the manifest
    names it with ``write_package(..., worksheet="quizzes/worksheet.yaml")``."""
    path = folder / "quizzes" / "worksheet.yaml"
    worksheet = {"title": "Worksheet", "questions": questions or WORKSHEET_QUESTIONS}
    path.write_text(yaml.safe_dump(worksheet, sort_keys=False))
    return path


def write_completable_module(root: Path) -> Path:
    """Module ``calf`` as the completion tests need it: lessons of 60 minutes (a page
    view may earn up to 90, the seat-time credit needs 100) and a worksheet. Returns
    ``root``, the content root."""
    write_worksheet(
        write_package(root, "calf", lesson_minutes=60, worksheet="quizzes/worksheet.yaml")
    )
    return root
