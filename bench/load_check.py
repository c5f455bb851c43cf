"""After the load: what each simulated person's log says it did, against the database.

A request the client counted as successful (the expected status) must have left its
records exactly once; a record no successful request accounts for is a duplicate. One
learner sends one request at a time, so their lesson events must be in the database in
the order of their log (a page view or a completion may first credit the reading time
since the previous event: one ``active`` row before it, which the client cannot see).
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask

from bench.load_learner import attempt_of
from bench.load_records import Records

Log = list[dict[str, Any]]
PAGE_EVENTS = {"lesson page": "opened", "complete lesson": "completed"}


@dataclass
class Outcome:
    """What the check found, and the client's latencies."""

    requests: int = 0
    server_errors: int = 0
    unexpected: int = 0
    lost: int = 0
    duplicated: int = 0
    differing: int = 0
    certificates: int = 0
    collisions: int = 0
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    problems: list[str] = field(default_factory=list)

    def problem(self, kind: str, count: int, text: str) -> None:
        if count:
            setattr(self, kind, getattr(self, kind) + count)
            self.problems.append(f"{kind} {count}: {text}")

    def percentiles(self, kind: str | None = None) -> tuple[float, float, float]:
        """p50, p95 and p99 in ms (nearest rank) of one kind of request, or of all."""
        values = sorted(
            self.latencies[kind] if kind else [v for vs in self.latencies.values() for v in vs]
        )
        if not values:
            return (0.0, 0.0, 0.0)
        rank = [values[max(0, math.ceil(p / 100 * len(values)) - 1)] for p in (50, 95, 99)]
        return rank[0], rank[1], rank[2]

    def details(self) -> str:
        lines = ["| request | count | p50 ms | p95 ms | p99 ms |", "|---|---:|---:|---:|---:|"]
        for kind in sorted(self.latencies, key=lambda k: -len(self.latencies[k])):
            p50, p95, p99 = self.percentiles(kind)
            lines.append(
                f"| {kind} | {len(self.latencies[kind])} | {p50:.1f} | {p95:.1f} | {p99:.1f} |"
            )
        lines.append(
            f"{self.requests} requests, {self.server_errors} 5xx, {self.unexpected} other "
            f"unexpected; lost {self.lost}, duplicated {self.duplicated}, differing "
            f"{self.differing}; {self.certificates} certificates; {self.collisions} reviews "
            "that met another instructor's"
        )
        return "\n".join(lines + [f"  {problem}" for problem in self.problems[:20]])


