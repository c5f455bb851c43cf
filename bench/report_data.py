"""Learner records for the report benchmark, generated in memory and bulk-inserted.

``Generator`` builds every table's rows for a number of learners in every module version
(ids given here, so rows refer to each other without reading anything back);
``bulk_insert`` writes them with COPY on PostgreSQL and executemany on SQLite.
"""

from __future__ import annotations

import random
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
LESSONS = ("01-anatomy", "02-needling")

COLUMNS = {
    "coursekit_user": (
        "id email password_hash first_name last_name nccaom_id status session_token "
        "created_at password_changed_at"
    ),
    "coursekit_user_role": "user_id role granted_at",
    "coursekit_state_licence": "user_id state number added_at",
    "coursekit_enrolment": (
        "id user_id module_version_id enrolled_at attestation_version attestation_text attested_at"
    ),
    "coursekit_lesson_event": "enrolment_id lesson kind at seconds",
    "coursekit_attempt": "id enrolment_id quiz number questions started_at closed_at close_reason",
    "coursekit_attempt_answer": "attempt_id position response saved_at",
    "coursekit_attempt_grade": (
        "attempt_id revision graded_at key_version_id reason earned possible percent passed results"
    ),
    "coursekit_worksheet_submission": "id enrolment_id answers submitted_at",
    "coursekit_worksheet_review": "submission_id reviewer_id comment reviewed_at",
    "coursekit_evaluation_response": "enrolment_id form items answers submitted_at",
    "coursekit_completion": "id user_id module_version_id completed_at",
    "coursekit_certificate": (
        "id number year serial code user_id module_version_id completion_id status fields "
        "issued_at revoked_at revoked_reason"
    ),
    "coursekit_certificate_file": "certificate_id content sha256 size page_size rendered_at",
}
"""The columns each table's rows give, in the order tables are written (bench_reports.py
leaves the roles, licences, answers and certificates empty; bench/scale_data.py fills
them)."""


