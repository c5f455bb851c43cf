"""Webhook delivery end to end: every event of a learner's journey and an
administrator's certificate changes reaches a real HTTP receiver exactly once, signed;
through a receiver's failures and a deliverer killed mid-delivery."""

from __future__ import annotations

import json
import signal
import time
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from coursekit import db
from coursekit.accounts.queries import user_by_email
from coursekit.catalog.operations import enrol
from coursekit.certificates.models import Certificate
from coursekit.db import utcnow
from coursekit.packages.queries import current_versions
from coursekit.webhooks.delivery import DeliverySettings, deliver_due
from coursekit.webhooks.models import DeliveryState, WebhookDelivery, WebhookTry
from coursekit.webhooks.operations import record_event, redeliver
from tests.helpers import make_user
from tests.test_certificate_on_completion import complete_the_module
from tests.webhook_receiver import Receiver
from tests.webhook_records import (
    JOURNEY,
    deliverer,
    delivery_states,
    events,
    register,
    revoke_and_reissue,
    webhook_app,
)

SETTINGS = DeliverySettings(timeout=5, max_tries=3, backoff=30, allow_private=True)


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.close()


def deliver(app, *, at=None):
    with app.app_context():
        return deliver_due(SETTINGS, clock=(lambda: at) if at else utcnow)


def test_every_event_reaches_the_receiver_once_with_a_valid_signature(
    make_app, tmp_path, clock, receiver
):
    app = webhook_app(make_app, tmp_path)
    receiver.secrets.append(register(app, receiver.url))
    complete_the_module(app, clock)
    revoke_and_reissue(app)

    result = app.test_cli_runner().invoke(args=["coursekit", "webhooks", "deliver", "--once"])
    assert result.exit_code == 0, result.output
    assert "8 delivered, 0 to try again later, 0 failed." in result.output

    expected = JOURNEY + Counter({"certificate.revoked": 1, "certificate.reissued": 1})
    assert all(arrival.valid for arrival in receiver.arrivals)
    assert receiver.counts() == {event_id: 1 for event_id in receiver.processed}
    assert Counter(body["type"] for body in receiver.processed.values()) == expected
    # One event per change, each with its own id: the outbox never wrote one twice.
    outbox = events(app)
    assert len(outbox) == sum(expected.values()) == len({event.uuid for event in outbox})
    assert {event.uuid for event in outbox} == set(receiver.processed)
    assert delivery_states(app) == Counter({DeliveryState.DELIVERED: 8})
    # The order of the journey: completion before its certificate, grade before both.
    types = [event.type for event in outbox]
    assert types.index("attempt.submitted") < types.index("module.completed")
    assert types.index("module.completed") < types.index("certificate.issued")

    by_type = {body["type"]: body["data"] for body in receiver.processed.values()}
    reissued = by_type["certificate.reissued"]
    assert reissued["replaces"]["number"] == by_type["certificate.revoked"]["certificate"]["number"]
    assert by_type["attempt.submitted"]["grade"]["passed"] is True
    assert by_type["module.enrolled"]["enrolment"]["module_id"] == "calf"
    # Nothing a receiver must not see: verification codes, reasons, answers.
    with app.app_context():
        codes = list(db.session.scalars(select(Certificate.code)))
    sent = json.dumps(list(receiver.processed.values()))
    assert not any(code in sent for code in codes)
    assert "Issued in error" not in sent and "results" not in sent

    again = app.test_cli_runner().invoke(args=["coursekit", "webhooks", "deliver", "--once"])
    assert "0 delivered" in again.output and len(receiver.arrivals) == 8


def test_a_rolled_back_change_queues_nothing(make_app, tmp_path, receiver):
    app = webhook_app(make_app, tmp_path)
    register(app, receiver.url)
    _enrol_one(app, commit=False)
    assert events(app) == [] and delivery_states(app) == Counter()


def test_an_endpoint_gets_only_the_events_it_chose(make_app, tmp_path, clock, receiver):
    app = webhook_app(make_app, tmp_path)
    other = Receiver()
    try:
        receiver.secrets.append(register(app, receiver.url, ["certificate.issued"]))
        other.secrets.append(register(app, other.url, ["lesson.completed", "module.enrolled"]))
        complete_the_module(app, clock)
        deliver(app)
        assert [body["type"] for body in receiver.processed.values()] == ["certificate.issued"]
        assert Counter(body["type"] for body in other.processed.values()) == Counter(
            {"module.enrolled": 1, "lesson.completed": 2}
        )
        assert all(arrival.valid for arrival in receiver.arrivals + other.arrivals)
        assert len(events(app)) == 4, "events no endpoint wanted are not queued"
    finally:
        other.close()


