"""The people and records the authorization matrix tries every endpoint against.

The sample records (``tests/sample_records.py``) give learner A (Mei Lindqvist) records in
every state in module M (trigger-point-foundations, with calf-heel-pain and
shin-lateral-leg), taught by instructor I (Okafor), and an administrator. Around them:

- learner B, enrolled in M too (so "another learner" is a classmate who may open M's pages,
  not a stranger the module refuses anyway), with a worksheet of his own;
- instructor J, assigned to module M2 (low-back-posterior-chain) only;
- A's state licence and a time allowance on M;
- the sample records' API tokens: A's personal token and the administrator's
  integration token (their ids, for the token pages' revoke buttons).

A snapshot of every table's rows lets a test prove that a refused request changed nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Column, select

from coursekit import db
from coursekit.accounts.models import Role, StateLicence, User
from coursekit.api.tokens.models import ApiToken, TokenKind
from coursekit.assessment.timing.models import TimeAllowance
from coursekit.db import utcnow
from coursekit.models import Base
from tests import sample_records
from tests.helpers import assign, client_from, login, make_user
from tests.report_records import enrol, worksheet
from tests.sample_records import Samples, seed
from tests.test_seminars import FOUNDATIONS

MODULE = FOUNDATIONS
OTHER_MODULE = "low-back-posterior-chain"
OTHER_LEARNER = "bram@example.org"
OTHER_INSTRUCTOR = "jansen@example.org"

ANONYMOUS, OWNER, OTHER = "anonymous", "owner", "other_learner"
INSTRUCTOR, OTHER_TEACHER, ADMIN = "instructor", "other_instructor", "admin"
ROLES = (ANONYMOUS, OWNER, OTHER, INSTRUCTOR, OTHER_TEACHER, ADMIN)
EMAILS = {
    OWNER: sample_records.LEARNER,
    OTHER: OTHER_LEARNER,
    INSTRUCTOR: sample_records.INSTRUCTOR,
    OTHER_TEACHER: OTHER_INSTRUCTOR,
    ADMIN: sample_records.ADMIN,
}
# Learners' surnames: a page that shows one to anyone but its owner, the instructors of
# their module or an administrator leaks it.
SURNAMES = {OWNER: "Lindqvist", OTHER: "Quennell"}


@dataclass(frozen=True)
class World:
    """The app, the sample records' ids, and the ids of what this module adds."""

    app: Flask
    samples: Samples
    licence_id: int
    other_learner_id: int
    other_enrolment_id: int
    other_instructor_id: int
    instructor_id: int
    personal_token_id: int
    integration_token_id: int


def build_world(app: Flask, folder: Path) -> World:
    """Write the sample records and the people and records above."""
    samples = seed(app, folder)
    other_id = make_user(app, OTHER_LEARNER, first_name="Bram", last_name=SURNAMES[OTHER])
    other_enrolment = enrol(app, OTHER_LEARNER, MODULE)
    worksheet(app, other_enrolment, 40)
    teacher_id = make_user(
        app, OTHER_INSTRUCTOR, Role.INSTRUCTOR, first_name="Joost", last_name="Jansen"
    )
    assign(app, OTHER_INSTRUCTOR, OTHER_MODULE)
    with app.app_context():
        licence = StateLicence(user_id=samples.learner_id, state="CA", number="AC 12345")
        db.session.add(licence)
        db.session.add(
            TimeAllowance(
                user_id=samples.learner_id,
                module_id=MODULE,
                extra_minutes=15,
                reason="Documented accommodation.",
                granted_at=utcnow(),
            )
        )
        db.session.commit()
        instructor_id = db.session.scalar(
            select(User.id).where(User.email == sample_records.INSTRUCTOR)
        )
        tokens = dict(db.session.execute(select(ApiToken.kind, ApiToken.id)).all())
        return World(
            app,
            samples,
            licence.id,
            other_id,
            other_enrolment,
            teacher_id,
            instructor_id,
            personal_token_id=tokens[TokenKind.PERSONAL],
            integration_token_id=tokens[TokenKind.INTEGRATION],
        )


def client_as(app: Flask, role: str) -> FlaskClient:
    """A test client signed in as ``role`` (anonymous: not signed in)."""
    # An address per role: the per-address limits (sign-in, password reset) count each
    # role apart, as they would six people.
    client = client_from(app, f"10.0.0.{ROLES.index(role) + 1}")
    if role != ANONYMOUS:
        login(client, EMAILS[role])
    return client


def snapshot(app: Flask, leave_out: Collection[Column] = ()) -> dict[str, str]:
    """A digest of every table's rows, to compare before and after a request (read on a
    connection of its own: the test takes hundreds, and the ORM's bookkeeping would
    double their cost). A token's last use is left out: a refused request still counts
    as one (docs/api.md), and it is written at most once a minute anyway; so are the
    columns in ``leave_out``."""
    # By identity: == on a Column builds an SQL expression.
    skipped = {id(column) for column in (ApiToken.__table__.c.last_used_at, *leave_out)}
    digests = {}
    with app.extensions["coursekit"].db.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            columns = [column for column in table.c if id(column) not in skipped]
            rows = sorted(repr(tuple(row)) for row in connection.execute(select(*columns)))
            digests[table.name] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return digests


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The tables whose rows differ between two snapshots."""
    return sorted(name for name in before if before[name] != after[name])
