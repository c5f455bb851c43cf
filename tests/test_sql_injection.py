"""SQL injection and wildcards in every search and filter, on SQLite and PostgreSQL.

Each search box and query-string filter (admin users, modules, certificates, the
certificate archive, rosters, the audit log and its CSV, the catalogue, verification, the
learner's transcript, an instructor's learner list, every ``page=``) gets the strings of
``xss_corpus.SQL_INJECTIONS``. None may answer 500, none may list a record the text does
not contain (``%`` and ``_`` are matched literally, not as LIKE wildcards), and every table
keeps its rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from flask import Flask
from sqlalchemy import func, select

from coursekit import db
from coursekit.accounts.models import User
from coursekit.assessment.attempts.models import AttemptAnswer
from coursekit.audit.models import AuditEntry
from coursekit.certificates.models import Certificate
from coursekit.models import Base
from tests.helpers import csrf_token, login
from tests.sample_records import ADMIN, CALF, INSTRUCTOR, LEARNER, Samples, seed
from tests.shared_records import file_app, fresh_limits, rows_added_removed, unchanged
from tests.xss_corpus import SQL_INJECTIONS

# Filters compare whole values (a choice, a date, an id): the strings that differ in kind.
FILTER_INJECTIONS = [
    "' OR 1=1 --",
    "%' UNION SELECT 1 --",
    "1; DROP TABLE x",
    "\x00",
    "%",
    "x" * 5000,
]

# What each answer may be: a page, a clear refusal of the input, or "no such thing".
ALLOWED = {200, 303, 400, 404}


@pytest.fixture(scope="module")
def shared(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Flask, Samples]]:
    """The app and the sample records on each database, for the whole file (writing them
    takes seconds); a test that changes them puts them back, which ``unchanged`` checks."""
    folder = tmp_path_factory.mktemp("sql")
    with file_app(database_url, folder, COURSEKIT_VERIFY_LIMIT="10000 per minute") as app:
        yield app, seed(app, folder / "staged")


@pytest.fixture
def app(shared: tuple[Flask, Samples]) -> Iterator[Flask]:
    with unchanged(shared[0]):
        yield fresh_limits(shared[0])


@pytest.fixture
def samples(shared: tuple[Flask, Samples]) -> Samples:
    return shared[1]


def row_counts(app: Flask) -> dict[str, int]:
    """Rows per table: an injected DROP or DELETE would change them."""
    with app.app_context():
        return {
            table.name: db.session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


def searches(samples: Samples) -> list[tuple[str, str, str, list[str]]]:
    """(role, path, query argument, text that must not be listed for a string that matches
    nothing): the searches whose results would show a leak."""
    number = samples.valid_number
    return [
        ("admin", "/admin/users", "q", [LEARNER, INSTRUCTOR]),
        ("admin", "/admin/certificates", "q", [number]),
        ("admin", "/admin/audit", "q", [number]),
        ("admin", "/admin/audit", "actor", [number]),
        ("admin", "/admin/audit", "subject", [number]),
        ("admin", "/admin/audit.csv", "q", [number]),
        ("anonymous", "/modules", "q", [f"/modules/{CALF}"]),
    ]


def filters(samples: Samples) -> list[tuple[str, str, str]]:
    """(role, path, query argument) of the other filters: choices, dates, ids, pages."""
    report = "/teach/modules/trigger-point-foundations/report/1.0.0/learners"
    return [
        ("anonymous", "/modules", "region"),
        ("anonymous", "/modules", "muscle"),
        ("anonymous", "/modules", "pain"),
        ("anonymous", "/modules", "board"),
        ("anonymous", "/verify", "code"),
        ("admin", "/admin/audit", "action"),
        ("admin", "/admin/audit", "start"),
        ("admin", f"/admin/certificates/{CALF}.zip", "version"),
        ("admin", "/admin/rosters", "module"),
        ("admin", f"/admin/rosters?module={CALF}", "version"),
        ("admin", f"/admin/rosters?module={CALF}", "board"),
        ("admin", f"/admin/rosters?module={CALF}", "start"),
        ("learner", "/transcript", "period"),
        ("learner", "/transcript", "start"),
        ("learner", "/transcript.csv", "end"),
        ("instructor", report, "after"),
        ("instructor", report, "before"),
        ("admin", "/admin/users", "page"),
        ("admin", "/admin/certificates", "page"),
        ("admin", "/admin/audit", "page"),
        ("admin", "/admin/attestation", "page"),
        ("admin", "/admin/uploads", "page"),
        ("instructor", "/teach/uploads", "page"),
    ]


def signed_in(app: Flask) -> dict:
    clients = {"anonymous": app.test_client()}
    for role, email in (("admin", ADMIN), ("learner", LEARNER), ("instructor", INSTRUCTOR)):
        clients[role] = app.test_client()
        login(clients[role], email)
    return clients


def with_argument(path: str, name: str, value: str) -> str:
    joiner = "&" if "?" in path else "?"
    return f"{path}{joiner}{urlencode({name: value})}"


def test_searches_and_filters_treat_injections_as_text(app: Flask, samples: Samples) -> None:
    clients = signed_in(app)
    before = row_counts(app)
    problems = []
    for role, path, name, absent in searches(samples):
        # The search works: the record shows up for its own text (so "absent" means something).
        assert any(text in clients[role].get(with_argument(path, name, "")).text for text in absent)
        for value in SQL_INJECTIONS:
            response = clients[role].get(with_argument(path, name, value))
            if response.status_code not in ALLOWED:
                problems.append(f"{path}?{name}={value[:40]!r}: {response.status_code}")
            elif any(text in response.text for text in absent):
                problems.append(f"{path}?{name}={value[:40]!r} listed records it does not match")
    # The modules page searches in memory after scanning the packages on disk (seconds
    # a request): the strings that could look like a pattern are enough there.
    for value in ("%", "_", "' OR 1=1 --"):
        response = clients["admin"].get(with_argument("/admin/modules", "q", value))
        if response.status_code != 200 or f'id="module-{CALF}"' in response.text:
            problems.append(f"/admin/modules?q={value!r}: {response.status_code} or listed")
    for role, path, name in filters(samples):
        for value in FILTER_INJECTIONS:
            response = clients[role].get(with_argument(path, name, value))
            if response.status_code not in ALLOWED:
                problems.append(f"{path}?{name}={value[:40]!r}: {response.status_code}")
    assert not problems, "\n".join(problems)
    assert row_counts(app) == before


def test_like_wildcards_match_only_themselves(app: Flask, samples: Samples) -> None:
    """A name with ``%`` or ``_`` is found by them; nobody else is."""
    original = rename_learner(app, "Lind_100%")
    try:
        clients = signed_in(app)
        for needle in ("_100%", "d_1", "100%"):
            page = clients["admin"].get(with_argument("/admin/users", "q", needle)).text
            assert LEARNER in page and INSTRUCTOR not in page, needle
            page = clients["admin"].get(with_argument("/admin/certificates", "q", needle)).text
            assert samples.valid_number in page, needle
        for needle in ("%", "_", "d%1"):
            page = clients["admin"].get(with_argument("/admin/users", "q", needle)).text
            assert INSTRUCTOR not in page, needle
    finally:
        # The other tests search these records too: they get the name they were seeded with.
        rename_learner(app, original)


def rename_learner(app: Flask, last_name: str) -> str:
    """Give the learner ``last_name``; returns the one it replaced."""
    with app.app_context():
        learner = db.session.scalar(select(User).where(User.email == LEARNER))
        learner.last_name, before = last_name, learner.last_name
        db.session.commit()
        return before


def test_a_nul_character_is_refused_clearly_and_changes_nothing(
    app: Flask, samples: Samples
) -> None:
    """PostgreSQL cannot store or compare NUL in text: it must be a 400, not a 500."""
    clients = signed_in(app)
    before = row_counts(app)
    with app.app_context():
        entries = db.session.scalar(select(func.count()).select_from(AuditEntry))
        certificates = db.session.scalar(select(func.count()).select_from(Certificate))
    response = clients["admin"].get("/admin/users?q=a%00b")
    assert response.status_code == 400
    assert "NUL" in response.text or "control character" in response.text
    # A view's own reason for a 400 reaches the page, not only the generic hint.
    report = "/teach/modules/trigger-point-foundations/report/1.0.0/learners?after=1%27"
    refused = clients["instructor"].get(report)
    assert refused.status_code == 400
    assert "after must be the id of a learner in this list." in refused.text
    account = clients["learner"].get("/account")
    assert account.status_code == 200
    assert row_counts(app) == before
    assert entries and certificates


JSON_BODIES_WITH_NUL = [
    {"response": "a\x00b"},
    {"response": ["fine", "\x00"]},
    {"response": {"left\x00": "right"}},
    {"confirm": True, "note": "\x00"},
]


@pytest.fixture
def saved_answers_forgotten(app: Flask) -> Iterator[None]:
    """An answer saved to the open attempt goes again after the test (answers are only
    ever appended, so removing the new rows puts the attempt back)."""
    with rows_added_removed(app, AttemptAnswer):
        yield


def test_a_nul_character_in_a_json_body_is_refused_clearly(
    app: Flask, samples: Samples, saved_answers_forgotten
) -> None:
    """The attempt page's autosave (and final submission) send JSON: "\\u0000" there is a
    NUL too, refused as JSON with a 400 before the view stores or closes anything."""
    learner = signed_in(app)["learner"]
    question = f"/attempts/{samples.open_attempt}/1"
    headers = {"X-CSRFToken": csrf_token(learner, question), "Accept": "application/json"}
    before = row_counts(app)
    for body in JSON_BODIES_WITH_NUL:
        for action in (question, f"/attempts/{samples.open_attempt}/submit"):
            response = learner.post(action, json=body, headers=headers)
            assert response.status_code == 400, (action, body, response.text)
            assert "NUL character" in response.get_json()["error"]["message"]
    assert row_counts(app) == before
    # Without the NUL the same answer reaches the view: the refusal was the NUL's alone.
    saved = learner.post(question, json={"response": "ab"}, headers=headers)
    assert "NUL" not in saved.text and saved.status_code in (200, 422), saved.text