def read_logs(folder: Path) -> dict[str, Log]:
    """Every person's log, by name (``learner12``, ``instructor3``)."""
    return {
        path.stem: [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        for path in sorted(folder.glob("*.jsonl"))
    }


def check(app: Flask, logs: dict[str, Log], module_id: str) -> Outcome:
    """Compare every log with the database; statuses and latencies come from the logs."""
    outcome = Outcome()
    for log in logs.values():
        for line in log:
            outcome.requests += 1
            outcome.latencies[line["kind"]].append(line["ms"])
            if line["status"] >= 500:
                outcome.server_errors += 1
            elif not line["ok"]:
                outcome.unexpected += 1
    with app.app_context():
        records = Records(module_id)
        for name, log in logs.items():
            if name.startswith("learner"):
                check_learner(outcome, records, name, [line for line in log if line["ok"]])
        reviews = [
            line
            for name, log in logs.items()
            if name.startswith("instructor")
            for line in log
            if line["ok"] and line["kind"] == "review worksheet"
        ]
        reviewed = {line["submission"] for line in reviews}
        outcome.collisions = len(reviews) - len(reviewed)
        missing = reviewed - records.reviewed_submissions()
        outcome.problem("lost", len(missing), f"reviews of submissions {sorted(missing)[:5]}")
        for table, count in records.duplicate_keys().items():
            outcome.problem("duplicated", count, f"rows sharing a unique key in {table}")
        outcome.certificates = records.certificate_count()
    return outcome


def check_learner(outcome: Outcome, records: Records, name: str, done: Log) -> None:
    """One learner's successful requests against their enrolment's records."""
    enrolments = records.enrolments(f"{name}@load.example")
    enrolled = sum(line["kind"] == "enrol" for line in done)
    compare_count(outcome, f"{name}: enrolments", enrolled, len(enrolments))
    if len(enrolments) != 1:
        return
    enrolment = enrolments[0]
    check_lesson_events(outcome, name, done, records.lesson_events(enrolment))
    submitted = sum(line["kind"] == "submit worksheet" for line in done)
    submissions = records.worksheet_reviews(enrolment)
    compare_count(outcome, f"{name}: worksheet submissions", submitted, len(submissions))
    for submission, reviews in submissions.items():
        outcome.problem("duplicated", max(0, reviews - 1), f"{name}: reviews of {submission}")
    started = [attempt_of(line["location"]) for line in done if line["kind"] == "start post-test"]
    attempts = records.attempts(enrolment)
    outcome.problem("lost", len(set(started) - set(attempts)), f"{name}: attempts")
    outcome.problem("duplicated", len(set(attempts) - set(started)), f"{name}: attempts")
    graded = {line["attempt"]: line["body"]["passed"] for line in done
              if line["kind"] == "submit post-test"}  # fmt: skip
    for attempt, (grades, passed, positions) in attempts.items():
        saved = [line["position"] for line in done
                 if line["kind"] == "save answer" and line["attempt"] == attempt]  # fmt: skip
        compare_sequence(outcome, f"{name}: answers of attempt {attempt}", saved, positions)
        if attempt in graded:
            compare_count(outcome, f"{name}: grades of attempt {attempt}", 1, grades)
            if passed is not None and passed != graded[attempt]:
                outcome.problem("differing", 1, f"{name}: attempt {attempt} passed={passed}")
    evaluated = sum(line["kind"] == "submit evaluation" for line in done)
    completions, certificates = records.completion(enrolment)
    compare_count(outcome, f"{name}: evaluations", evaluated, records.evaluations(enrolment))
    compare_count(outcome, f"{name}: completions", evaluated, completions)
    compare_count(outcome, f"{name}: valid certificates", evaluated, certificates)


def check_lesson_events(outcome: Outcome, name: str, done: Log, events: list[tuple]) -> None:
    """The enrolment's lesson events, in id order, replayed against the log's requests."""
    expected: list[tuple[tuple[str, str, int | None], bool]] = []
    for line in done:
        if line["kind"] in PAGE_EVENTS:
            expected.append(((PAGE_EVENTS[line["kind"]], line["lesson"], 0), True))
        elif line["kind"] == "heartbeat":
            credited = 0 if line["restart"] else line["body"]["credited"]
            if line["restart"] or credited:
                expected.append((("active", line["lesson"], credited), False))
    position, lost = 0, 0
    for event, may_follow_credit in expected:
        if may_follow_credit and position < len(events) and events[position] != event:
            kind, _lesson, seconds = events[position]
            position += kind == "active" and seconds > 0
        if position < len(events) and events[position] == event:
            position += 1
        else:
            lost += 1
    outcome.problem("lost", lost, f"{name}: lesson events")
    outcome.problem("duplicated", len(events) - position, f"{name}: lesson events")


def compare_count(outcome: Outcome, what: str, client: int, database: int) -> None:
    outcome.problem("lost", max(0, client - database), what)
    outcome.problem("duplicated", max(0, database - client), what)


def compare_sequence(outcome: Outcome, what: str, client: list[int], database: list[int]) -> None:
    missing = Counter(client) - Counter(database)
    extra = Counter(database) - Counter(client)
    outcome.problem("lost", missing.total(), what)
    outcome.problem("duplicated", extra.total(), what)
    if not missing and not extra and client != database:
        outcome.problem("differing", 1, f"{what}: saved in another order")
