"""The events webhooks report, and the JSON each carries (``data``).

Payloads are a stable, documented contract (``docs/webhooks.md``): fields may be added,
never renamed or removed without a new event type. They identify records by id and carry
what a receiver acts on; they never carry answers, answer keys, free text a learner or
administrator wrote (revocation reasons included), secrets or verification codes. The
learner is named by id only: a host app knows its own users, and anything more is one
API call away.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from coursekit import db
from coursekit.assessment.attempts.models import Attempt, AttemptGrade
from coursekit.catalog.models import Enrolment
from coursekit.certificates.models import Certificate
from coursekit.lessons.models import LessonEvent
from coursekit.packages.models import ModuleVersion
from coursekit.progress.models import Completion

ENROLLED = "module.enrolled"
LESSON_COMPLETED = "lesson.completed"
ATTEMPT_SUBMITTED = "attempt.submitted"
MODULE_COMPLETED = "module.completed"
CERTIFICATE_ISSUED = "certificate.issued"
CERTIFICATE_REVOKED = "certificate.revoked"
CERTIFICATE_REISSUED = "certificate.reissued"

EVENT_TYPES: dict[str, str] = {
    ENROLLED: "A learner enrolled in a module",
    LESSON_COMPLETED: "A learner completed a lesson",
    ATTEMPT_SUBMITTED: "A post-test attempt was submitted and graded",
    MODULE_COMPLETED: "A learner completed a module",
    CERTIFICATE_ISSUED: "A certificate was issued",
    CERTIFICATE_REVOKED: "A certificate was revoked",
    CERTIFICATE_REISSUED: "A replacement certificate was issued",
}
"""Every event type, with the label the administrator chooses it by."""


def envelope(*, event_id: str, event_type: str, created_at: datetime, data: Any) -> dict:
    """The JSON body of a delivery."""
    return {"id": event_id, "type": event_type, "created_at": _time(created_at), "data": data}


def enrolled_data(enrolment: Enrolment) -> dict[str, Any]:
    return {"enrolment": _enrolment(enrolment)}


def lesson_completed_data(enrolment: Enrolment, event: LessonEvent) -> dict[str, Any]:
    return {
        "enrolment": _enrolment(enrolment),
        "lesson": {"slug": event.lesson, "completed_at": _time(event.at)},
    }


def attempt_submitted_data(attempt: Attempt, grade: AttemptGrade) -> dict[str, Any]:
    return {
        "enrolment": _enrolment(attempt.enrolment),
        "attempt": {
            "id": attempt.id,
            "number": attempt.number,
            "started_at": _time(attempt.started_at),
            "closed_at": _time(attempt.closed_at),
            "close_reason": attempt.close_reason,
        },
        "grade": {
            "earned": grade.earned,
            "possible": grade.possible,
            "percent": grade.percent,
            "passed": grade.passed,
        },
    }


def module_completed_data(completion: Completion) -> dict[str, Any]:
    # ``get`` answers from the session's identity map: the completing request has
    # loaded the version already.
    version = db.session.get(ModuleVersion, completion.module_version_id)
    return {
        "completion": {
            "id": completion.id,
            "learner_id": completion.user_id,
            "module_id": version.module_id if version else None,
            "module_version": version.version if version else None,
            "completed_at": _time(completion.completed_at),
        }
    }


def certificate_data(certificate: Certificate, replaces: Certificate | None) -> dict[str, Any]:
    module = certificate.fields.get("module", {})
    return {
        "certificate": {
            "id": certificate.id,
            "number": certificate.number,
            "status": certificate.status,
            "learner_id": certificate.user_id,
            "completion_id": certificate.completion_id,
            "module_id": module.get("id"),
            "module_version": module.get("version"),
            "issued_at": _time(certificate.issued_at),
            "revoked_at": _time(certificate.revoked_at),
        },
        "replaces": None if replaces is None else {"id": replaces.id, "number": replaces.number},
    }


def _enrolment(enrolment: Enrolment) -> dict[str, Any]:
    return {
        "id": enrolment.id,
        "learner_id": enrolment.user_id,
        "module_id": enrolment.module_version.module_id,
        "module_version": enrolment.module_version.version,
        "enrolled_at": _time(enrolment.enrolled_at),
    }


def _time(moment: datetime | None) -> str | None:
    """UTC, ISO 8601 to the second or better: ``2026-11-21T03:03:04.120000+00:00``."""
    return None if moment is None else moment.isoformat()
