"""What each of the six roles gets from each endpoint, called with learner A's records in
module M (``tests/authz_calls.py``). A new endpoint fails the matrix until it is here.

An outcome is a status code, or a path: a redirect (3xx) there. ``LOGIN`` is the sign-in
page, where a signed-out visitor is sent. 403 means the role, or the instructor's
assignment, refuses; 404 means the record is someone else's and the app does not say it
exists (attempts, certificates and their badges, licences, another module's uploads).
Anything else a refused role gets would be a finding.

The POSTs are sent endpoint by endpoint, each role in turn, the refused roles first: a
role allowed to act does so after the others met the record intact. Where two roles may
act, the second meets what the first did (a version already retired, a certificate
already reissued); the outcome says so.
"""

from __future__ import annotations

from tests.authz_records import ADMIN, ANONYMOUS, INSTRUCTOR, OTHER, OTHER_TEACHER, OWNER

Outcome = int | str
LOGIN = "/login"
M = "/modules/trigger-point-foundations"
CALF_PAGE = "/modules/calf-heel-pain"


def outcomes(anonymous: Outcome = LOGIN, refused: int = 403, **allowed: Outcome) -> dict:
    """Every role's outcome: ``allowed`` by role name, ``anonymous`` for a signed-out
    visitor, ``refused`` for every other signed-in role."""
    table = {role: refused for role in (OWNER, OTHER, INSTRUCTOR, OTHER_TEACHER, ADMIN)}
    return {ANONYMOUS: anonymous, **table, **allowed}


def everyone(outcome: Outcome) -> dict:
    return outcomes(anonymous=outcome, refused=outcome)  # type: ignore[arg-type]


def signed_in(outcome: Outcome, **others: Outcome) -> dict:
    return outcomes(refused=outcome, **others)  # type: ignore[arg-type]


def admins(outcome: Outcome = 200) -> dict:
    return outcomes(admin=outcome)


def staff(outcome: Outcome = 200, *, other_module: Outcome = 200) -> dict:
    """Instructors (of M, or ``other_module`` for J, assigned elsewhere) and admins."""
    return outcomes(instructor=outcome, other_instructor=other_module, admin=outcome)


def owner(outcome: Outcome = 200, *, admin: Outcome = 404) -> dict:
    """A's own record: anyone else is told it does not exist (admins may see some)."""
    return outcomes(refused=404, owner=outcome, admin=admin)


