"""The instructor and administrator page actions and their API twins (issue 12, part 1b).

``tests/api_parity.py`` maps every page action; this block is its staff part, kept in a
file of its own so the learner and staff work merge as a union: ``api_parity.PARITY``
takes these entries in place of its "TODO staff API" lines (``**STAFF_PARITY``).
``test_api_parity_staff.py`` holds every entry to an API endpoint that exists, and every
staff page action to an entry.
"""

from __future__ import annotations

from typing import NamedTuple


class StaffTwin(NamedTuple):
    """The API endpoint doing what the page action does, or the reason for none."""

    api: str | None
    why_none: str = ""


PREVIEW_CHECK = StaffTwin(
    None,
    "the preview's check shows an author how their question grades, as the learner's "
    "page would; it keeps nothing, and the API's attempt endpoints grade for real",
)

STAFF_PARITY: dict[str, StaffTwin] = {
    # Instructors.
    "coursekit.worksheets.review": StaffTwin("coursekit.api.review_submission"),
    "coursekit.preview.check": PREVIEW_CHECK,
    "coursekit.staged_preview.check": PREVIEW_CHECK,
    "coursekit.my_modules.retire": StaffTwin("coursekit.api.retire_taught"),
    "coursekit.authoring.upload": StaffTwin("coursekit.api.upload_module"),
    "coursekit.authoring.publish": StaffTwin("coursekit.api.publish_upload"),
    "coursekit.authoring.submit": StaffTwin("coursekit.api.submit_upload"),
    "coursekit.authoring.withdraw": StaffTwin("coursekit.api.withdraw_upload"),
    # Administrators.
    "coursekit.upload_admin.approve": StaffTwin("coursekit.api.approve_upload"),
    "coursekit.upload_admin.reject": StaffTwin("coursekit.api.reject_upload"),
    "coursekit.admin_modules.assign": StaffTwin("coursekit.api.assign_instructor"),
    "coursekit.admin_modules.unassign": StaffTwin("coursekit.api.unassign_instructor"),
    "coursekit.admin_modules.reload": StaffTwin("coursekit.api.reload_modules"),
    "coursekit.admin_modules.retire": StaffTwin("coursekit.api.retire_version"),
    "coursekit.attestation.settings": StaffTwin("coursekit.api.save_attestation_revision"),
    "coursekit.provider.settings": StaffTwin(
        None, "TODO staff API: provider settings (with logo and signature images)"
    ),
    "coursekit.certificate_admin.approve": StaffTwin("coursekit.api.approve_completions"),
    "coursekit.certificate_admin.issue_all": StaffTwin("coursekit.api.issue_all_completions"),
    "coursekit.certificate_admin.reissue": StaffTwin("coursekit.api.reissue_certificate"),
    "coursekit.certificate_admin.revoke": StaffTwin("coursekit.api.revoke_certificate"),
    "coursekit.rosters.export": StaffTwin(None, "TODO staff API: board roster export"),
    "coursekit.rosters.audit_packet": StaffTwin(None, "TODO staff API: audit packet"),
    "coursekit.user_admin.disable": StaffTwin("coursekit.api.disable_user"),
    "coursekit.user_admin.enable": StaffTwin("coursekit.api.enable_user"),
    "coursekit.user_admin.extra_time": StaffTwin("coursekit.api.grant_time"),
    "coursekit.user_admin.name": StaffTwin("coursekit.api.correct_name"),
    # The record page's reissue is the certificate rules' reissue, by number.
    "coursekit.user_admin.reissue": StaffTwin("coursekit.api.reissue_certificate"),
    "coursekit.user_admin.roles": StaffTwin("coursekit.api.change_roles"),
}
