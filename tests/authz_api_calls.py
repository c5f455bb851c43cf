"""How the authorization matrix calls each JSON API endpoint (``/api/v1``) with learner
A's real ids, as the browser session of each role.

GETs take their arguments from ``tests/page_catalogue.py``, as the pages do
(``authz_calls.get``). The writes are below: the method, the address's arguments and
the JSON body a rightful caller would send, so an allowed role's request does what the
endpoint is for and the matrix shows the others cannot. Where doing it would end a
record the pages' sweep still needs afterwards (A's open attempt), the allowed roles
send ``allowed_body`` instead, the incomplete body the API documents an answer for,
while the refused roles send the complete one.

Every input schema refuses unknown fields, so the mass-assignment fields
(``authz_calls.MASS_ASSIGNMENT`` and learner B's ids) are sent apart: each allowed role
sends them on top of a valid body to every write that reads one and must get 422 naming
each of them, with nothing changed.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import StateLicence
from coursekit.attestation.queries import current_attestation
from tests.authz_calls import Values, mass_assignment, none
from tests.authz_records import MODULE, OTHER_MODULE, World
from tests.sample_records import CALF

Body = Values
NEW_LICENCE = {"state": "WA", "number": "WA-1"}


class ApiCall(NamedTuple):
    """One API write: its method, the address's arguments, the JSON body, and the body
    the allowed roles send when it differs (see the module docstring)."""

    method: str
    arguments: Values = none
    body: Body = none
    allowed_body: Body | None = None


def api_mass_assignment(world: World) -> dict[str, Any]:
    """Fields no API body has: each must be refused by name, never copied."""
    return {**mass_assignment(world), "id": world.samples.learner_id}


def _module(module_id: str = MODULE) -> Values:
    return lambda _: {"module_id": module_id}


def _lesson(world: World) -> dict[str, Any]:
    return {"module_id": MODULE, "slug": world.samples.lesson}


def _open_attempt(world: World) -> dict[str, Any]:
    return {"attempt_id": world.samples.open_attempt}


def _newest_licence(world: World) -> dict[str, Any]:
    """A's licence the API added a moment before (``add_licence`` runs first), so the
    pages' sweep still meets A's first licence."""
    with world.app.app_context():
        newest = db.session.scalar(
            select(StateLicence.id)
            .where(StateLicence.user_id == world.samples.learner_id)
            .order_by(StateLicence.id.desc())
            .limit(1)
        )
    return {"licence_id": newest}


def _enrolment(world: World) -> dict[str, Any]:
    with world.app.app_context():
        shown = current_attestation().version
    return {"accept_attestation": True, "attestation_version": shown}


def _version(_: World) -> dict[str, Any]:
    return {"module_id": MODULE, "version": "1.0.0"}


def _upload(world: World) -> dict[str, Any]:
    return {"upload_id": world.samples.upload_id}


def _certificate(world: World) -> dict[str, Any]:
    return {"number": world.samples.valid_number}


def _learner(world: World) -> dict[str, Any]:
    return {"user_id": world.samples.learner_id}


def _instructor(world: World) -> dict[str, Any]:
    return {"instructor_id": world.samples.learner_id}


def _reason(_: World) -> dict[str, Any]:
    return {"reason": "Matrix"}


def _blank_reason(_: World) -> dict[str, Any]:
    return {"reason": " "}


def _webhook(world: World) -> dict[str, Any]:
    return {"endpoint_id": world.samples.webhook_endpoint}


# In the order each role's sweep sends them: adding a licence before removing it.
WRITES: dict[str, ApiCall] = {
    "coursekit.api.update_me": ApiCall(
        "PUT", body=lambda _: {"first_name": "Same", "last_name": "Name", "nccaom_id": None}
    ),
    "coursekit.api.add_licence": ApiCall("POST", body=lambda _: NEW_LICENCE),
    "coursekit.api.remove_licence": ApiCall("DELETE", _newest_licence),
    "coursekit.api.enrol": ApiCall("POST", _module(OTHER_MODULE), _enrolment),
    "coursekit.api.complete_lesson": ApiCall("POST", _lesson),
    "coursekit.api.heartbeat": ApiCall("POST", _lesson, lambda _: {"restart": True}),
    "coursekit.api.submit_worksheet": ApiCall("POST", _module(), lambda _: {"answers": {}}),
    "coursekit.api.submit_evaluation": ApiCall("POST", _module(CALF), lambda _: {"answers": {}}),
    "coursekit.api.start_attempt": ApiCall("POST", _module()),
    "coursekit.api.save_answers": ApiCall(
        "PUT", lambda w: {**_open_attempt(w), "number": 1}, lambda _: {"response": None}
    ),
    "coursekit.api.submit_attempt": ApiCall(
        "POST",
        _open_attempt,
        lambda _: {"confirm": True},
        allowed_body=lambda _: {"confirm": False},
    ),
    "coursekit.api.register_webhook": ApiCall(
        "POST",
        body=lambda _: {
            "url": "https://crm.example.org/coursekit/api-matrix",
            "events": ["certificate.issued"],
            "description": "Matrix",
        },
    ),
    "coursekit.api.rotate_webhook_secret": ApiCall("POST", _webhook),
    "coursekit.api.redeliver_webhook_delivery": ApiCall(
        "POST", lambda w: {"delivery_id": w.samples.webhook_delivery}
    ),
    "coursekit.api.disable_webhook": ApiCall("POST", _webhook),
    "coursekit.api.enable_webhook": ApiCall("POST", _webhook),
    "coursekit.api.unmatched": ApiCall("POST", lambda _: {"unmatched": "no-such-thing"}),
    # --- staff API (issue 12 part 1b): ``allowed_body`` is invalid on purpose (422) ---
    "coursekit.api.review_submission": ApiCall(
        "POST",
        lambda w: {"submission_id": w.samples.submission_id},
        lambda _: {"comment": "Matrix"},
        allowed_body=lambda _: {"comment": 5},
    ),
    "coursekit.api.retire_taught": ApiCall("POST", _version, _reason, allowed_body=_blank_reason),
    "coursekit.api.upload_module": ApiCall("POST"),
    "coursekit.api.publish_upload": ApiCall(
        "POST", _upload, lambda _: {"base_hash": ""}, allowed_body=lambda _: {"base_hash": 5}
    ),
    "coursekit.api.withdraw_upload": ApiCall(
        "POST", _upload, _reason, allowed_body=lambda _: {"reason": 5}
    ),
    "coursekit.api.submit_upload": ApiCall("POST", lambda _: {"upload_id": 999_999}),
    "coursekit.api.approve_upload": ApiCall(
        "POST", _upload, lambda _: {"base_hash": ""}, allowed_body=lambda _: {"base_hash": 5}
    ),
    "coursekit.api.reject_upload": ApiCall("POST", _upload, _reason, allowed_body=_blank_reason),
    "coursekit.api.reload_modules": ApiCall("POST"),
    "coursekit.api.assign_instructor": ApiCall(
        "POST", _module(), _instructor, allowed_body=lambda _: {"instructor_id": "1"}
    ),
    "coursekit.api.unassign_instructor": ApiCall(
        "POST", _module(), _instructor, allowed_body=lambda _: {"instructor_id": "1"}
    ),
    "coursekit.api.retire_version": ApiCall("POST", _version, _reason, allowed_body=_blank_reason),
    "coursekit.api.save_attestation_revision": ApiCall(
        "PUT",
        body=lambda _: {"text": "Matrix wording", "version": "matrix", "reason": "Matrix"},
        allowed_body=lambda _: {"text": 5, "version": "matrix", "reason": "Matrix"},
    ),
    "coursekit.api.approve_completions": ApiCall(
        "POST",
        body=lambda _: {"completion_ids": [1]},
        allowed_body=lambda _: {"completion_ids": []},
    ),
    "coursekit.api.issue_all_completions": ApiCall(
        "POST",
        body=lambda _: {"module_version_id": 1},
        allowed_body=lambda _: {"module_version_id": 0},
    ),
    "coursekit.api.revoke_certificate": ApiCall(
        "POST", _certificate, _reason, allowed_body=_blank_reason
    ),
    "coursekit.api.reissue_certificate": ApiCall(
        "POST", _certificate, _reason, allowed_body=_blank_reason
    ),
    "coursekit.api.export_roster": ApiCall(
        "POST",
        body=lambda _: {"board": "NCCAOM", "module_id": MODULE},
        allowed_body=lambda _: {"board": 5, "module_id": MODULE},
    ),
    "coursekit.api.audit_packet": ApiCall(
        "POST",
        body=lambda _: {"module_id": MODULE, "version": "1.0.0"},
        allowed_body=lambda _: {"module_id": MODULE, "version": 5},
    ),
    "coursekit.api.change_provider": ApiCall(
        "PATCH", body=lambda _: {"name": "Matrix"}, allowed_body=lambda _: {"name": 5}
    ),
    # A JSON body is no image (415 for the administrator).
    "coursekit.api.replace_provider_image": ApiCall("PUT", lambda _: {"image": "logo"}),
    # The sample records have no logo: removing none changes nothing.
    "coursekit.api.remove_provider_image": ApiCall("DELETE", lambda _: {"image": "logo"}),
    "coursekit.api.disable_user": ApiCall("POST", _learner, _reason, allowed_body=_blank_reason),
    "coursekit.api.enable_user": ApiCall("POST", _learner, _reason, allowed_body=_blank_reason),
    "coursekit.api.grant_time": ApiCall(
        "PUT",
        lambda w: {"user_id": w.samples.learner_id, "module_id": MODULE},
        lambda _: {"minutes": 5, "reason": "Matrix"},
        allowed_body=lambda _: {"minutes": "5", "reason": "Matrix"},
    ),
    "coursekit.api.correct_name": ApiCall(
        "PUT",
        _learner,
        lambda _: {"first_name": "Matrix", "last_name": "Name", "reason": "Matrix"},
        allowed_body=lambda _: {"first_name": 5, "last_name": "Name", "reason": "Matrix"},
    ),
    "coursekit.api.change_roles": ApiCall(
        "PUT",
        _learner,
        lambda _: {"instructor": True, "admin": False, "reason": "Matrix"},
        allowed_body=lambda _: {"instructor": "yes", "admin": False, "reason": "Matrix"},
    ),
    # --- end of the staff API ---
}