GETS: dict[str, dict] = {
    "coursekit.static": everyone(200),
    "coursekit.pages.home": everyone(200),
    "coursekit.catalog.catalogue": everyone(200),
    "coursekit.catalog.module": everyone(200),
    "coursekit.verify.lookup": everyone(200),
    # Public by design: the verification page shows the learner's name to anyone holding
    # the certificate's code (a board checking it), and nothing else.
    "coursekit.verify.certificate": everyone(200),
    "coursekit.verify.certificate_json": everyone(200),
    "coursekit.badges.issuer": everyone(200),
    "coursekit.badges.keys": everyone(200),
    "coursekit.badges.key": everyone(404),  # no key has that thumbprint
    "coursekit.badges.achievement": everyone(200),
    "coursekit.auth.forgot_password": everyone(200),
    "coursekit.auth.reset_password": everyone(200),  # the token is the credential
    "coursekit.auth.login": outcomes(anonymous=200, refused="/"),  # type: ignore[arg-type]
    "coursekit.auth.register": outcomes(anonymous=200, refused="/account"),  # type: ignore[arg-type]
    # Each reads the signed-in person's own records; no id in the address.
    "coursekit.account.profile": signed_in(200),
    "coursekit.auth.change_password": signed_in(200),
    "coursekit.progress.dashboard": signed_in(200),
    "coursekit.certificates.mine": signed_in(200),
    "coursekit.transcript.page": signed_in(200),
    "coursekit.transcript.download_csv": signed_in(200),
    "coursekit.transcript.download_pdf": signed_in(200),
    # Published course content: enrolled learners, and any instructor or admin reading it.
    "coursekit.lessons.lesson": signed_in(200),
    "coursekit.lessons.media": signed_in(200),
    # B's own post-test and worksheet pages in M; staff are not enrolled: to the module.
    "coursekit.attempts.overview": signed_in(M, owner=200, other_learner=200),
    "coursekit.worksheets.worksheet": signed_in(M, owner=200, other_learner=200),
    # A completed calf-heel-pain; nobody else did.
    "coursekit.evaluations.evaluate": signed_in(CALF_PAGE, owner=200),
    "coursekit.attempts.question": owner(),
    "coursekit.attempts.summary": owner(),
    "coursekit.certificates.download_pdf": owner(admin=200),
    "coursekit.badges.download": owner(admin=200),
    "coursekit.badges.readable": owner(admin=200),
    # J's own lists, filtered to M2: the matrix checks they show no learner of M.
    "coursekit.my_modules.index": staff(),
    "coursekit.worksheets.queue": staff(),
    "coursekit.authoring.uploads": staff(),
    # M's records: I and admins; J is refused (403: M's ids are no secret to staff) ...
    "coursekit.worksheets.submission": staff(other_module=403),
    "coursekit.evaluations.results": staff(other_module=403),
    "coursekit.statistics.questions": staff(other_module=403),
    "coursekit.reports.module_report": staff(other_module=403),
    "coursekit.reports.learners": staff(other_module=403),
    "coursekit.reports.learners_csv": staff(other_module=403),
    "coursekit.reports.learner_record": staff(other_module=403),
    "coursekit.reports.events_csv": staff(other_module=403),
    "coursekit.preview.module": staff(other_module=403),
    "coursekit.preview.lesson": staff(other_module=403),
    "coursekit.preview.questions": staff(other_module=403),
    # ... except an upload not yet published, which only its module's staff know of.
    "coursekit.authoring.detail": staff(other_module=404),
    "coursekit.staged_preview.module": staff(other_module=404),
    "coursekit.staged_preview.lesson": staff(other_module=404),
    "coursekit.staged_preview.questions": staff(other_module=404),
    "coursekit.staged_preview.media": staff(other_module=404),
    "coursekit.console.index": admins(),
    "coursekit.admin.users": admins(),
    "coursekit.user_admin.record": admins(),
    "coursekit.admin_modules.index": admins(),
    "coursekit.upload_admin.queue": admins(),
    "coursekit.provider.settings": admins(),
    "coursekit.attestation.settings": admins(),
    "coursekit.certificate_admin.index": admins(),
    "coursekit.certificate_admin.queue": admins(),
    "coursekit.certificate_admin.detail": admins(),
    "coursekit.certificate_admin.archive": admins(),
    "coursekit.rosters.roster": admins(),
    "coursekit.rosters.stored": admins(),
    "coursekit.rosters.audit_packet": admins(),
    "coursekit.audit.log": admins(),
    "coursekit.audit.export": admins(),
    # Each person's own API tokens; the integration tokens and webhooks are the admins'.
    "coursekit.tokens.personal": signed_in(200),
    "coursekit.tokens.integrations": admins(),
    "coursekit.webhooks.index": admins(),
    "coursekit.webhooks.endpoint": admins(),
    "coursekit.webhooks.delivery": admins(),
}

LESSON_2 = f"{M}/lessons/02-evidence-and-its-limits"
UPLOAD = "/teach/uploads/{upload_id}"
OPEN = "/attempts/{open_attempt}"
WEBHOOK = "/admin/webhooks/{webhook_endpoint}"

