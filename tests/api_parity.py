"""Every page action (an endpoint that answers POST) and its API twin, or why it has none.

``test_api_parity.py`` fails for a page action missing here, and for a twin that is no
API endpoint. The instructor and administrator twins come with the staff API (issue 12,
part 2): until then they say so.
"""

from __future__ import annotations

from typing import NamedTuple


class Twin(NamedTuple):
    """The API endpoint that does what the page action does, or the reason for none."""

    api: str | None
    why_none: str = ""


STAFF_TODO = Twin(None, "TODO staff API")
TOKEN_PAGES = Twin(
    None,
    "token management stays on pages a person signs in to: a token that could mint "
    "tokens would outlive its own revocation",
)
CREDENTIALS = Twin(None, "the API authenticates by token or session; credentials stay on the pages")

PARITY: dict[str, Twin] = {
    # Signing in and out, registering and passwords: the API has no credentials of its own.
    "coursekit.auth.login": CREDENTIALS,
    "coursekit.auth.logout": CREDENTIALS,
    "coursekit.auth.register": CREDENTIALS,
    "coursekit.auth.forgot_password": CREDENTIALS,
    "coursekit.auth.reset_password": CREDENTIALS,
    "coursekit.auth.change_password": CREDENTIALS,
    "coursekit.tokens.create_personal": TOKEN_PAGES,
    "coursekit.tokens.revoke_personal": TOKEN_PAGES,
    "coursekit.tokens.create_integration": TOKEN_PAGES,
    "coursekit.tokens.revoke_integration": TOKEN_PAGES,
    # The learner's actions.
    "coursekit.account.profile": Twin("coursekit.api.update_me"),
    "coursekit.account.add_licence": Twin("coursekit.api.add_licence"),
    "coursekit.account.remove_licence": Twin("coursekit.api.remove_licence"),
    "coursekit.catalog.enrol": Twin("coursekit.api.enrol"),
    "coursekit.lessons.complete": Twin("coursekit.api.complete_lesson"),
    "coursekit.lessons.heartbeat": Twin("coursekit.api.heartbeat"),
    "coursekit.attempts.start": Twin("coursekit.api.start_attempt"),
    "coursekit.attempts.save": Twin("coursekit.api.save_answers"),
    "coursekit.attempts.submit": Twin("coursekit.api.submit_attempt"),
    "coursekit.worksheets.submit": Twin("coursekit.api.submit_worksheet"),
    "coursekit.evaluations.evaluate": Twin("coursekit.api.submit_evaluation"),
    # Instructors and administrators: the staff API (part 2).
    "coursekit.worksheets.review": STAFF_TODO,
    "coursekit.preview.check": STAFF_TODO,
    "coursekit.staged_preview.check": STAFF_TODO,
    "coursekit.my_modules.retire": STAFF_TODO,
    "coursekit.authoring.upload": STAFF_TODO,
    "coursekit.authoring.publish": STAFF_TODO,
    "coursekit.authoring.submit": STAFF_TODO,
    "coursekit.authoring.withdraw": STAFF_TODO,
    "coursekit.upload_admin.approve": STAFF_TODO,
    "coursekit.upload_admin.reject": STAFF_TODO,
    "coursekit.admin_modules.assign": STAFF_TODO,
    "coursekit.admin_modules.unassign": STAFF_TODO,
    "coursekit.admin_modules.reload": STAFF_TODO,
    "coursekit.admin_modules.retire": STAFF_TODO,
    "coursekit.attestation.settings": STAFF_TODO,
    "coursekit.provider.settings": STAFF_TODO,
    "coursekit.certificate_admin.approve": STAFF_TODO,
    "coursekit.certificate_admin.issue_all": STAFF_TODO,
    "coursekit.certificate_admin.reissue": STAFF_TODO,
    "coursekit.certificate_admin.revoke": STAFF_TODO,
    "coursekit.rosters.export": STAFF_TODO,
    "coursekit.rosters.audit_packet": STAFF_TODO,
    "coursekit.user_admin.disable": STAFF_TODO,
    "coursekit.user_admin.enable": STAFF_TODO,
    "coursekit.user_admin.extra_time": STAFF_TODO,
    "coursekit.user_admin.name": STAFF_TODO,
    "coursekit.user_admin.reissue": STAFF_TODO,
    "coursekit.user_admin.roles": STAFF_TODO,
    # Staff API: webhooks (issue 12).
    "coursekit.webhooks.register": Twin("coursekit.api.register_webhook"),
    "coursekit.webhooks.rotate": Twin("coursekit.api.rotate_webhook_secret"),
    "coursekit.webhooks.disable": Twin("coursekit.api.disable_webhook"),
    "coursekit.webhooks.enable": Twin("coursekit.api.enable_webhook"),
    "coursekit.webhooks.redeliver": Twin("coursekit.api.redeliver_webhook_delivery"),
}
