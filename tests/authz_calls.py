"""How the authorization matrix calls each endpoint: the address's arguments (the real
ids of learner A's records in module M) and, for a POST, the form it sends.

GET pages take their arguments from ``tests/page_catalogue.py`` (the same records the
query budgets visit); the POSTs are below. A POST's form is one its rightful user could
send, so an allowed role's request does what the endpoint is for; the matrix then shows
the others cannot. Every form also carries fields nobody should be able to set this way
(``MASS_ASSIGNMENT``): the endpoints must ignore them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from coursekit.assessment.attempts.forms import CONFIRMED
from tests.authz_records import MODULE, OTHER_MODULE, World
from tests.helpers import PASSWORD
from tests.page_catalogue import DOWNLOADS, PAGES, UNMEASURED
from tests.sample_records import CALF, SHIN

Values = Callable[[World], dict[str, Any]]
PUBLISHED = {"module_id": MODULE, "version": "1.0.0"}
# Fields a form might be tricked into copying onto a record.
MASS_ASSIGNMENT = {
    "role": "admin",
    "roles": "admin",
    "is_admin": "1",
    "status": "disabled",
    "email": "taken-over@example.org",
}


def mass_assignment(world: World) -> dict[str, Any]:
    """``MASS_ASSIGNMENT`` and ids of learner B's records, sent with every form."""
    return {
        **MASS_ASSIGNMENT,
        "user_id": str(world.other_learner_id),
        "enrolment_id": str(world.other_enrolment_id),
    }


def none(_: World) -> dict[str, Any]:
    return {}


class Call(NamedTuple):
    """One request: its method, the address's arguments and the form sent with a POST."""

    method: str
    arguments: Values = none
    form: Values = none


# The endpoints ``page_catalogue`` does not measure: a stylesheet, a key nobody has.
UNMEASURED_ARGUMENTS = {
    "coursekit.static": {"filename": "coursekit/coursekit.css"},
    "coursekit.badges.key": {"thumbprint": "0" * 43},
    "coursekit.api.unmatched": {"unmatched": "no-such-thing"},
}
assert set(UNMEASURED_ARGUMENTS) == set(UNMEASURED)


def _page_arguments(endpoint: str) -> Values:
    """The arguments ``page_catalogue`` opens ``endpoint`` with (its first variant)."""
    for catalogue in (PAGES, DOWNLOADS):
        if endpoint in catalogue:
            visit = next(iter(catalogue[endpoint].values()))
            return lambda world: visit.arguments(world.samples)
    return lambda _: UNMEASURED_ARGUMENTS[endpoint]


def get(endpoint: str) -> Call:
    return Call("GET", _page_arguments(endpoint))


def _module(module_id: str = MODULE, **more: str) -> Values:
    return lambda _: {"module_id": module_id, **more}


def _attempt(number: int | None = None) -> Values:
    def arguments(world: World) -> dict[str, Any]:
        found = {"attempt_id": world.samples.open_attempt}
        return {**found, "number": number} if number else found

    return arguments


def _upload(world: World) -> dict[str, Any]:
    return {"upload_id": world.samples.upload_id}


def _learner(world: World, **more: Any) -> dict[str, Any]:
    return {"user_id": world.samples.learner_id, **more}


def _reason(_: World) -> dict[str, Any]:
    return {"reason": "Checked with the provider's records."}


def _token_form(_: World) -> dict[str, Any]:
    # Read and write: every role may give both (admin needs an instructor or admin).
    return {"name": "Matrix", "scope_read": "y", "scope_write": "y", "expires_days": "30"}


def _webhook(world: World) -> dict[str, Any]:
    return {"endpoint_id": world.samples.webhook_endpoint}


LESSON: Values = lambda w: {"module_id": MODULE, "slug": w.samples.lesson}  # noqa: E731
VALID: Values = lambda w: {"number": w.samples.valid_number}  # noqa: E731

