"""What each of the six roles gets from each JSON API endpoint (``/api/v1``), called with
learner A's records as the role's browser session (``tests/authz_api_calls.py``).

The API's rule (docs/api.md): a signed-out caller gets 401 in the error envelope, never
a redirect to the sign-in page; a role the endpoint's policy refuses gets 403; a record
that is someone else's answers 404, never 403, so ids reveal nothing (administrators
included: the learner API only ever shows its caller's own records). Every refusal is
the envelope; the matrix checks that too.
"""

from __future__ import annotations

from tests.authz_outcomes import everyone, outcomes
from tests.authz_records import OWNER

UNAUTHORIZED = 401


def api(refused: int = 403, **allowed: int) -> dict:
    """Every role's outcome: 401 signed out, ``refused`` for the signed-in roles not in
    ``allowed``."""
    return outcomes(anonymous=UNAUTHORIZED, refused=refused, **allowed)  # type: ignore[arg-type]


def signed_in(status: int) -> dict:
    """The caller's own records, whoever is signed in."""
    return api(refused=status)


def own(status: int = 200, **others: int) -> dict:
    """A's own records: anyone else is told they do not exist."""
    return api(refused=404, **{OWNER: status, **others})


MODULE_STAFF = api(instructor=200, other_instructor=403, admin=200)
"""Module M's records: its instructor and administrators; J (assigned elsewhere) 403."""
STAFF_OF_M_INVALID = api(instructor=422, other_instructor=403, admin=422)
UPLOAD_AUTHORS_INVALID = api(instructor=422, other_instructor=404, admin=422)


GETS: dict[str, dict] = {
    "coursekit.api.openapi": everyone(200),
    "coursekit.api.docs": everyone(200),
    "coursekit.api.catalogue": everyone(200),
    "coursekit.api.module": everyone(200),
    "coursekit.api.verification": everyone(200),
    "coursekit.api.unmatched": everyone(404),
    "coursekit.api.me": signed_in(200),
    "coursekit.api.enrolments": signed_in(200),
    "coursekit.api.transcript": signed_in(200),
    "coursekit.api.certificates": signed_in(200),
    # B is enrolled in M too and reads his own progress; staff are not enrolled.
    "coursekit.api.enrolment": own(other_learner=200),
    "coursekit.api.evaluation_form": own(),
    "coursekit.api.attempt": own(),
    "coursekit.api.question": own(),
    "coursekit.api.check_attempt": own(),
    "coursekit.api.review": own(),
    # The webhook API is the console's Webhooks section: administrators only.
    "coursekit.api.webhooks": api(admin=200),
    "coursekit.api.webhook": api(admin=200),
    "coursekit.api.webhook_delivery": api(admin=200),
    # --- staff API (issue 12 part 1b): the pages' rule, in the API's statuses ---
    "coursekit.api.module_report": MODULE_STAFF,
    "coursekit.api.module_learners": MODULE_STAFF,
    "coursekit.api.learner_record": MODULE_STAFF,
    "coursekit.api.question_statistics": MODULE_STAFF,
    "coursekit.api.evaluation_results": MODULE_STAFF,
    "coursekit.api.worksheet_submission": MODULE_STAFF,
    "coursekit.api.worksheet_queue": api(instructor=200, other_instructor=200, admin=200),
    "coursekit.api.uploads": api(instructor=200, other_instructor=200, admin=200),
    "coursekit.api.upload_detail": api(instructor=200, other_instructor=404, admin=200),
    **{
        f"coursekit.api.{name}": api(admin=200)
        for name in (
            "admin_users",
            "admin_user",
            "admin_certificates",
            "admin_certificate",
            "waiting_completions",
            "audit_log",
            "admin_modules",
            "waiting_uploads",
            "attestation",
            "roster_export",
            "provider",
        )
    },
    "coursekit.api.provider_image": api(admin=404),  # the sample records have no logo
    # --- end of the staff API ---
}

WRITES: dict[str, dict] = {
    # Each signed-in role changes its own profile and licences, nobody else's.
    "coursekit.api.update_me": signed_in(200),
    "coursekit.api.add_licence": signed_in(201),
    "coursekit.api.remove_licence": own(),
    "coursekit.api.enrol": signed_in(422),  # M2 needs M completed first
    "coursekit.api.complete_lesson": own(other_learner=200),
    "coursekit.api.heartbeat": own(other_learner=200),
    # A's worksheet was reviewed (closed); B's empty answers are incomplete.
    "coursekit.api.submit_worksheet": own(409, other_learner=422),
    "coursekit.api.submit_evaluation": own(422),
    "coursekit.api.start_attempt": own(201, other_learner=409),
    "coursekit.api.save_answers": own(),
    "coursekit.api.submit_attempt": own(422),  # A sends confirm: false
    "coursekit.api.register_webhook": api(admin=201),
    "coursekit.api.rotate_webhook_secret": api(admin=200),
    # The sample delivery waits for its retry: not yet one to send again (as on the page).
    "coursekit.api.redeliver_webhook_delivery": api(admin=409),
    "coursekit.api.disable_webhook": api(admin=200),
    "coursekit.api.enable_webhook": api(admin=200),
    "coursekit.api.unmatched": everyone(404),
    # --- staff API (issue 12 part 1b). The refused roles send a complete body and are
    # turned away; the allowed ones send an invalid one (422), so the pages' sweep after
    # this one still meets every record as it was (see authz_api_calls.py). ---
    "coursekit.api.review_submission": STAFF_OF_M_INVALID,
    "coursekit.api.retire_taught": STAFF_OF_M_INVALID,
    "coursekit.api.upload_module": api(instructor=422, other_instructor=422, admin=422),
    "coursekit.api.publish_upload": UPLOAD_AUTHORS_INVALID,
    "coursekit.api.withdraw_upload": UPLOAD_AUTHORS_INVALID,
    # No body to make invalid: sent for an upload that does not exist.
    "coursekit.api.submit_upload": api(instructor=404, other_instructor=404, admin=404),
    "coursekit.api.reload_modules": api(admin=200),  # nothing new to publish
    "coursekit.api.replace_provider_image": api(admin=415),
    "coursekit.api.remove_provider_image": api(admin=200),
    **{
        f"coursekit.api.{name}": api(admin=422)
        for name in (
            "approve_upload",
            "reject_upload",
            "assign_instructor",
            "unassign_instructor",
            "retire_version",
            "save_attestation_revision",
            "approve_completions",
            "issue_all_completions",
            "revoke_certificate",
            "reissue_certificate",
            "export_roster",
            "audit_packet",
            "change_provider",
            "disable_user",
            "enable_user",
            "grant_time",
            "correct_name",
            "change_roles",
        )
    },
    # --- end of the staff API ---
}
