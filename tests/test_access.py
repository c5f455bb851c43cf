"""Deny by default: every endpoint declares a policy, and each role gets what it says."""

from __future__ import annotations

import pytest
from flask import url_for

from coursekit.access import policy_of
from coursekit.accounts.models import Role
from tests.helpers import csrf_token, login, make_user

# Every coursekit endpoint and who may use it. A new endpoint fails the first test until
# it is added here, so its policy is a decision someone wrote down twice.
EXPECTED_POLICIES = {
    "coursekit.static": "public",
    "coursekit.pages.home": "public",
    "coursekit.auth.register": "public",
    "coursekit.auth.login": "public",
    "coursekit.auth.forgot_password": "public",
    "coursekit.auth.reset_password": "public",
    "coursekit.auth.logout": "learner",
    "coursekit.auth.change_password": "learner",
    "coursekit.account.profile": "learner",
    "coursekit.account.add_licence": "learner",
    "coursekit.account.remove_licence": "learner",
    "coursekit.admin.users": "admin",
    "coursekit.console.index": "admin",
    "coursekit.my_modules.index": "instructor",
    # Retiring also needs an assignment to the module (or the admin role): checked in the view.
    "coursekit.my_modules.retire": "instructor",
    "coursekit.user_admin.record": "admin",
    "coursekit.user_admin.roles": "admin",
    "coursekit.user_admin.name": "admin",
    "coursekit.user_admin.disable": "admin",
    "coursekit.user_admin.enable": "admin",
    "coursekit.user_admin.reissue": "admin",
    "coursekit.user_admin.extra_time": "admin",
    "coursekit.admin_modules.index": "admin",
    "coursekit.admin_modules.reload": "admin",
    "coursekit.admin_modules.retire": "admin",
    "coursekit.admin_modules.assign": "admin",
    "coursekit.admin_modules.unassign": "admin",
    "coursekit.catalog.catalogue": "public",
    "coursekit.catalog.module": "public",
    "coursekit.catalog.enrol": "learner",
    # Lessons also need an enrolment (or the instructor/admin role), checked in the view.
    "coursekit.lessons.lesson": "learner",
    "coursekit.lessons.complete": "learner",
    "coursekit.lessons.heartbeat": "learner",
    "coursekit.progress.dashboard": "learner",
    "coursekit.lessons.media": "learner",
    # Attempts also need an enrolment, or to be the learner's own, checked in the view.
    "coursekit.attempts.overview": "learner",
    "coursekit.attempts.start": "learner",
    "coursekit.attempts.question": "learner",
    "coursekit.attempts.save": "learner",
    "coursekit.attempts.summary": "learner",
    "coursekit.attempts.submit": "learner",
    # Evaluating also needs an enrolment and a finished post-test; results and question
    # statistics need an assignment to the module (or the admin role): checked in the views.
    "coursekit.evaluations.evaluate": "learner",
    "coursekit.evaluations.results": "instructor",
    "coursekit.statistics.questions": "instructor",
    # Reports also need an assignment to the module (or the admin role): checked in the views.
    "coursekit.reports.module_report": "instructor",
    "coursekit.reports.learners": "instructor",
    "coursekit.reports.learners_csv": "instructor",
    "coursekit.reports.learner_record": "instructor",
    "coursekit.reports.events_csv": "instructor",
    # Worksheets also need an enrolment (learners) or an assignment (instructors).
    "coursekit.worksheets.worksheet": "learner",
    "coursekit.worksheets.submit": "learner",
    "coursekit.worksheets.queue": "instructor",
    "coursekit.worksheets.submission": "instructor",
    "coursekit.worksheets.review": "instructor",
    # The transcript has no id in its URLs: each reads the signed-in learner's own records.
    "coursekit.transcript.page": "learner",
    "coursekit.transcript.download_csv": "learner",
    "coursekit.transcript.download_pdf": "learner",
    "coursekit.certificates.mine": "learner",
    "coursekit.certificates.download_pdf": "learner",
    "coursekit.verify.certificate": "public",
    "coursekit.provider.settings": "admin",
    "coursekit.attestation.settings": "admin",
    "coursekit.certificate_admin.index": "admin",
    "coursekit.certificate_admin.detail": "admin",
    "coursekit.certificate_admin.revoke": "admin",
    "coursekit.certificate_admin.reissue": "admin",
    "coursekit.certificate_admin.queue": "admin",
    "coursekit.certificate_admin.approve": "admin",
    "coursekit.certificate_admin.issue_all": "admin",
    "coursekit.certificate_admin.archive": "admin",
    "coursekit.rosters.roster": "admin",
    "coursekit.rosters.export": "admin",
    "coursekit.rosters.stored": "admin",
    "coursekit.rosters.audit_packet": "admin",
    "coursekit.badges.issuer": "public",
    "coursekit.badges.keys": "public",
    "coursekit.badges.key": "public",
    "coursekit.badges.achievement": "public",
    # Owner or admin (checked in the view; anyone else gets 404).
    "coursekit.badges.download": "learner",
    "coursekit.badges.readable": "learner",
    "coursekit.verify.certificate_json": "public",
    "coursekit.verify.lookup": "public",
    "coursekit.audit.log": "admin",
    "coursekit.audit.export": "admin",
    "coursekit.webhooks.index": "admin",
    "coursekit.webhooks.register": "admin",
    "coursekit.webhooks.endpoint": "admin",
    "coursekit.webhooks.rotate": "admin",
    "coursekit.webhooks.disable": "admin",
    "coursekit.webhooks.enable": "admin",
    "coursekit.webhooks.delivery": "admin",
    "coursekit.webhooks.redeliver": "admin",
    # Previews also need an assignment to the module (or the admin role): checked in the views.
    "coursekit.preview.module": "instructor",
    "coursekit.preview.lesson": "instructor",
    "coursekit.preview.questions": "instructor",
    "coursekit.preview.check": "instructor",
    # Uploads also need an assignment to the module (or the admin role): checked in the
    # operations (upload) and the views (an upload of another module is a 404).
    "coursekit.authoring.uploads": "instructor",
    "coursekit.authoring.upload": "instructor",
    "coursekit.authoring.detail": "instructor",
    "coursekit.authoring.publish": "instructor",
    "coursekit.authoring.submit": "instructor",
    "coursekit.authoring.withdraw": "instructor",
    # A staged upload's preview: the upload page's rule (assigned instructors, admins).
    "coursekit.staged_preview.module": "instructor",
    "coursekit.staged_preview.lesson": "instructor",
    "coursekit.staged_preview.questions": "instructor",
    "coursekit.staged_preview.check": "instructor",
    "coursekit.staged_preview.media": "instructor",
    "coursekit.upload_admin.queue": "admin",
    "coursekit.upload_admin.approve": "admin",
    "coursekit.upload_admin.reject": "admin",
    # API tokens: each person's own (revoking another's is a 404), and integrations.
    "coursekit.tokens.personal": "learner",
    "coursekit.tokens.create_personal": "learner",
    "coursekit.tokens.revoke_personal": "learner",
    "coursekit.tokens.integrations": "admin",
    "coursekit.tokens.create_integration": "admin",
    "coursekit.tokens.revoke_integration": "admin",
    # The JSON API (tests/test_api_*.py); object rules as on the pages, checked in views.
    "coursekit.api.unmatched": "public",
    "coursekit.api.openapi": "public",
    "coursekit.api.docs": "public",
    "coursekit.api.catalogue": "public",
    "coursekit.api.module": "public",
    "coursekit.api.me": "learner",
    "coursekit.api.update_me": "learner",
    "coursekit.api.add_licence": "learner",
    "coursekit.api.remove_licence": "learner",
    "coursekit.api.enrolments": "learner",
    "coursekit.api.enrolment": "learner",
    "coursekit.api.enrol": "learner",
    "coursekit.api.complete_lesson": "learner",
    "coursekit.api.heartbeat": "learner",
    "coursekit.api.transcript": "learner",
    # Attempts: the learner's own only (anyone else's is a 404, in the views).
    "coursekit.api.start_attempt": "learner",
    "coursekit.api.attempt": "learner",
    "coursekit.api.question": "learner",
    "coursekit.api.save_answers": "learner",
    "coursekit.api.check_attempt": "learner",
    "coursekit.api.submit_attempt": "learner",
    "coursekit.api.review": "learner",
    "coursekit.api.certificates": "learner",
    "coursekit.api.verification": "public",
    # Worksheets and evaluations also need an enrolment (404 without), in the views.
    "coursekit.api.submit_worksheet": "learner",
    "coursekit.api.submit_evaluation": "learner",
    "coursekit.api.evaluation_form": "learner",
    # Staff API: webhooks (issue 12), administrators only, as the console's pages.
    "coursekit.api.webhooks": "admin",
    "coursekit.api.register_webhook": "admin",
    "coursekit.api.webhook": "admin",
    "coursekit.api.rotate_webhook_secret": "admin",
    "coursekit.api.disable_webhook": "admin",
    "coursekit.api.enable_webhook": "admin",
    "coursekit.api.webhook_delivery": "admin",
    "coursekit.api.redeliver_webhook_delivery": "admin",
    # --- staff API (issue 12 part 1b): instructor and admin endpoints; module and
    # record rules as on the pages (403 outside one's modules, 404 for the unknown). ---
    "coursekit.api.attestation": "admin",
    "coursekit.api.save_attestation_revision": "admin",
    "coursekit.api.audit_log": "admin",
    "coursekit.api.admin_certificates": "admin",
    "coursekit.api.admin_certificate": "admin",
    "coursekit.api.reissue_certificate": "admin",
    "coursekit.api.revoke_certificate": "admin",
    "coursekit.api.waiting_completions": "admin",
    "coursekit.api.approve_completions": "admin",
    "coursekit.api.issue_all_completions": "admin",
    "coursekit.api.admin_modules": "admin",
    "coursekit.api.assign_instructor": "admin",
    "coursekit.api.unassign_instructor": "admin",
    "coursekit.api.retire_version": "admin",
    "coursekit.api.reload_modules": "admin",
    "coursekit.api.export_roster": "admin",
    "coursekit.api.audit_packet": "admin",
    "coursekit.api.provider": "admin",
    "coursekit.api.change_provider": "admin",
    "coursekit.api.provider_image": "admin",
    "coursekit.api.replace_provider_image": "admin",
    "coursekit.api.remove_provider_image": "admin",
    "coursekit.api.roster_export": "admin",
    "coursekit.api.waiting_uploads": "admin",
    "coursekit.api.approve_upload": "admin",
    "coursekit.api.reject_upload": "admin",
    "coursekit.api.admin_users": "admin",
    "coursekit.api.admin_user": "admin",
    "coursekit.api.disable_user": "admin",
    "coursekit.api.enable_user": "admin",
    "coursekit.api.grant_time": "admin",
    "coursekit.api.correct_name": "admin",
    "coursekit.api.change_roles": "admin",
    "coursekit.api.learner_record": "instructor",
    "coursekit.api.evaluation_results": "instructor",
    "coursekit.api.question_statistics": "instructor",
    "coursekit.api.module_report": "instructor",
    "coursekit.api.module_learners": "instructor",
    "coursekit.api.retire_taught": "instructor",
    "coursekit.api.uploads": "instructor",
    "coursekit.api.upload_module": "instructor",
    "coursekit.api.upload_detail": "instructor",
    "coursekit.api.publish_upload": "instructor",
    "coursekit.api.submit_upload": "instructor",
    "coursekit.api.withdraw_upload": "instructor",
    "coursekit.api.worksheet_queue": "instructor",
    "coursekit.api.worksheet_submission": "instructor",
    "coursekit.api.review_submission": "instructor",
    # --- end of the staff API ---
}
SAMPLE_ARGS = {
    "code": "0" * 28,
    "licence_id": 999_999,
    "token": "not-a-token",
    "filename": "coursekit/coursekit.css",
    "module_id": "no-such-module",
    "slug": "no-such-lesson",
    "content_hash": "0" * 64,
    "name": "media/none.svg",
    "attempt_id": 999_999,
    "number": 1,
    "submission_id": 999_999,
    "version": "1.0.0",
    "enrolment_id": 999_999,
    "export_id": 999_999,
    "thumbprint": "0" * 43,
    "user_id": 999_999,
    "upload_id": 999_999,
    "endpoint_id": 999_999,
    "delivery_id": 999_999,
    "token_id": 999_999,
    "unmatched": "no-such-address",
    "image": "logo",
}
ROLES = {
    "anonymous": None,
    "learner": (),
    "instructor": (Role.INSTRUCTOR,),
    "admin": (Role.ADMIN,),
}
ALLOWED = {
    "public": {"anonymous", "learner", "instructor", "admin"},
    "learner": {"learner", "instructor", "admin"},
    "instructor": {"instructor", "admin"},
    "admin": {"admin"},
}


