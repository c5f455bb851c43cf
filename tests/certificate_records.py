"""Certificate test data: a configured provider, learners whose completions are written
straight to the database (no pages, no password hashing), and certificates issued
through the real operation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import StateLicence, User
from coursekit.certificates.models import Certificate
from coursekit.certificates.operations import issue_certificate
from coursekit.progress.models import Completion
from tests.assessment_records import graded_attempt
from tests.report_records import enrol, version_id

PUBLIC_URL = "https://ce.example.org"
PROVIDER = {
    "name": "Blue Heron Acupuncture Seminars",
    "address": "12 Willow Lane, Portland, OR 97201",
    "contact": "ce@blueheron.example · +1 503 555 0100",
    "website": "https://blueheron.example",
    "nccaom_provider_number": "602",
    "nccaom_approved_from": "2026-01-01",
    "nccaom_approved_until": "2027-12-31",
    "state_numbers": {"CA": "CEP-1234", "FL": "50-9876"},
    "signatory_name": "Dr. Mei-Ling Okonkwo",
    "signatory_title": "Director of Education",
}
COMPLETED_AT = datetime(2026, 11, 3, 15, 30, tzinfo=UTC)


def certificate_settings(**overrides: object) -> dict:
    """App settings for certificate tests: the provider above, a public URL."""
    provider = {**PROVIDER, **overrides.pop("provider", {})}  # type: ignore[dict-item]
    return {"COURSEKIT_PROVIDER": provider, "COURSEKIT_PUBLIC_URL": PUBLIC_URL, **overrides}


def completed(
    app: Flask,
    email: str,
    module_id: str = "calf",
    version: str = "1.0.0",
    *,
    first_name: str = "Test",
    last_name: str | None = None,
    nccaom_id: str | None = "12345",
    licences: dict[str, str] | None = None,
    percent: float = 90.0,
    completed_at: datetime = COMPLETED_AT,
) -> int:
    """A learner who passed the post-test (``percent``) and completed the module version;
    returns the completion's id. No certificate is issued by this."""
    enrolment = enrol(
        app,
        email,
        module_id,
        version,
        first_name=first_name,
        last_name=last_name,
        nccaom_id=nccaom_id,
    )
    graded_attempt(app, enrolment, passed=True, percent=percent)
    module_version = version_id(app, module_id, version)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        for state, number in (licences or {}).items():
            db.session.add(StateLicence(user_id=user.id, state=state, number=number))
        completion = Completion(
            user_id=user.id,
            module_version_id=module_version,
            completed_at=completed_at,
        )
        db.session.add(completion)
        db.session.commit()
        return completion.id


def issue(
    app: Flask, completion_id: int, *, actor_id: int | None = None, at: datetime | None = None
) -> Certificate:
    """Issue the completion's certificate through the real operation, and commit."""
    with app.app_context():
        completion = db.session.get_one(Completion, completion_id)
        actor = db.session.get(User, actor_id) if actor_id is not None else None
        certificate = issue_certificate(
            completion, actor=actor, now=at or completion.completed_at + timedelta(minutes=1)
        )
        db.session.commit()
        return certificate
