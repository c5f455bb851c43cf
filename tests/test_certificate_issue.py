"""Issuing: the snapshot, numbers and codes, one valid certificate per learner and
version, and automatic issue on completion."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from coursekit import db
from coursekit.certificates.models import Certificate, CertificateFile
from coursekit.certificates.operations import CertificateError, issue_certificate
from coursekit.progress.models import Completion
from tests.certificate_records import certificate_settings, completed, issue
from tests.package_factory import write_package


@pytest.fixture
def app(make_app, tmp_path):
    write_package(tmp_path, "calf")
    return make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"),
        COURSEKIT_PUBLISH_ON_START=True,
        **certificate_settings(provider={"issuing": "approval"}),
    )


def test_a_certificate_snapshots_the_learner_module_credit_and_provider(app, mail_outbox):
    completion = completed(
        app,
        "zoe@example.org",
        first_name="Zoë",
        last_name="Łukasz-Ørsted",
        licences={"CA": "AC 12345"},
        percent=87.5,
    )
    certificate = issue(app, completion)
    fields = certificate.fields
    assert certificate.number == "CK-2026-000001"
    assert len(certificate.code) == 28
    assert fields["learner"]["legal_name"] == "Zoë Łukasz-Ørsted"
    assert fields["learner"]["nccaom_id"] == "12345"
    assert fields["learner"]["licences"] == [
        {"state": "CA", "state_name": "California", "number": "AC 12345"}
    ]
    assert fields["module"]["title"] == "Module calf"
    assert fields["module"]["version"] == "1.0.0"
    assert len(fields["module"]["content_hash"]) == 64
    nccaom, california = fields["credits"]
    assert nccaom["course_number"] == "PDA-000-001"
    assert nccaom["provider_number"] == "602"  # from the provider settings
    assert nccaom["categories"] == [
        {"category": "AOM-AC", "amount": "1.5"},
        {"category": "SA", "amount": "0.5"},
    ]
    assert california["provider_number"] == "CEP-0000"  # the package's own wins
    assert fields["completed_on"] == "2026-11-03"
    assert fields["score"] == {"percent": 87.5, "pass_mark": 75}
    assert fields["provider"]["name"] == "Blue Heron Acupuncture Seminars"
    assert fields["signatory"]["name"] == "Dr. Mei-Ling Okonkwo"
    with app.app_context():
        stored = db.session.get(CertificateFile, certificate.id)
        assert stored.content.startswith(b"%PDF")
    assert [message["To"] for message in mail_outbox] == ["zoe@example.org"]


def test_a_completion_gets_one_certificate(app):
    completion = completed(app, "a@example.org")
    issue(app, completion)
    with pytest.raises(CertificateError) as refused:
        issue(app, completion)
    assert refused.value.status == 409
    with app.app_context():
        assert db.session.scalar(select(func.count(Certificate.id))) == 1


def test_numbers_follow_each_other_within_a_year(app):
    numbers = [issue(app, completed(app, f"l{n}@example.org")).number for n in range(3)]
    assert numbers == ["CK-2026-000001", "CK-2026-000002", "CK-2026-000003"]


def test_incomplete_provider_settings_refuse_to_issue(make_app, tmp_path):
    write_package(tmp_path, "calf")
    app = make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"),
        COURSEKIT_PUBLISH_ON_START=True,
        **certificate_settings(provider={"address": "", "issuing": "approval"}),
    )
    completion = completed(app, "a@example.org")
    with app.app_context():
        row = db.session.get_one(Completion, completion)
        with pytest.raises(CertificateError, match="provider address") as refused:
            issue_certificate(row, actor=None, now=row.completed_at)
    assert refused.value.status == 422


def test_each_year_numbers_from_one(app):
    first = issue(
        app, completed(app, "a@example.org"), at=datetime(2026, 12, 31, 23, 59, tzinfo=UTC)
    )
    second = issue(app, completed(app, "b@example.org"), at=datetime(2027, 1, 1, 0, 1, tzinfo=UTC))
    third = issue(app, completed(app, "c@example.org"), at=datetime(2027, 1, 2, tzinfo=UTC))
    assert [first.number, second.number, third.number] == [
        "CK-2026-000001",
        "CK-2027-000001",
        "CK-2027-000002",
    ]


def test_the_database_refuses_a_second_valid_certificate(app):
    certificate = issue(app, completed(app, "a@example.org"))
    with app.app_context():
        copy = Certificate(
            number="CK-2026-999999",
            year=2026,
            serial=999999,
            code="1" * 28,
            user_id=certificate.user_id,
            module_version_id=certificate.module_version_id,
            completion_id=certificate.completion_id,
            status="valid",
            fields={},
        )
        db.session.add(copy)
        with pytest.raises(IntegrityError):
            db.session.flush()