POSTS: dict[str, dict] = {
    "coursekit.auth.register": outcomes(anonymous="/account", refused="/account"),  # type: ignore[arg-type]
    "coursekit.auth.login": outcomes(anonymous=422, refused="/"),  # type: ignore[arg-type]
    "coursekit.auth.forgot_password": everyone(LOGIN),
    "coursekit.auth.reset_password": everyone(400),  # a token nobody was sent
    "coursekit.auth.change_password": signed_in(422),  # a wrong current password
    # Each signed-in role changes its own profile and licences, nobody else's.
    "coursekit.account.profile": signed_in("/account"),
    "coursekit.account.add_licence": signed_in("/account"),
    # M2 needs M completed first: each role is turned away for itself.
    "coursekit.catalog.enrol": signed_in(422),
    # Learners enrolled in M (A and B) read their own lessons; staff have none to record.
    "coursekit.lessons.heartbeat": signed_in(404, owner=200, other_learner=200),
    "coursekit.lessons.complete": signed_in(403, owner=LESSON_2, other_learner=LESSON_2),
    "coursekit.worksheets.submit": signed_in(M, owner=409, other_learner=422),
    "coursekit.worksheets.review": staff("/teach/worksheets", other_module=403),
    "coursekit.attempts.start": signed_in(M, owner=OPEN + "/1", other_learner=409),
    "coursekit.attempts.save": owner(OPEN + "/2"),
    "coursekit.evaluations.evaluate": signed_in(CALF_PAGE, owner=422),
    "coursekit.preview.check": staff(400, other_module=403),
    "coursekit.staged_preview.check": staff(400, other_module=404),
    "coursekit.authoring.upload": staff(422, other_module=422),  # no file sent
    # I's staged upload of M: I submits it (then it is no draft to submit again); publishing
    # without the page's base_hash is refused as stale (409); I withdraws it.
    "coursekit.authoring.submit": outcomes(
        refused=403, instructor=UPLOAD, other_instructor=404, admin=409
    ),
    "coursekit.upload_admin.approve": admins(409),
    "coursekit.authoring.publish": staff(409, other_module=404),
    "coursekit.authoring.withdraw": outcomes(
        refused=403, instructor=UPLOAD, other_instructor=404, admin=409
    ),
    "coursekit.upload_admin.reject": admins(409),
    "coursekit.provider.settings": admins(422),
    "coursekit.attestation.settings": admins(422),
    "coursekit.rosters.export": admins(200),
    "coursekit.rosters.audit_packet": admins(400),
    "coursekit.certificate_admin.approve": admins("/admin/certificates/queue"),
    "coursekit.certificate_admin.issue_all": admins(400),
    "coursekit.certificate_admin.reissue": admins("/admin/certificates/CK-2026-000003"),
    "coursekit.user_admin.name": admins("/admin/users/{learner_id}"),
    "coursekit.user_admin.roles": admins("/admin/users/{learner_id}"),
    "coursekit.user_admin.extra_time": admins(422),
    "coursekit.user_admin.reissue": admins(409),
    "coursekit.admin_modules.assign": admins("/admin/modules"),
    "coursekit.admin_modules.unassign": admins("/admin/modules"),
    "coursekit.admin_modules.reload": admins("/admin/modules"),
    # A new token or webhook secret is shown once, on the 201 page that answers the form.
    "coursekit.tokens.create_personal": signed_in(201),
    "coursekit.tokens.create_integration": admins(201),
    "coursekit.webhooks.register": admins(201),
    "coursekit.webhooks.rotate": admins(200),
    # The sample delivery failed once and waits for its retry: not yet one to send again.
    "coursekit.webhooks.redeliver": admins(409),
    "coursekit.webhooks.disable": admins(WEBHOOK),
    "coursekit.webhooks.enable": admins(WEBHOOK),
    # A's personal token: only A may revoke it (an admin too is told it does not exist).
    "coursekit.tokens.revoke_personal": owner("/account/tokens"),
    "coursekit.tokens.revoke_integration": admins("/admin/integration-tokens"),
    "coursekit.account.remove_licence": owner("/account"),
    "coursekit.attempts.submit": owner(OPEN),
    "coursekit.certificate_admin.revoke": admins(409),
    "coursekit.my_modules.retire": staff("/teach", other_module=403),
    "coursekit.admin_modules.retire": admins("/admin/modules"),
    "coursekit.user_admin.enable": admins(409),  # A's account is not disabled
    "coursekit.user_admin.disable": admins("/admin/users/{learner_id}"),
    # A's account was just disabled: A's session no longer counts as signed in.
    "coursekit.auth.logout": signed_in("/", owner=LOGIN),
}
