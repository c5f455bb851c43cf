"""Every page action (an endpoint that answers POST) and its API twin, or why it has none.

``test_api_parity.py`` fails for a page action missing here, and for a twin that is no
API endpoint.
"""

from __future__ import annotations

from typing import NamedTuple


class Twin(NamedTuple):
    """The API endpoint that does what the page action does, or the reason for none."""

    api: str | None
    why_none: str = ""


PREVIEW_CHECK = Twin(
    None,
    "the preview's check shows an author how their question grades, as the learner's "
    "page would; it keeps nothing, and the API's attempt endpoints grade for real",
)
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
    # Instructors: the staff API (issue 12, part 1b).
    "coursekit.worksheets.review": Twin("coursekit.api.review_submission"),
    "coursekit.preview.check": PREVIEW_CHECK,
    "coursekit.staged_preview.check": PREVIEW_CHECK,
    "coursekit.my_modules.retire": Twin("coursekit.api.retire_taught"),
    "coursekit.authoring.upload": Twin("coursekit.api.upload_module"),
    "coursekit.authoring.publish": Twin("coursekit.api.publish_upload"),
    "coursekit.authoring.submit": Twin("coursekit.api.submit_upload"),
    "coursekit.authoring.withdraw": Twin("coursekit.api.withdraw_upload"),
    # Administrators.
    "coursekit.upload_admin.approve": Twin("coursekit.api.approve_upload"),
    "coursekit.upload_admin.reject": Twin("coursekit.api.reject_upload"),
    "coursekit.admin_modules.assign": Twin("coursekit.api.assign_instructor"),
    "coursekit.admin_modules.unassign": Twin("coursekit.api.unassign_instructor"),
    "coursekit.admin_modules.reload": Twin("coursekit.api.reload_modules"),
    "coursekit.admin_modules.retire": Twin("coursekit.api.retire_version"),
    "coursekit.attestation.settings": Twin("coursekit.api.save_attestation_revision"),
    # The page saves the values and the images in one form; the API changes the values
    # (change_provider) and each image (replace_ and remove_provider_image) apart.
    "coursekit.provider.settings": Twin("coursekit.api.change_provider"),
    "coursekit.certificate_admin.approve": Twin("coursekit.api.approve_completions"),
    "coursekit.certificate_admin.issue_all": Twin("coursekit.api.issue_all_completions"),
    "coursekit.certificate_admin.reissue": Twin("coursekit.api.reissue_certificate"),
    "coursekit.certificate_admin.revoke": Twin("coursekit.api.revoke_certificate"),
    "coursekit.rosters.export": Twin("coursekit.api.export_roster"),
    "coursekit.rosters.audit_packet": Twin("coursekit.api.audit_packet"),
    "coursekit.user_admin.disable": Twin("coursekit.api.disable_user"),
    "coursekit.user_admin.enable": Twin("coursekit.api.enable_user"),
    "coursekit.user_admin.extra_time": Twin("coursekit.api.grant_time"),
    "coursekit.user_admin.name": Twin("coursekit.api.correct_name"),
    # The record page's reissue is the certificate rules' reissue, by number.
    "coursekit.user_admin.reissue": Twin("coursekit.api.reissue_certificate"),
    "coursekit.user_admin.roles": Twin("coursekit.api.change_roles"),
    # Staff API: webhooks (issue 12).
    "coursekit.webhooks.register": Twin("coursekit.api.register_webhook"),
    "coursekit.webhooks.rotate": Twin("coursekit.api.rotate_webhook_secret"),
    "coursekit.webhooks.disable": Twin("coursekit.api.disable_webhook"),
    "coursekit.webhooks.enable": Twin("coursekit.api.enable_webhook"),
    "coursekit.webhooks.redeliver": Twin("coursekit.api.redeliver_webhook_delivery"),
}
