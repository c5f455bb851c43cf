"""Every GET page of the url_map, with who opens it and the arguments of its address.

A new endpoint fails ``test_every_page`` until it is added to ``PAGES`` (how to open it,
from the sample records) or to ``NOT_PAGES`` (with the reason it is no HTML page), so no
page escapes the accessibility and phone-width checks by being forgotten.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from tests.browser import sample_records
from tests.browser.sample_records import CALF, SHIN, Samples
from tests.test_seminars import FOUNDATIONS

ANONYMOUS, LEARNER, INSTRUCTOR, ADMIN = "anonymous", "learner", "instructor", "admin"
# Whom each role signs in as.
EMAILS = {
    LEARNER: sample_records.LEARNER,
    INSTRUCTOR: sample_records.INSTRUCTOR,
    ADMIN: sample_records.ADMIN,
}
Arguments = Callable[[Samples], dict[str, Any]]


def nothing(_: Samples) -> dict[str, Any]:
    return {}


def module(module_id: str, **more: str) -> Arguments:
    return lambda _: {"module_id": module_id, **more}


PUBLISHED = {"module_id": FOUNDATIONS, "version": "1.0.0"}


class Visit(NamedTuple):
    """One look at a page: who, with what arguments, and the status it must answer."""

    role: str
    arguments: Arguments = nothing
    status: int = 200


# endpoint -> {variant: visit}; the variant ("" for the only or main one) names the
# screenshots with the endpoint.
PAGES: dict[str, dict[str, Visit]] = {
    "coursekit.pages.home": {"": Visit(ANONYMOUS), "signed-in": Visit(LEARNER)},
    "coursekit.auth.login": {"": Visit(ANONYMOUS)},
    "coursekit.auth.register": {"": Visit(ANONYMOUS)},
    "coursekit.auth.forgot_password": {"": Visit(ANONYMOUS)},
    "coursekit.auth.reset_password": {
        "": Visit(ANONYMOUS, lambda s: {"token": s.reset_token}),
        "bad-token": Visit(ANONYMOUS, lambda _: {"token": "not-a-token"}, 400),
    },
    "coursekit.auth.change_password": {"": Visit(LEARNER)},
    "coursekit.account.profile": {"": Visit(LEARNER)},
    "coursekit.catalog.catalogue": {"": Visit(ANONYMOUS)},
    "coursekit.catalog.module": {
        "": Visit(ANONYMOUS, module(CALF)),
        "enrolled": Visit(LEARNER, module(FOUNDATIONS)),
    },
    "coursekit.lessons.lesson": {"": Visit(LEARNER, lambda s: {**PUBLISHED, "slug": s.lesson})},
    "coursekit.progress.dashboard": {"": Visit(LEARNER)},
    "coursekit.transcript.page": {"": Visit(LEARNER)},
    "coursekit.worksheets.worksheet": {"": Visit(LEARNER, module(FOUNDATIONS))},
    "coursekit.attempts.overview": {"": Visit(LEARNER, module(FOUNDATIONS))},
    "coursekit.attempts.question": {
        "": Visit(LEARNER, lambda s: {"attempt_id": s.open_attempt, "number": 1})
    },
    "coursekit.attempts.summary": {
        "open": Visit(LEARNER, lambda s: {"attempt_id": s.open_attempt}),
        "closed": Visit(LEARNER, lambda s: {"attempt_id": s.closed_attempt}),
    },
    "coursekit.evaluations.evaluate": {
        "": Visit(LEARNER, module(CALF)),
        "submitted": Visit(LEARNER, module(SHIN)),
    },
    "coursekit.certificates.mine": {"": Visit(LEARNER)},
    "coursekit.verify.lookup": {"": Visit(ANONYMOUS)},
    "coursekit.verify.certificate": {
        "valid": Visit(ANONYMOUS, lambda s: {"code": s.valid_code}),
        "revoked": Visit(ANONYMOUS, lambda s: {"code": s.revoked_code}),
        "not-found": Visit(ANONYMOUS, lambda _: {"code": "0" * 28}, 404),
    },
    "coursekit.my_modules.index": {"": Visit(INSTRUCTOR)},
    "coursekit.worksheets.queue": {"": Visit(INSTRUCTOR)},
    "coursekit.worksheets.submission": {
        "": Visit(INSTRUCTOR, lambda s: {"submission_id": s.submission_id})
    },
    "coursekit.evaluations.results": {"": Visit(INSTRUCTOR, module(SHIN))},
    "coursekit.statistics.questions": {"": Visit(INSTRUCTOR, module(FOUNDATIONS))},
    "coursekit.reports.module_report": {"": Visit(INSTRUCTOR, module(FOUNDATIONS))},
    "coursekit.reports.learners": {"": Visit(INSTRUCTOR, lambda _: PUBLISHED)},
    "coursekit.reports.learner_record": {
        "": Visit(INSTRUCTOR, lambda s: {"enrolment_id": s.enrolment_id})
    },
    "coursekit.preview.module": {"": Visit(INSTRUCTOR, lambda _: PUBLISHED)},
    "coursekit.preview.lesson": {"": Visit(INSTRUCTOR, lambda s: {**PUBLISHED, "slug": s.lesson})},
    "coursekit.preview.questions": {"": Visit(INSTRUCTOR, lambda _: PUBLISHED)},
    "coursekit.authoring.uploads": {"": Visit(INSTRUCTOR)},
    "coursekit.authoring.detail": {"": Visit(INSTRUCTOR, lambda s: {"upload_id": s.upload_id})},
    "coursekit.staged_preview.module": {
        "": Visit(INSTRUCTOR, lambda s: {"upload_id": s.upload_id})
    },
    "coursekit.staged_preview.lesson": {
        "": Visit(INSTRUCTOR, lambda s: {"upload_id": s.upload_id, "slug": s.staged_lesson})
    },
    "coursekit.staged_preview.questions": {
        "": Visit(INSTRUCTOR, lambda s: {"upload_id": s.upload_id})
    },
    "coursekit.console.index": {"": Visit(ADMIN)},
    "coursekit.admin.users": {"": Visit(ADMIN)},
    "coursekit.user_admin.record": {"": Visit(ADMIN, lambda s: {"user_id": s.learner_id})},
    "coursekit.admin_modules.index": {"": Visit(ADMIN)},
    "coursekit.upload_admin.queue": {"": Visit(ADMIN)},
    "coursekit.provider.settings": {"": Visit(ADMIN)},
    "coursekit.attestation.settings": {"": Visit(ADMIN)},
    "coursekit.certificate_admin.index": {"": Visit(ADMIN)},
    "coursekit.certificate_admin.queue": {"": Visit(ADMIN)},
    "coursekit.certificate_admin.detail": {
        "valid": Visit(ADMIN, lambda s: {"number": s.valid_number}),
        "revoked": Visit(ADMIN, lambda s: {"number": s.revoked_number}),
    },
    "coursekit.rosters.roster": {"": Visit(ADMIN)},
    "coursekit.rosters.audit_packet": {"": Visit(ADMIN)},
    "coursekit.audit.log": {"": Visit(ADMIN)},
}

# GET endpoints that are not HTML pages, and why they are not visited.
NOT_PAGES = {
    "coursekit.static": "stylesheets and scripts",
    "coursekit.lessons.media": "lesson images (SVG), seen inside the lesson page",
    "coursekit.staged_preview.media": "a staged upload's images, seen inside its preview",
    "coursekit.certificates.download_pdf": "the certificate PDF",
    "coursekit.transcript.download_pdf": "the transcript PDF",
    "coursekit.transcript.download_csv": "the transcript CSV",
    "coursekit.reports.learners_csv": "the learners report CSV",
    "coursekit.reports.events_csv": "a learner's event log CSV",
    "coursekit.audit.export": "the audit log CSV",
    "coursekit.rosters.stored": "a kept roster export CSV",
    "coursekit.certificate_admin.archive": "a zip of a module's certificate PDFs",
    "coursekit.verify.certificate_json": "the verification JSON",
    "coursekit.badges.issuer": "Open Badges issuer JSON",
    "coursekit.badges.keys": "Open Badges key set JSON",
    "coursekit.badges.key": "an Open Badges public key JSON",
    "coursekit.badges.achievement": "an Open Badges achievement JSON",
    "coursekit.badges.download": "a signed Open Badges credential (JWT)",
    "coursekit.badges.readable": "an Open Badges credential JSON",
}


def unlisted(endpoints: set[str]) -> str:
    """The message for GET endpoints in neither list (empty when all are listed)."""
    missing = sorted(endpoints - set(PAGES) - set(NOT_PAGES))
    stale = sorted((set(PAGES) | set(NOT_PAGES)) - endpoints)
    lines = []
    if missing:
        lines.append(
            "These GET endpoints are not in tests/browser/page_catalogue.py: add each to "
            "PAGES (who opens it, with arguments from tests/browser/sample_records.py) or, "
            "if it is no HTML page, to NOT_PAGES with the reason: " + ", ".join(missing)
        )
    if stale:
        lines.append("Listed but no longer GET endpoints: " + ", ".join(stale))
    return "\n".join(lines)
