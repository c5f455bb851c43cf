"""Automatic issue: the request in which a learner completes a module issues the
certificate (or, when the provider approves certificates, leaves it to an administrator)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coursekit import db
from coursekit.certificates.models import Certificate
from coursekit.progress.models import Completion
from tests.certificate_records import certificate_settings
from tests.helpers import csrf_token, submit
from tests.package_factory import write_completable_module
from tests.test_completion import (
    EVALUATION,
    L1,
    L2,
    WORKSHEET,
    review_worksheet,
    signed_in,
    take_post_test,
)


@pytest.fixture
def content(tmp_path):
    return write_completable_module(tmp_path)


def completing_app(make_app, content, issuing: str):
    return make_app(
        COURSEKIT_MODULES_PATH=str(content / "modules"),
        COURSEKIT_PUBLISH_ON_START=True,
        COURSEKIT_HEARTBEAT_LIMIT="1000 per minute",
        **certificate_settings(provider={"issuing": issuing}),
    )


def complete_the_module(app, clock):
    """Every step, the last one being the heartbeat that reaches the seat time; returns
    the learner's client."""
    learner = signed_in(app, "zoe@example.org")
    submit(learner, "/modules/calf", {"accept": "y"}, "/modules/calf/enrol")
    for lesson, minutes in ((L1, 50), (L2, 40)):
        learner.get(lesson)
        clock.advance(minutes=minutes)
        submit(learner, lesson, {}, f"{lesson}/complete")
    submit(learner, "/modules/calf/worksheet", WORKSHEET)
    review_worksheet(app)
    take_post_test(learner, correct=True)
    submit(learner, "/modules/calf/evaluation", EVALUATION)
    learner.get(L2)
    token = csrf_token(learner, L2)
    learner.post(f"{L2}/heartbeat", data={"csrf_token": token, "restart": "1"})
    for _ in range(20):
        clock.advance(seconds=30)
        learner.post(f"{L2}/heartbeat", data={"csrf_token": token})
    return learner


def rows(app):
    with app.app_context():
        return (
            list(db.session.scalars(select(Completion))),
            list(db.session.scalars(select(Certificate))),
        )


def test_completing_a_module_issues_its_certificate(make_app, content, clock, mail_outbox):
    app = completing_app(make_app, content, "automatic")
    complete_the_module(app, clock)
    (completion,), (certificate,) = rows(app)
    assert certificate.completion_id == completion.id
    assert certificate.issued_at == completion.completed_at
    assert certificate.issued_by_id is None
    assert certificate.fields["score"] == {"percent": 100.0, "pass_mark": 75}
    assert certificate.fields["completed_on"] == completion.completed_at.date().isoformat()
    (notice,) = [m for m in mail_outbox if "certificate" in m["Subject"]]
    assert certificate.number in notice.get_content()
    assert f"https://ce.example.org/verify/{certificate.code}" in notice.get_content()


@pytest.mark.parametrize(
    "settings", [{"issuing": "approval"}, {"issuing": "automatic", "address": ""}]
)
def test_approval_or_incomplete_settings_leave_the_completion_waiting(
    make_app, content, clock, settings
):
    app = make_app(
        COURSEKIT_MODULES_PATH=str(content / "modules"),
        COURSEKIT_PUBLISH_ON_START=True,
        COURSEKIT_HEARTBEAT_LIMIT="1000 per minute",
        **certificate_settings(provider=settings),
    )
    complete_the_module(app, clock)
    completions, certificates = rows(app)
    assert len(completions) == 1 and certificates == []


def test_a_failure_while_issuing_keeps_the_completion(make_app, content, clock, monkeypatch):
    def broken(_html: str) -> bytes:
        raise RuntimeError("the PDF renderer crashed")

    monkeypatch.setattr("coursekit.certificates.operations.render_pdf", broken)
    app = completing_app(make_app, content, "automatic")
    complete_the_module(app, clock)
    completions, certificates = rows(app)
    assert len(completions) == 1 and certificates == []


def test_a_mail_failure_does_not_stop_the_certificate(make_app, content, clock, monkeypatch):
    def refused(*_args) -> None:
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("coursekit.certificates.notices.send_mail", refused)
    app = completing_app(make_app, content, "automatic")
    complete_the_module(app, clock)
    completions, certificates = rows(app)
    assert len(completions) == 1 and len(certificates) == 1
