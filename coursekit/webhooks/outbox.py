"""The outbox's listener: every event signal puts one event in the outbox, in the
transaction of the change that sent it.

Connected once, for every app (``connect_outbox``, called when the package is imported
by the extension); the signal's sender is the app whose session holds the change.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from coursekit import signals
from coursekit.db import utcnow
from coursekit.webhooks import events
from coursekit.webhooks.operations import record_event


def _on_enrolled(_app: Flask, *, enrolment: Any, **_: Any) -> None:
    record_event(events.ENROLLED, lambda: events.enrolled_data(enrolment), now=utcnow())


def _on_lesson_completed(_app: Flask, *, enrolment: Any, event: Any, **_: Any) -> None:
    record_event(
        events.LESSON_COMPLETED,
        lambda: events.lesson_completed_data(enrolment, event),
        now=utcnow(),
    )


def _on_attempt_submitted(_app: Flask, *, attempt: Any, grade: Any, **_: Any) -> None:
    record_event(
        events.ATTEMPT_SUBMITTED,
        lambda: events.attempt_submitted_data(attempt, grade),
        now=utcnow(),
    )


def _on_module_completed(_app: Flask, *, completion: Any, **_: Any) -> None:
    record_event(
        events.MODULE_COMPLETED, lambda: events.module_completed_data(completion), now=utcnow()
    )


def _certificate_listener(event_type: str) -> Any:
    def listener(_app: Flask, *, certificate: Any, replaces: Any = None, **_: Any) -> None:
        record_event(
            event_type, lambda: events.certificate_data(certificate, replaces), now=utcnow()
        )

    return listener


LISTENERS = (
    (signals.enrolled, _on_enrolled),
    (signals.lesson_completed, _on_lesson_completed),
    (signals.attempt_submitted, _on_attempt_submitted),
    (signals.module_completed, _on_module_completed),
    (signals.certificate_issued, _certificate_listener(events.CERTIFICATE_ISSUED)),
    (signals.certificate_revoked, _certificate_listener(events.CERTIFICATE_REVOKED)),
    (signals.certificate_reissued, _certificate_listener(events.CERTIFICATE_REISSUED)),
)


def connect_outbox(app: Flask) -> None:
    """Have ``app``'s event signals fill its webhook outbox."""
    for signal, listener in LISTENERS:
        signal.connect(listener, sender=app, weak=False)
