"""The data set of the scale benchmark: learners in the bundled modules, grown in steps.

``DataSet(app)`` adds an administrator to a prepared instance (bench.databases.prepare);
``grow_to(learners)`` then adds learners up to that number with ``report_data.Generator``
(each learner in a module with chance ``SHARE``, the real lesson slugs of each version,
seat time, worksheets, post-test attempts, evaluations, completions) and what that
generator leaves out: the learner role and a state licence per account, ten saved answers
per attempt, and a certificate (snapshot and a stand-in stored file) per completion, a
few of them revoked. Every account shares one password hash, so any learner can sign in.
Rows are bulk-inserted (COPY on PostgreSQL, executemany on SQLite); PostgreSQL is then
``VACUUM ANALYZE``d, as autovacuum does to tables that grow.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select, text

from bench.report_data import T0, Generator, bulk_insert
from coursekit import db
from coursekit.accounts import operations
from coursekit.accounts.models import Role, User
from coursekit.accounts.passwords import hash_password
from coursekit.catalog.models import Enrolment
from coursekit.certificates.codes import ALPHABET, CODE_LENGTH, certificate_number
from coursekit.certificates.models import CertificateSequence
from coursekit.certificates.sample import SAMPLE_PROVIDER
from coursekit.certificates.snapshot import snapshot
from coursekit.packages.models import ModuleVersion
from coursekit.packages.queries import package_for
from coursekit.progress.models import Completion

PASSWORD = "benchmark passphrase 2026"
ADMIN_EMAIL = "admin@example.org"
SHARE = 0.4
"""The chance that a learner enrols in each of the 4 modules: 1.6 modules each."""
HEARTBEATS = 6
"""Seat-time rows per learner who starts a module (one per lesson of the bundled ones)."""
ANSWERS = 10
"""Saved answers per post-test attempt (a post-test has at least 10 questions)."""
REVOKED = 0.01
STATES = ("CA", "NY", "FL", "TX", "WA", "OR")
PDF = b"%PDF-1.7 stand-in: the benchmark measures the record, not the rendering"


@dataclass
class DataSet:
    """One database's data set, and what the benchmark needs to find in it again."""

    app: Flask
    learners: int = 0
    admin_id: int = 0
    ids: dict[str, int] = field(default_factory=dict)
    codes: list[str] = field(default_factory=list)
    """Verification codes of every certificate issued so far."""
    serial: int = 0

    def __post_init__(self) -> None:
        with self.app.app_context():
            admin = operations.register_user(
                email=ADMIN_EMAIL,
                password=PASSWORD,
                first_name="Ada",
                last_name="Admin",
                roles=(Role.ADMIN,),
            )
            db.session.commit()
            self.admin_id = admin.id
            rows = db.session.scalars(select(ModuleVersion).order_by(ModuleVersion.id)).all()
            self.versions: dict[str, list[int]] = {}
            self.lessons: dict[int, tuple[str, ...]] = {}
            self.templates: dict[int, dict[str, Any]] = {}
            for version in rows:
                package = package_for(version)
                self.versions.setdefault(version.module_id, []).append(version.id)
                self.lessons[version.id] = tuple(lesson.slug for lesson in package.lessons)
                self.templates[version.id] = _template(package)
            self.password_hash = hash_password(PASSWORD)  # by the app's own hash method
        self.random = random.Random(10)

    @property
    def engine(self) -> Any:
        return self.app.extensions["coursekit"].db.engine

    def grow_to(self, learners: int) -> None:
        """Add learners until there are ``learners``; prints rows and time taken."""
        started = time.perf_counter()
        generator = Generator(
            learners - self.learners,
            self.versions,
            HEARTBEATS,
            share=SHARE,
            lessons=self.lessons,
            password_hash=self.password_hash,
            ids=self.ids,
        )
        users = generator.users(self.admin_id + 1 + self.learners)
        generator.enrolments(users, self.admin_id)
        self._accounts(generator)
        self._answers(generator)
        self._certificates(generator)
        built = time.perf_counter() - started
        bulk_insert(self.engine, generator.rows)
        with self.app.app_context():
            db.session.merge(CertificateSequence(year=T0.year, last_serial=self.serial))
            db.session.commit()
        if self.engine.dialect.name == "postgresql":
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(text("VACUUM ANALYZE"))
        self.learners, self.ids = learners, generator.ids
        total = sum(len(rows) for rows in generator.rows.values())
        events = len(generator.rows["coursekit_lesson_event"])
        print(
            f"  grown to {learners:,} learners: +{total:,} rows ({events:,} lesson events) "
            f"in {time.perf_counter() - started:.1f} s ({built:.1f} s building them)",
            flush=True,
        )

    def _accounts(self, generator: Generator) -> None:
        for user in generator.rows["coursekit_user"]:
            user_id, created = user[0], user[8]
            generator.add("coursekit_user_role", user_id, Role.LEARNER.value, created)
            state = STATES[user_id % len(STATES)]
            generator.add("coursekit_state_licence", user_id, state, f"AC {user_id}", created)

    def _answers(self, generator: Generator) -> None:
        for attempt in generator.rows["coursekit_attempt"]:
            attempt_id, started = attempt[0], attempt[5]
            for position in range(ANSWERS):
                saved = started + timedelta(minutes=position + 1)
                response = json.dumps(position % 4)
                generator.add("coursekit_attempt_answer", attempt_id, position, response, saved)

    def _certificates(self, generator: Generator) -> None:
        """A certificate for each completion, issued an hour after it; a few revoked."""
        users = {row[0]: row for row in generator.rows["coursekit_user"]}
        enrolled = {(row[1], row[2]): row[3] for row in generator.rows["coursekit_enrolment"]}
        sha256 = hashlib.sha256(PDF).hexdigest()
        for completion_id, user_id, version_id, completed in generator.rows["coursekit_completion"]:
            self.serial += 1
            certificate_id = self.serial  # one certificate per serial, from 1, as ids are
            code = "".join(self.random.choices(ALPHABET, k=CODE_LENGTH))
            issued = completed + timedelta(hours=1)
            revoked = self.random.random() < REVOKED
            _id, _email, _hash, first, last, nccaom = users[user_id][:6]
            state = STATES[user_id % len(STATES)]
            fields = {
                **self.templates[version_id],
                "learner": {
                    "legal_name": f"{first} {last}",
                    "first_name": first,
                    "last_name": last,
                    "nccaom_id": nccaom,
                    "licences": [{"state": state, "state_name": state, "number": f"AC {user_id}"}],
                },
                "started_on": enrolled[(user_id, version_id)].date().isoformat(),
                "completed_on": completed.date().isoformat(),
                "completed_at": completed.isoformat(),
            }
            generator.add(
                "coursekit_certificate", certificate_id,
                certificate_number("CK", T0.year, self.serial), T0.year, self.serial, code,
                user_id, version_id, completion_id, "revoked" if revoked else "valid",
                json.dumps(fields), issued, issued + timedelta(days=30) if revoked else None,
                "Issued in error" if revoked else "",
            )  # fmt: skip
            generator.add(
                "coursekit_certificate_file", certificate_id, PDF, sha256, len(PDF), "letter",
                issued,
            )  # fmt: skip
            self.codes.append(code)


def _template(package: Any) -> dict[str, Any]:
    """A version's certificate snapshot, for a learner each certificate then names."""
    learner = User(first_name="", last_name="", nccaom_id="")
    learner.licences = []
    return snapshot(
        learner=learner,
        enrolment=Enrolment(enrolled_at=T0),
        completion=Completion(completed_at=T0),
        package=package,
        provider=SAMPLE_PROVIDER,
        score=90.0,
    )