def test_every_endpoint_declares_the_expected_policy(app):
    with app.test_request_context():
        declared = {rule.endpoint: policy_of(rule.endpoint) for rule in app.url_map.iter_rules()}
    assert declared == EXPECTED_POLICIES


def test_an_undeclared_endpoint_is_refused(app, client):
    app.add_url_rule("/undeclared", endpoint="coursekit.undeclared", view_func=lambda: "secret")
    response = client.get("/undeclared")
    assert response.status_code == 403
    assert "secret" not in response.text


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(app, role):
    client = app.test_client()
    if ROLES[role] is not None:
        make_user(app, f"{role}@example.org", *ROLES[role])
        login(client, f"{role}@example.org")
    token = csrf_token(client, "/account" if ROLES[role] is not None else "/login")
    for rule in app.url_map.iter_rules():
        with app.test_request_context():
            url = url_for(rule.endpoint, **{arg: SAMPLE_ARGS[arg] for arg in rule.arguments})
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"OPTIONS"})[0]
        response = client.open(url, method=method, data={"csrf_token": token})
        location = response.headers.get("Location", "")
        is_api = rule.endpoint.startswith("coursekit.api.")
        refused = (401, 403) if is_api else (403,)
        denied = response.status_code in refused or "/login" in location
        should_allow = role in ALLOWED[EXPECTED_POLICIES[rule.endpoint]]
        assert denied != should_allow, (role, rule.endpoint, response.status_code, location)
        assert response.status_code < 500, (role, rule.endpoint)
        if role == "anonymous" and denied:
            # Signed-out people are sent to sign in; programs get 401 in the envelope.
            assert response.status_code == (401 if is_api else 302)
            if is_api:
                assert response.get_json()["error"]["code"] == "unauthorized"
        if rule.endpoint == "coursekit.auth.logout" and should_allow:
            login(client, f"{role}@example.org")
            token = csrf_token(client, "/account")