def test_a_failing_receiver_is_tried_again_after_a_growing_wait(make_app, tmp_path, receiver):
    app = webhook_app(make_app, tmp_path)
    receiver.secrets.append(register(app, receiver.url, ["module.enrolled"]))
    _enrol_one(app)
    receiver.fail_next = 1
    first = deliver(app)
    assert first.count(DeliveryState.PENDING) == 1 and receiver.processed == {}
    with app.app_context():
        delivery = db.session.scalars(select(WebhookDelivery)).one()
        assert delivery.last_status == 500 and delivery.last_response == "refused"
        wait = (delivery.next_attempt_at - delivery.last_attempt_at).total_seconds()
        # The first backoff: 30 s, less up to a fifth at random.
        assert 24 <= wait <= 31
        due = delivery.next_attempt_at

    assert deliver(app).states == {}, "not due yet"
    second = deliver(app, at=due + timedelta(seconds=1))
    assert second.count(DeliveryState.DELIVERED) == 1
    assert len(receiver.processed) == 1 and len(receiver.arrivals) == 2
    with app.app_context():
        tries = db.session.scalars(select(WebhookTry).order_by(WebhookTry.id)).all()
        assert [(t.status, t.error) for t in tries] == [(500, "HTTP 500"), (200, "")]
        assert db.session.scalars(select(WebhookDelivery)).one().state == DeliveryState.DELIVERED


def test_a_delivery_fails_after_its_last_try_and_can_be_sent_again(make_app, tmp_path, receiver):
    app = webhook_app(make_app, tmp_path)
    receiver.secrets.append(register(app, receiver.url, ["module.enrolled"]))
    _enrol_one(app)
    receiver.fail_next = SETTINGS.max_tries
    at = utcnow()
    for _ in range(SETTINGS.max_tries):
        deliver(app, at=at)
        at += timedelta(hours=2)
    assert delivery_states(app) == Counter({DeliveryState.FAILED: 1})
    assert deliver(app, at=at + timedelta(days=1)).states == {}, "a failed one waits"

    with app.app_context():
        redeliver(db.session.scalars(select(WebhookDelivery)).one(), actor=None, now=utcnow())
        db.session.commit()
    assert deliver(app).count(DeliveryState.DELIVERED) == 1
    assert len(receiver.processed) == 1
    assert len({arrival.event_id for arrival in receiver.arrivals}) == 1, "the same event id"


def test_a_deliverer_killed_mid_delivery_is_restarted_and_each_event_arrives_once(
    make_app, tmp_path, clock, receiver
):
    app = webhook_app(make_app, tmp_path)
    receiver.secrets.append(register(app, receiver.url))
    complete_the_module(app, clock)
    expected = sum(JOURNEY.values())

    # The receiver takes the first delivery and keeps the answer back; the worker is
    # killed while it waits: the delivery arrived, but the worker never learned it.
    receiver.hold.clear()
    worker = deliverer(app, tmp_path, "--poll", "0.2", COURSEKIT_WEBHOOK_TIMEOUT=2)
    try:
        assert receiver.held.wait(60), worker.stdout.read1().decode() if worker.stdout else ""
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
    receiver.hold.set()
    assert len(receiver.processed) == 1
    assert delivery_states(app) == Counter({DeliveryState.PENDING: expected})

    restarted = deliverer(app, tmp_path, "--poll", "0.2", COURSEKIT_WEBHOOK_TIMEOUT=2)
    try:
        # Waits for the work to finish (bounded, so a defect fails instead of hanging):
        # the claimed delivery waits for its lease (3 timeouts) to run out.
        deadline = time.monotonic() + 60
        while delivery_states(app) != Counter({DeliveryState.DELIVERED: expected}):
            assert time.monotonic() < deadline, delivery_states(app)
            assert restarted.poll() is None, restarted.stdout.read().decode()
            time.sleep(0.2)
    finally:
        restarted.kill()
        restarted.wait(10)

    counts = receiver.counts()
    first = receiver.arrivals[0].event_id
    assert counts.pop(first) == 2, "the delivery in flight was sent again"
    assert set(counts.values()) == {1}, "every other event was sent once"
    assert len(receiver.processed) == expected, "and the receiver acted on each once"
    assert {event.uuid for event in events(app)} == set(receiver.processed)
    assert len(events(app)) == expected


def test_two_deliverers_at_once_send_each_delivery_once(make_app, tmp_path, receiver):
    app = webhook_app(make_app, tmp_path)
    receiver.secrets.append(register(app, receiver.url))
    with app.app_context():
        for number in range(30):
            record_event("certificate.issued", lambda n=number: {"n": n}, now=utcnow())
        db.session.commit()
    workers = [deliverer(app, tmp_path, "--once") for _ in range(2)]
    outputs = []
    for worker in workers:
        try:
            outputs.append(worker.communicate(timeout=120)[0].decode())
        finally:
            worker.kill()
    assert all(worker.returncode == 0 for worker in workers), outputs
    assert set(receiver.counts().values()) == {1} and len(receiver.processed) == 30
    assert delivery_states(app) == Counter({DeliveryState.DELIVERED: 30})
    sent = sorted(int(output.split()[0]) for output in outputs)
    assert sum(sent) == 30, outputs


def _enrol_one(app, *, commit: bool = True) -> None:
    """A learner enrols through the operation; ``commit=False`` rolls the change back
    after checking that its delivery was queued in the same transaction."""
    make_user(app, "quinn@example.org")
    with app.app_context():
        enrol(
            user_by_email("quinn@example.org"),
            current_versions()["calf"],
            attestation_accepted=True,
            attestation_text="I attest.",
            attestation_version="1",
        )
        if commit:
            db.session.commit()
            return
        assert len(db.session.scalars(select(WebhookDelivery)).all()) == 1
        db.session.rollback()
