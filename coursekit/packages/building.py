"""Turning a checked manifest into the package's immutable values.

The loader has checked every file and reference by the time these run; what is left is
the rules that read the whole manifest (the completion rule's CE defaults) and building
the frozen ``ModulePackage``.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from typing import Any

from coursekit.packages import values
from coursekit.packages.yamlpos import KeyPath

MINUTES_PER_CREDIT_HOUR = 50
"""A CE hour is at least 50 minutes of learning (California; NCCAOM accepts the same)."""


def content_hash(files: Mapping[str, bytes]) -> str:
    """SHA-256 over every file's name and bytes, in name order."""
    digest = hashlib.sha256()
    for name in sorted(files):
        data = files[name]
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def completion_rule(
    manifest: dict[str, Any],
) -> tuple[values.CompletionRule, list[tuple[KeyPath, str]]]:
    """The manifest's completion rule, its omitted fields filled with the CE defaults
    (seat time for the largest credit in 50-minute hours, the worksheet reviewed when the
    module has one), and the problems with it, each at its manifest key."""
    given = manifest.get("completion", {})
    problems: list[tuple[KeyPath, str]] = []
    credit_hours = max((_credit_total(c) for c in manifest.get("credits", [])), default=0)
    needed = math.ceil(credit_hours * MINUTES_PER_CREDIT_HOUR)
    seat_minutes = given.get("seat_minutes", needed)
    if seat_minutes < needed:
        problems.append(
            (
                ("completion", "seat_minutes"),
                f"the credit claims {credit_hours:g} hours, which needs at least {needed} "
                f"minutes of seat time ({MINUTES_PER_CREDIT_HOUR}-minute hours); "
                f"seat_minutes is {seat_minutes}",
            )
        )
    has_worksheet = bool(manifest.get("worksheet"))
    worksheet = given.get("worksheet", "reviewed" if has_worksheet else "none")
    if worksheet != "none" and not has_worksheet:
        problems.append(
            (
                ("completion", "worksheet"),
                f"completion asks for the worksheet {worksheet}, but the module has no worksheet",
            )
        )
    rule = values.CompletionRule(
        seat_minutes=seat_minutes,
        attestation=given.get("attestation", True),
        lessons=given.get("lessons", True),
        worksheet=worksheet,
        post_test=given.get("post_test", True),
        evaluation=given.get("evaluation", True),
    )
    return rule, problems


def _credit_total(credit: dict[str, Any]) -> float:
    """A credit's hours, or its NCCAOM points (one point per hour), as the manifest
    gives them."""
    return credit.get("hours") or sum(credit.get("points", {}).values())


def build_package(
    manifest: dict[str, Any],
    lessons: list[values.Lesson],
    files: Mapping[str, bytes],
    completion: values.CompletionRule,
) -> values.ModulePackage:
    """The frozen package of a valid manifest, its lessons and the bytes of every file
    it uses."""
    assessment = manifest["assessment"]
    return values.ModulePackage(
        id=manifest["id"],
        title=manifest["title"],
        version=manifest["version"],
        summary=manifest["summary"],
        objectives=tuple(manifest["objectives"]),
        authors=tuple(values.Author(**author) for author in manifest["authors"]),
        covers=values.Covers(**{k: tuple(v) for k, v in manifest["covers"].items()}),
        prerequisites=tuple(manifest["prerequisites"]),
        lessons=tuple(lessons),
        credits=tuple(
            values.Credit(**{**credit, "points": tuple(credit.get("points", {}).items())})
            for credit in manifest["credits"]
        ),
        delivery=manifest["delivery"],
        assessment=values.Assessment(
            **{
                **assessment,
                "draw": tuple(
                    values.BankDraw(d["bank"], d["count"], tuple(d["tags"]))
                    for d in assessment["draw"]
                ),
            }
        ),
        worksheet=manifest.get("worksheet"),
        evaluation=manifest["evaluation"],
        evaluation_questions=manifest.get("evaluation_questions"),
        completion=completion,
        content_hash=content_hash(files),
        files=files,
    )
