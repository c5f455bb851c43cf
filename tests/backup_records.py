"""A database with rows in every coursekit table, for the backup and restore tests.

The sample records (tests/sample_records.py) hold one learner's records in every state;
the tables they leave empty get a row here, through the operations the app uses where
the bundled modules allow it.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import StateLicence, User
from coursekit.assessment.timing.models import TimeAllowance
from coursekit.attestation.operations import save_attestation
from coursekit.certificates.provider.operations import save_provider_settings
from coursekit.db import utcnow
from coursekit.progress.xapi.operations import name_every_learner, outbox_for, record_failure
from tests.certificate_records import PROVIDER
from tests.sample_records import ADMIN, LEARNER, seed
from tests.test_certificate_pdf import png
from tests.test_seminars import FOUNDATIONS


def fill_every_table(app: Flask, folder: Path) -> None:
    """Write the sample records, then a row in each table they leave empty."""
    seed(app, folder)
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == ADMIN))
        learner = db.session.scalar(select(User).where(User.email == LEARNER))
        now = utcnow()
        save_attestation(
            "I attest that I hold a current licence.",
            "2026-12",
            actor=admin,
            reason="Board wording.",
            now=now,
        )
        save_provider_settings(
            PROVIDER, logo=png("#2a6f97"), signature="keep", actor=admin, now=now
        )
        # grant_extra_time needs a timed post-test, which no bundled module has.
        db.session.add(
            TimeAllowance(
                user_id=learner.id,
                module_id=FOUNDATIONS,
                extra_minutes=30,
                reason="Letter on file.",
                granted_by_id=admin.id,
                granted_at=now,
            )
        )
        db.session.add(StateLicence(user_id=learner.id, state="CA", number="AC12345"))
        name_every_learner()
        record_failure(outbox_for("https://lrs.example.org/xapi/"), "503", now=now)
        db.session.commit()