class Generator:
    """Every table's rows for ``learners`` learners in each version's module, built in
    memory one table at a time; ids are given here, so rows refer to each other without
    reading anything back.

    The keywords shape other data sets: ``share`` is the chance that a learner enrols in
    each module (1: every module), ``lessons`` the lesson slugs of each version id
    (default ``LESSONS``), ``password_hash`` every account's hash, and ``ids`` the last
    ids already taken, when adding to a database that has rows."""

    def __init__(
        self,
        learners: int,
        versions: dict[str, list[int]],
        heartbeats: int,
        *,
        share: float = 1.0,
        lessons: dict[int, tuple[str, ...]] | None = None,
        password_hash: str = "!",
        ids: dict[str, int] | None = None,
    ) -> None:
        self.learners, self.versions, self.heartbeats = learners, versions, heartbeats
        self.share, self.lessons, self.password_hash = share, lessons or {}, password_hash
        self.random = random.Random(2026 + sum((ids or {}).values()))
        self.rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in COLUMNS}
        self.ids = {key: 0 for key in ("enrolment", "attempt", "submission", "completion")}
        self.ids.update(ids or {})

    def add(self, table: str, *row: Any) -> None:
        self.rows[table].append(row)

    def next_id(self, key: str) -> int:
        self.ids[key] += 1
        return self.ids[key]

    def users(self, first_id: int) -> list[int]:
        ids = []
        for number in range(self.learners):
            user_id = first_id + number
            created = T0 - timedelta(days=30)
            self.add(
                "coursekit_user",
                user_id,
                f"learner{user_id}@example.org",
                self.password_hash,
                f"First{user_id}",
                f"Last{user_id:06d}",
                str(100000 + user_id % 900000),
                "active",
                secrets.token_hex(8),
                created,
                created,
            )
            ids.append(user_id)
        return ids

    def enrolments(self, users: list[int], reviewer: int) -> None:
        """Every learner in every module (a tenth of them on the first of two versions),
        enrolling at random over half a year. Lesson events are then put in time order,
        as the app writes them: each learner's rows are spread among everyone else's,
        so reading one enrolment's rows is not one sequential read."""
        for version_ids in self.versions.values():
            split = len(users) // 10 if len(version_ids) > 1 else len(users)
            for index, user_id in enumerate(users):
                if self.share < 1 and self.random.random() >= self.share:
                    continue
                version_id = version_ids[0] if index < split else version_ids[-1]
                self.learner(user_id, version_id, reviewer)
        self.rows["coursekit_lesson_event"].sort(key=lambda row: row[3])

    def learner(self, user_id: int, version_id: int, reviewer: int) -> None:
        """One learner's records in one version: a tenth never start; the others read,
        and most go on to the worksheet, the post-test and the evaluation."""
        rnd = self.random
        enrolment = self.next_id("enrolment")
        start = T0 + timedelta(minutes=rnd.randrange(180 * 24 * 60))
        text_shown = "I attest that I will complete this course myself."
        self.add(
            "coursekit_enrolment",
            enrolment,
            user_id,
            version_id,
            start,
            "2026-1",
            text_shown,
            start,
        )
        if rnd.random() < 0.1:
            return
        at = start + timedelta(minutes=1)
        done = rnd.random() < 0.7
        lessons = self.lessons.get(version_id, LESSONS)
        for lesson in lessons:
            self.add("coursekit_lesson_event", enrolment, lesson, "opened", at, 0)
            for _ in range(self.heartbeats // len(lessons)):
                at += timedelta(seconds=30)
                self.add(
                    "coursekit_lesson_event", enrolment, lesson, "active", at, rnd.randint(25, 45)
                )
            if done:
                self.add("coursekit_lesson_event", enrolment, lesson, "completed", at, 0)
        if not done:
            return
        reviewed = False
        if rnd.random() < 0.8:
            submission = self.next_id("submission")
            at += timedelta(hours=1)
            self.add("coursekit_worksheet_submission", submission, enrolment, "{}", at)
            reviewed = rnd.random() < 0.9
            if reviewed:
                at += timedelta(days=1)
                self.add("coursekit_worksheet_review", submission, reviewer, "", at)
        passed = False
        for number in range(1, rnd.choice((1, 1, 1, 2, 2, 3)) + 1):
            attempt = self.next_id("attempt")
            at += timedelta(days=1)
            closed = at + timedelta(minutes=20)
            self.add(
                "coursekit_attempt",
                attempt,
                enrolment,
                "post-test",
                number,
                "[]",
                at,
                closed,
                "submitted",
            )
            percents = [rnd.choice((40, 60, 70, 80, 90, 100))]
            if rnd.random() < 0.05:
                percents.append(min(100, percents[0] + 10))  # a corrected key
            for revision, percent in enumerate(percents, start=1):
                graded = closed + timedelta(days=revision - 1)
                reason = "submitted" if revision == 1 else "corrected key"
                self.add(
                    "coursekit_attempt_grade", attempt, revision, graded, version_id, reason,
                    percent / 10, 10.0, float(percent), percent >= 75, "[]",
                )  # fmt: skip
            passed = percents[-1] >= 75
            if passed:
                break
        if passed:
            at += timedelta(hours=1)
            self.add(
                "coursekit_evaluation_response",
                enrolment,
                "standard 2026-1",
                "[]",
                '{"objectives": 5}',
                at,
            )
            if reviewed:
                self.add(
                    "coursekit_completion", self.next_id("completion"), user_id, version_id, at
                )


def _sqlite_value(value: Any) -> Any:
    """As SQLAlchemy stores it on SQLite: UTC timestamps without an offset."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def bulk_insert(engine: Any, rows: dict[str, list[tuple[Any, ...]]]) -> None:
    """Insert every table's rows: COPY on PostgreSQL (then move each id sequence past the
    ids given), executemany on SQLite in one transaction with the foreign-key checks off
    (the ids are consistent by construction)."""
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        postgresql = engine.dialect.name == "postgresql"
        if not postgresql:
            raw.execute("PRAGMA foreign_keys = OFF")
            raw.execute("BEGIN")
        for table, table_rows in rows.items():
            columns = COLUMNS[table].split()
            cursor = raw.cursor()
            if postgresql:
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in table_rows:
                        copy.write_row(row)
                if "id" in columns:
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
            else:
                marks = ", ".join("?" * len(columns))
                cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                    ([_sqlite_value(value) for value in row] for row in table_rows),
                )
            cursor.close()
        if postgresql:
            raw.commit()
        else:
            raw.execute("COMMIT")
            raw.execute("PRAGMA foreign_keys = ON")