# POSTs, in the order each role's sweep sends them: the ones that end something (retire,
# revoke, disable, sign out) last, so the requests before them meet the records intact.
POSTS: dict[str, Call] = {
    "coursekit.auth.register": Call(
        "POST",
        form=lambda _: {
            "first_name": "Nova",
            "last_name": "Newcomer",
            "email": "nova@example.org",
            "password": PASSWORD,
        },
    ),
    "coursekit.auth.login": Call(
        "POST", form=lambda _: {"email": "x@example.org", "password": "x"}
    ),
    "coursekit.auth.forgot_password": Call("POST", form=lambda _: {"email": "x@example.org"}),
    "coursekit.auth.reset_password": Call(
        "POST", lambda _: {"token": "not-a-token"}, lambda _: {"new_password": PASSWORD}
    ),
    "coursekit.auth.change_password": Call(
        "POST", form=lambda _: {"current_password": "wrong", "new_password": PASSWORD + "!"}
    ),
    "coursekit.account.profile": Call(
        "POST",
        # Every role renames itself; the matrix reads pages for leaked surnames before.
        form=lambda _: {"first_name": "Same", "last_name": "Name", "nccaom_id": ""},
    ),
    "coursekit.account.add_licence": Call("POST", form=lambda _: {"state": "NY", "number": "N1"}),
    "coursekit.catalog.enrol": Call("POST", _module(OTHER_MODULE), lambda _: {"accept": "y"}),
    "coursekit.lessons.heartbeat": Call("POST", LESSON),
    "coursekit.lessons.complete": Call("POST", LESSON),
    "coursekit.worksheets.submit": Call("POST", _module()),
    "coursekit.worksheets.review": Call(
        "POST",
        lambda w: {"submission_id": w.samples.submission_id},
        lambda _: {"comment": "Reviewed again."},
    ),
    "coursekit.attempts.start": Call("POST", _module()),
    "coursekit.attempts.save": Call("POST", _attempt(1), lambda _: {"action": "next"}),
    "coursekit.evaluations.evaluate": Call("POST", _module(CALF)),
    "coursekit.preview.check": Call("POST", lambda _: PUBLISHED),
    "coursekit.staged_preview.check": Call("POST", _upload),
    "coursekit.authoring.upload": Call("POST"),
    "coursekit.authoring.submit": Call("POST", _upload),
    "coursekit.upload_admin.approve": Call("POST", _upload),
    "coursekit.authoring.publish": Call("POST", _upload, _reason),
    "coursekit.authoring.withdraw": Call("POST", _upload, _reason),
    "coursekit.upload_admin.reject": Call("POST", _upload, _reason),
    "coursekit.provider.settings": Call("POST"),
    "coursekit.attestation.settings": Call("POST"),
    "coursekit.rosters.export": Call("POST", form=lambda _: {"board": "NCCAOM", "module": CALF}),
    "coursekit.rosters.audit_packet": Call("POST"),
    "coursekit.certificate_admin.approve": Call("POST"),
    "coursekit.certificate_admin.issue_all": Call("POST"),
    "coursekit.certificate_admin.reissue": Call("POST", VALID, _reason),
    "coursekit.user_admin.name": Call(
        "POST",
        _learner,
        lambda w: {"first_name": "Mei", "last_name": "Lindqvist", **_reason(w)},
    ),
    "coursekit.user_admin.roles": Call(
        "POST", _learner, lambda w: {"instructor": "y", **_reason(w)}
    ),
    "coursekit.user_admin.extra_time": Call(
        "POST", lambda w: _learner(w, module_id=MODULE), lambda _: {"minutes": "30", "reason": "x"}
    ),
    "coursekit.user_admin.reissue": Call(
        "POST", lambda w: _learner(w, number=w.samples.valid_number), _reason
    ),
    "coursekit.admin_modules.assign": Call(
        "POST", _module(OTHER_MODULE), lambda w: {"instructor": str(w.instructor_id)}
    ),
    "coursekit.admin_modules.unassign": Call(
        "POST", _module(OTHER_MODULE), lambda w: {"instructor": str(w.other_instructor_id)}
    ),
    "coursekit.admin_modules.reload": Call("POST", form=_reason),
    "coursekit.tokens.create_personal": Call("POST", form=_token_form),
    "coursekit.tokens.create_integration": Call("POST", form=_token_form),
    "coursekit.webhooks.register": Call(
        "POST",
        form=lambda _: {
            "url": "https://crm.example.org/coursekit/matrix",
            "events": "certificate.issued",
            "description": "Matrix",
        },
    ),
    "coursekit.webhooks.rotate": Call("POST", _webhook),
    "coursekit.webhooks.redeliver": Call(
        "POST", lambda w: {"delivery_id": w.samples.webhook_delivery}
    ),
    "coursekit.webhooks.disable": Call("POST", _webhook),
    "coursekit.webhooks.enable": Call("POST", _webhook),
    "coursekit.tokens.revoke_personal": Call("POST", lambda w: {"token_id": w.personal_token_id}),
    "coursekit.tokens.revoke_integration": Call(
        "POST", lambda w: {"token_id": w.integration_token_id}
    ),
    "coursekit.account.remove_licence": Call("POST", lambda w: {"licence_id": w.licence_id}),
    "coursekit.attempts.submit": Call("POST", _attempt(), lambda _: {"confirm": CONFIRMED}),
    "coursekit.certificate_admin.revoke": Call("POST", VALID, _reason),
    "coursekit.my_modules.retire": Call("POST", lambda _: PUBLISHED, _reason),
    "coursekit.admin_modules.retire": Call(
        "POST", lambda _: {"module_id": SHIN, "version": "1.0.0"}, _reason
    ),
    "coursekit.user_admin.enable": Call("POST", _learner, _reason),
    "coursekit.user_admin.disable": Call("POST", _learner, _reason),
    "coursekit.auth.logout": Call("POST"),
}
