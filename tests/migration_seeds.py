"""Rows written at each schema revision, for tests/test_migration_upgrades.py.

``SEEDS[revision]`` holds rows as the tables were at that revision (written with Core
against the tables reflected from the database at that revision, never the current
models), referring to rows of earlier seeds. The test builds a database one revision at a
time, writing each revision's seed right after migrating to it, then upgrades to the
newest revision and checks every seeded row.

A new migration brings its seed (the test fails for a revision without one): a few rows
in the tables it creates or changes, or, for a revision that only adds an index, a row
or two in the table it indexes. A migration that changes existing rows (a new column
with a default, a rewritten value) adds a transform to ``TRANSFORMS``: what it does to
each earlier row, so the rows are checked against their transformed values. A migration
whose downgrade keeps every row (an index) goes in ``DOWNGRADES_KEEP_ROWS``; every other
downgrade must refuse while its tables hold rows (coursekit/migrations/downgrades.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

Row = dict[str, object]
Rows = dict[str, list[Row]]
Transform = Callable[[str, Row], Row]

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    """``minutes`` after the seeds' start, in UTC."""
    return START + timedelta(minutes=minutes)


def _user(id_: int, email: str, first: str, last: str, nccaom_id: str | None) -> Row:
    return {
        "id": id_,
        "email": email,
        "password_hash": f"scrypt:32768:8:1$salt{id_}$hash",
        "first_name": first,
        "last_name": last,
        "nccaom_id": nccaom_id,
        "status": "active",
        "session_token": f"{id_:032x}",
        "created_at": at(id_),
        "password_changed_at": at(id_),
        "last_login_at": None,
    }


SEEDS: dict[str, Rows] = {
    "0001": {
        "coursekit_user": [
            _user(1, "mei@example.org", "Mei", "Lindqvist", "123456"),
            _user(2, "admin@example.org", "Ada", "Admin", None),
        ],
        "coursekit_state_licence": [
            {
                "id": 1,
                "user_id": 1,
                "state": "CA",
                "number": "AC12345",
                "added_at": at(1),
                "removed_at": None,
            },
            {
                "id": 2,
                "user_id": 1,
                "state": "NY",
                "number": "NY-9",
                "added_at": at(1),
                "removed_at": at(9),
            },
        ],
        "coursekit_user_role": [
            {"user_id": 1, "role": "learner", "granted_at": at(1)},
            {"user_id": 2, "role": "admin", "granted_at": at(2)},
        ],
    },
    "0002": {
        "coursekit_module_version": [
            {
                "id": 1,
                "module_id": "calf-heel-pain",
                "version": "1.0.0",
                "content_hash": "a" * 64,
                "title": "Calf and heel pain",
                "status": "published",
                "published_at": at(10),
                "retired_at": None,
                "archive": b"PK\x03\x04 zip bytes \x00\xff",
            },
        ],
        "coursekit_enrolment": [
            {
                "id": 1,
                "user_id": 1,
                "module_version_id": 1,
                "enrolled_at": at(11),
                "attestation_version": "2026-01",
                "attestation_text": "I attest that I am licensed.",
                "attested_at": at(11),
            },
        ],
        "coursekit_lesson_event": [
            {"id": 1, "enrolment_id": 1, "lesson": "01-anatomy", "kind": "opened", "at": at(12)},
            {"id": 2, "enrolment_id": 1, "lesson": "01-anatomy", "kind": "completed", "at": at(40)},
        ],
        "coursekit_completion": [
            {"id": 1, "user_id": 1, "module_version_id": 1, "completed_at": at(90)},
        ],
    },
    "0003": {
        "coursekit_module_assignment": [
            {"user_id": 2, "module_id": "calf-heel-pain", "assigned_at": at(5)},
        ],
        "coursekit_attempt": [
            {
                "id": 1,
                "enrolment_id": 1,
                "quiz": "post-test",
                "number": 1,
                "questions": [{"id": "q1", "type": "single"}],
                "started_at": at(50),
                "deadline": at(80),
                "closed_at": at(60),
                "close_reason": "submitted",
            },
        ],
        "coursekit_attempt_answer": [
            {
                "id": 1,
                "attempt_id": 1,
                "position": 0,
                "response": {"choice": 2},
                "saved_at": at(55),
            },
        ],
        "coursekit_attempt_grade": [
            {
                "id": 1,
                "attempt_id": 1,
                "revision": 1,
                "graded_at": at(60),
                "key_version_id": 1,
                "reason": "submitted",
                "earned": 8.5,
                "possible": 10.0,
                "percent": 85.0,
                "passed": True,
                "results": [{"id": "q1", "score": 1.0}],
            },
        ],
        "coursekit_evaluation_response": [
            {
                "id": 1,
                "enrolment_id": 1,
                "form": "california",
                "items": ["q1"],
                "answers": {"q1": "agree"},
                "submitted_at": at(70),
            },
        ],
        "coursekit_worksheet_submission": [
            {"id": 1, "enrolment_id": 1, "answers": {"w1": "Soleus"}, "submitted_at": at(45)},
        ],
        "coursekit_worksheet_review": [
            {
                "id": 1,
                "submission_id": 1,
                "reviewer_id": 2,
                "comment": "Good.",
                "reviewed_at": at(48),
            },
        ],
    },
    "0004": {
        "coursekit_lesson_event": [
            {
                "id": 3,
                "enrolment_id": 1,
                "lesson": "01-anatomy",
                "kind": "active",
                "at": at(20),
                "seconds": 300,
            },
        ],
    },
    "0005": {
        "coursekit_xapi_actor": [
            {
                "user_id": 1,
                "account_name": "5f0c6c1e-8a64-4d5e-9c39-2f1d8e0b7a11",
                "created_at": at(100),
            },
        ],
        "coursekit_xapi_outbox": [
            {
                "id": 1,
                "endpoint": "https://lrs.example.org/xapi/",
                "read_from": at(100),
                "last_run_at": at(101),
                "last_success_at": None,
                "failures": 2,
                "last_error": "503 Service Unavailable",
            },
        ],
    },
    "0006": {
        "coursekit_lesson_event": [
            {
                "id": 4,
                "enrolment_id": 1,
                "lesson": "02-trigger-points",
                "kind": "active",
                "at": at(25),
                "seconds": 60,
            },
        ],
    },
    "0007": {
        "coursekit_certificate_sequence": [{"year": 2026, "last_serial": 1}],
        "coursekit_audit_entry": [
            {
                "id": 1,
                "at": at(120),
                "actor_id": 2,
                "action": "certificate.issue",
                "subject": "certificate:1",
                "reason": "",
                "details": {"number": "2026-000001"},
            },
        ],
        "coursekit_provider_settings": [
            {
                "id": 1,
                "saved_at": at(3),
                "saved_by_id": 2,
                "values": {"name": "Trigger Point Seminars", "nccaom_provider": "1234"},
                "logo": b"\x89PNG\r\n\x1a\n logo",
                "logo_type": "image/png",
                "signature": None,
                "signature_type": None,
            },
        ],
        "coursekit_roster_export": [
            {
                "id": 1,
                "board": "NCCAOM",
                "module_id": "calf-heel-pain",
                "version": "1.0.0",
                "period_from": date(2026, 1, 1),
                "period_to": date(2026, 3, 31),
                "exported_at": at(130),
                "exported_by_id": 2,
                "rows": 1,
                "sha256": "b" * 64,
                "content": b"name,nccaom_id\r\nMei Lindqvist,123456\r\n",
            },
        ],
        "coursekit_certificate": [
            {
                "id": 1,
                "number": "2026-000001",
                "year": 2026,
                "serial": 1,
                "code": "C" * 20,
                "user_id": 1,
                "module_version_id": 1,
                "completion_id": 1,
                "status": "valid",
                "fields": {"hours": 2.0, "learner": "Mei Lindqvist"},
                "issued_at": at(120),
                "issued_by_id": 2,
                "expires_at": None,
                "revoked_at": None,
                "revoked_reason": "",
                "replaces_id": None,
            },
        ],
        "coursekit_certificate_file": [
            {
                "certificate_id": 1,
                "content": b"%PDF-1.7 certificate",
                "sha256": "c" * 64,
                "size": 20,
                "page_size": "letter",
                "rendered_at": at(121),
            },
        ],
    },
    "0008": {
        "coursekit_staged_upload": [
            {
                "id": 1,
                "module_id": "calf-heel-pain",
                "version": "1.1.0",
                "title": "Calf v1.1",
                "content_hash": "d" * 64,
                "filename": "calf-heel-pain.zip",
                "archive": b"PK\x03\x04 staged",
                "warnings": ["lesson 2 has no objectives"],
                "status": "submitted",
                "uploaded_by_id": 2,
                "uploaded_at": at(140),
                "submitted_at": at(141),
                "decided_by_id": None,
                "decided_at": None,
                "reason": "",
                "module_version_id": None,
            },
        ],
    },
    "0009": {
        "coursekit_attestation_revision": [
            {
                "id": 1,
                "version": "2026-02",
                "text": "I attest, in revised words.",
                "saved_at": at(150),
                "saved_by_id": 2,
                "reason": "Board wording.",
            },
        ],
    },
    "0010": {
        "coursekit_time_allowance": [
            {
                "id": 1,
                "user_id": 1,
                "module_id": "calf-heel-pain",
                "extra_minutes": 30,
                "reason": "Accommodation letter on file.",
                "granted_by_id": 2,
                "granted_at": at(160),
            },
        ],
    },
    "0011": {
        "coursekit_enrolment": [
            {
                "id": 2,
                "user_id": 2,
                "module_version_id": 1,
                "enrolled_at": at(170),
                "attestation_version": "2026-02",
                "attestation_text": "I attest, in revised words.",
                "attested_at": at(170),
            },
        ],
    },
    "0012": {
        "coursekit_user": [_user(3, "okafor@example.org", "Ngozi", "Okafor", "654321")],
    },
    "0013": {
        "coursekit_api_token": [
            {
                "id": 1,
                "user_id": 2,
                "name": "Roster pipeline",
                "kind": "integration",
                "scopes": ["read", "admin"],
                "token_hash": "a" * 64,
                "prefix": "ck_abcdefgh",
                "created_at": at(175),
                "last_used_at": None,
                "expires_at": None,
                "revoked_at": None,
            },
        ],
    },
    "0014": {
        "coursekit_webhook": [
            {
                "id": 1,
                "url": "https://crm.example.org/hooks/coursekit",
                "description": "CRM",
                "events": ["certificate.issued"],
                "secret": "0" * 64,
                "state": "active",
                "created_at": at(180),
                "created_by_id": 2,
                "secret_rotated_at": None,
                "disabled_at": None,
            },
        ],
        "coursekit_webhook_event": [
            {
                "id": 1,
                "uuid": "7f0c2c1e-2f4b-4c55-9a57-0d7d3b1f2a10",
                "type": "certificate.issued",
                "payload": {"certificate_id": 1},
                "created_at": at(181),
            },
        ],
        "coursekit_webhook_delivery": [
            {
                "id": 1,
                "event_id": 1,
                "endpoint_id": 1,
                "state": "delivered",
                "tries": 1,
                "next_attempt_at": at(181),
                "last_attempt_at": at(181),
                "last_status": 200,
                "last_response": "ok",
                "last_error": "",
                "delivered_at": at(181),
            },
        ],
        "coursekit_webhook_try": [
            {
                "id": 1,
                "delivery_id": 1,
                "at": at(181),
                "status": 200,
                "response": "ok",
                "error": "",
                "milliseconds": 42,
            },
        ],
    },
    "0015": {
        "coursekit_user": [
            {
                **_user(4, "host-member@example.org", "Tomás", "Reyes", None),
                "password_hash": None,
                "host_user_id": "member-42",
            },
        ],
    },
    "0016": {
        "coursekit_provider_settings": [
            {
                "id": 2,
                "based_on_id": 1,
                "saved_at": at(200),
                "saved_by_id": 2,
                "values": {"name": "Trigger Point Seminars", "nccaom_provider": "602"},
                "logo": None,
                "logo_type": None,
                "signature": None,
                "signature_type": None,
            },
        ],
    },
}


def added_column(table: str, column: str, value: object) -> Transform:
    """A migration added ``column`` to ``table``; earlier rows read ``value`` in it."""

    def transform(name: str, row: Row) -> Row:
        return {**row, column: value} if name == table and column not in row else row

    return transform


TRANSFORMS: dict[str, Transform] = {
    "0004": added_column("coursekit_lesson_event", "seconds", 0),
    "0015": added_column("coursekit_user", "host_user_id", None),
    # The one earlier revision (0007's seed) was the first: based on none.
    "0016": added_column("coursekit_provider_settings", "based_on_id", 0),
}

DOWNGRADES_KEEP_ROWS = frozenset({"0006", "0011", "0012", "0016"})
"""Revisions that only add or change an index, or add a column derived from other rows
(0016): stepping back below them drops nothing."""
