"""Every GET endpoint of the url_map: who opens it, the arguments of its address, and
the SQL statements it may cost.

A new endpoint fails ``test_every_page`` (browser) and ``test_page_budgets`` until it is
added to ``PAGES`` (an HTML page: how to open it, from the sample records, and its query
budget), ``DOWNLOADS`` (a PDF, CSV, JSON, zip or image: the same, without the browser's
look at it) or ``UNMEASURED`` (with the reason), so no page escapes the accessibility,
phone-width and query-budget checks by being forgotten.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from flask import Flask

from tests import sample_records
from tests.sample_records import CALF, SHIN, Samples
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


class Queries(NamedTuple):
    """The SQL statements one request costs on SQLite with the sample records, and where
    that number does not hold everywhere, the difference and why."""

    sqlite: int
    on_postgresql: int = 0
    """Added on PostgreSQL (a row lock SQLite's write transaction makes unnecessary)."""
    with_crowd: int = 0
    """Added with the crowd's larger data (never more for a list that grows)."""
    why: str = ""

    def expected(self, backend: str, crowd: bool) -> int:
        """The number for ``backend`` ("sqlite" or "postgresql"), with or without the crowd."""
        return (
            self.sqlite
            + (self.on_postgresql if backend == "postgresql" else 0)
            + (self.with_crowd if crowd else 0)
        )


def as_queries(queries: int | Queries) -> Queries:
    """A plain number is the same everywhere."""
    return queries if isinstance(queries, Queries) else Queries(queries)


# Why a budget is not one number.
ROW_LOCK = (
    "a write that first locks the enrolment's row (SELECT ... FOR UPDATE) on PostgreSQL; "
    "SQLite's write transaction already serialises it"
)
ONE_READ_PER_PDF = (
    "one read per certificate: each stored PDF is read as it is zipped, so the archive "
    "streams without holding every PDF in memory"
)

QUEUE_ROLES = (
    "the sample records leave the queue empty; with certificates waiting it loads their "
    "learners, whose roles SQLAlchemy reads in one more query (User.roles loads by "
    "selectin: once for the page, not per row)"
)


class Visit(NamedTuple):
    """One look at a page: who, its query budget, with what arguments, and the status it
    must answer."""

    role: str
    queries: int | Queries
    arguments: Arguments = nothing
    status: int = 200

    @property
    def budget(self) -> Queries:
        return as_queries(self.queries)


# endpoint -> {variant: visit}; the variant ("" for the only or main one) names the
# screenshots with the endpoint.
PAGES: dict[str, dict[str, Visit]] = {
    "coursekit.pages.home": {"": Visit(ANONYMOUS, 0), "signed-in": Visit(LEARNER, 1)},
    "coursekit.auth.login": {"": Visit(ANONYMOUS, 0)},
    "coursekit.auth.register": {"": Visit(ANONYMOUS, 0)},
    "coursekit.auth.forgot_password": {"": Visit(ANONYMOUS, 0)},
    "coursekit.auth.reset_password": {
        "": Visit(ANONYMOUS, 2, lambda s: {"token": s.reset_token}),
        "bad-token": Visit(ANONYMOUS, 0, lambda _: {"token": "not-a-token"}, 400),
    },
    "coursekit.auth.change_password": {"": Visit(LEARNER, 1)},
    "coursekit.account.profile": {"": Visit(LEARNER, 2)},
    "coursekit.catalog.catalogue": {"": Visit(ANONYMOUS, 1)},
    "coursekit.catalog.module": {
        "": Visit(ANONYMOUS, 1, module(CALF)),
        "enrolled": Visit(LEARNER, 15, module(FOUNDATIONS)),
    },
    "coursekit.lessons.lesson": {
        "": Visit(
            LEARNER,
            Queries(5, on_postgresql=1, why=ROW_LOCK),
            lambda s: {**PUBLISHED, "slug": s.lesson},
        )
    },
    "coursekit.progress.dashboard": {"": Visit(LEARNER, 8)},
    "coursekit.transcript.page": {"": Visit(LEARNER, 3)},
    "coursekit.worksheets.worksheet": {"": Visit(LEARNER, 6, module(FOUNDATIONS))},
    "coursekit.attempts.overview": {"": Visit(LEARNER, 6, module(FOUNDATIONS))},
    "coursekit.attempts.question": {
        "": Visit(LEARNER, 3, lambda s: {"attempt_id": s.open_attempt, "number": 1})
    },
    "coursekit.attempts.summary": {
        "open": Visit(LEARNER, 3, lambda s: {"attempt_id": s.open_attempt}),
        "closed": Visit(LEARNER, 7, lambda s: {"attempt_id": s.closed_attempt}),
    },
    "coursekit.evaluations.evaluate": {
        "": Visit(LEARNER, 5, module(CALF)),
        "submitted": Visit(LEARNER, 3, module(SHIN)),
    },
    "coursekit.certificates.mine": {"": Visit(LEARNER, 2)},
    "coursekit.verify.lookup": {"": Visit(ANONYMOUS, 0)},
    "coursekit.verify.certificate": {
        "valid": Visit(ANONYMOUS, 1, lambda s: {"code": s.valid_code}),
        "revoked": Visit(ANONYMOUS, 1, lambda s: {"code": s.revoked_code}),
        "not-found": Visit(ANONYMOUS, 1, lambda _: {"code": "0" * 28}, 404),
    },
    "coursekit.my_modules.index": {"": Visit(INSTRUCTOR, 7)},
    "coursekit.worksheets.queue": {
        "": Visit(
            INSTRUCTOR,
            Queries(3, with_crowd=-1, why="only an empty queue looks up why it is empty"),
        )
    },
    "coursekit.worksheets.submission": {
        "": Visit(INSTRUCTOR, 8, lambda s: {"submission_id": s.submission_id})
    },
    "coursekit.evaluations.results": {"": Visit(INSTRUCTOR, 4, module(SHIN))},
    "coursekit.statistics.questions": {"": Visit(INSTRUCTOR, 5, module(FOUNDATIONS))},
    "coursekit.reports.module_report": {"": Visit(INSTRUCTOR, 4, module(FOUNDATIONS))},
    "coursekit.reports.learners": {
        "": Visit(INSTRUCTOR, 5, lambda _: PUBLISHED),
        "in-progress": Visit(INSTRUCTOR, 5, lambda _: {**PUBLISHED, "state": "in-progress"}),
    },
    "coursekit.reports.learner_record": {
        "": Visit(INSTRUCTOR, 16, lambda s: {"enrolment_id": s.enrolment_id})
    },
    "coursekit.preview.module": {"": Visit(INSTRUCTOR, 3, lambda _: PUBLISHED)},
    "coursekit.preview.lesson": {
        "": Visit(INSTRUCTOR, 3, lambda s: {**PUBLISHED, "slug": s.lesson})
    },
    "coursekit.preview.questions": {"": Visit(INSTRUCTOR, 3, lambda _: PUBLISHED)},
    "coursekit.authoring.uploads": {"": Visit(INSTRUCTOR, 5)},
    "coursekit.authoring.detail": {"": Visit(INSTRUCTOR, 6, lambda s: {"upload_id": s.upload_id})},
    "coursekit.staged_preview.module": {
        "": Visit(INSTRUCTOR, 3, lambda s: {"upload_id": s.upload_id})
    },
    "coursekit.staged_preview.lesson": {
        "": Visit(INSTRUCTOR, 3, lambda s: {"upload_id": s.upload_id, "slug": s.staged_lesson})
    },
    "coursekit.staged_preview.questions": {
        "": Visit(INSTRUCTOR, 3, lambda s: {"upload_id": s.upload_id})
    },
    "coursekit.console.index": {"": Visit(ADMIN, 2)},
    "coursekit.admin.users": {"": Visit(ADMIN, 4)},
    "coursekit.user_admin.record": {"": Visit(ADMIN, 15, lambda s: {"user_id": s.learner_id})},
    "coursekit.admin_modules.index": {"": Visit(ADMIN, 5)},
    "coursekit.upload_admin.queue": {"": Visit(ADMIN, 3)},
    "coursekit.provider.settings": {"": Visit(ADMIN, 5)},
    "coursekit.attestation.settings": {"": Visit(ADMIN, 5)},
    "coursekit.certificate_admin.index": {"": Visit(ADMIN, 4)},
    "coursekit.certificate_admin.queue": {
        "": Visit(ADMIN, Queries(4, with_crowd=1, why=QUEUE_ROLES))
    },
    "coursekit.certificate_admin.detail": {
        "valid": Visit(ADMIN, 5, lambda s: {"number": s.valid_number}),
        "revoked": Visit(ADMIN, 6, lambda s: {"number": s.revoked_number}),
    },
    "coursekit.rosters.roster": {"": Visit(ADMIN, 5)},
    "coursekit.rosters.audit_packet": {"": Visit(ADMIN, 2)},
    "coursekit.audit.log": {"": Visit(ADMIN, 5)},
    "coursekit.webhooks.index": {"": Visit(ADMIN, 2)},
    "coursekit.webhooks.endpoint": {
        "": Visit(ADMIN, 3, lambda s: {"endpoint_id": s.webhook_endpoint})
    },
    "coursekit.webhooks.delivery": {
        "": Visit(ADMIN, 3, lambda s: {"delivery_id": s.webhook_delivery})
    },
    "coursekit.tokens.personal": {"": Visit(LEARNER, 2)},
    "coursekit.tokens.integrations": {"": Visit(ADMIN, 3)},
    "coursekit.api.docs": {"": Visit(ANONYMOUS, 0)},
}

# GET endpoints that are no HTML page: measured for their queries, not looked at.
DOWNLOADS: dict[str, dict[str, Visit]] = {
    "coursekit.lessons.media": {
        "": Visit(LEARNER, 2, lambda s: {"content_hash": s.media_hash, "name": s.media_name})
    },
    "coursekit.staged_preview.media": {
        "": Visit(INSTRUCTOR, 3, lambda s: {"upload_id": s.upload_id, "name": "calf.svg"})
    },
    "coursekit.certificates.download_pdf": {
        "": Visit(LEARNER, 2, lambda s: {"number": s.valid_number})
    },
    "coursekit.transcript.download_pdf": {"": Visit(LEARNER, 3)},
    "coursekit.transcript.download_csv": {"": Visit(LEARNER, 2)},
    "coursekit.reports.learners_csv": {"": Visit(INSTRUCTOR, 4, lambda _: PUBLISHED)},
    "coursekit.reports.events_csv": {
        "": Visit(INSTRUCTOR, 11, lambda s: {"enrolment_id": s.enrolment_id})
    },
    "coursekit.audit.export": {"": Visit(ADMIN, 3)},
    "coursekit.rosters.stored": {"": Visit(ADMIN, 2, lambda s: {"export_id": s.roster_export})},
    "coursekit.certificate_admin.archive": {
        "": Visit(ADMIN, Queries(4, with_crowd=12, why=ONE_READ_PER_PDF), module(CALF))
    },
    "coursekit.verify.certificate_json": {
        "": Visit(ANONYMOUS, 1, lambda s: {"code": s.valid_code})
    },
    "coursekit.badges.issuer": {"": Visit(ANONYMOUS, 1)},
    "coursekit.badges.keys": {"": Visit(ANONYMOUS, 0)},
    "coursekit.badges.achievement": {"": Visit(ANONYMOUS, 1, module(CALF, version="1.0.0"))},
    "coursekit.badges.download": {"": Visit(LEARNER, 3, lambda s: {"number": s.valid_number})},
    "coursekit.badges.readable": {"": Visit(LEARNER, 3, lambda s: {"number": s.valid_number})},
    # The JSON API, as the signed-in session sees it.
    "coursekit.api.openapi": {"": Visit(ANONYMOUS, 0)},
    "coursekit.api.catalogue": {"": Visit(ANONYMOUS, 1), "signed-in": Visit(LEARNER, 3)},
    "coursekit.api.module": {
        "": Visit(ANONYMOUS, 1, module(CALF)),
        "enrolled": Visit(LEARNER, 3, module(FOUNDATIONS)),
    },
    "coursekit.api.me": {"": Visit(LEARNER, 2)},
    "coursekit.api.enrolments": {"": Visit(LEARNER, 8)},
    "coursekit.api.enrolment": {"": Visit(LEARNER, 8, module(FOUNDATIONS))},
    "coursekit.api.transcript": {"": Visit(LEARNER, 2)},
    "coursekit.api.attempt": {"": Visit(LEARNER, 2, lambda s: {"attempt_id": s.open_attempt})},
    "coursekit.api.question": {
        "": Visit(LEARNER, 3, lambda s: {"attempt_id": s.open_attempt, "number": 1})
    },
    "coursekit.api.check_attempt": {
        "": Visit(LEARNER, 3, lambda s: {"attempt_id": s.open_attempt})
    },
    "coursekit.api.review": {"": Visit(LEARNER, 7, lambda s: {"attempt_id": s.closed_attempt})},
    "coursekit.api.certificates": {"": Visit(LEARNER, 2)},
    "coursekit.api.evaluation_form": {"": Visit(LEARNER, 2, module(CALF))},
    "coursekit.api.verification": {
        "valid": Visit(ANONYMOUS, 1, lambda s: {"code": s.valid_code}),
        "revoked": Visit(ANONYMOUS, 1, lambda s: {"code": s.revoked_code}),
        "not-found": Visit(ANONYMOUS, 1, lambda _: {"code": "0" * 28}, 404),
    },
    # Staff API: webhooks (issue 12).
    # The same reads as the console's pages, so the same counts.
    "coursekit.api.webhooks": {"": Visit(ADMIN, 2)},
    "coursekit.api.webhook": {"": Visit(ADMIN, 3, lambda s: {"endpoint_id": s.webhook_endpoint})},
    "coursekit.api.webhook_delivery": {
        "": Visit(ADMIN, 3, lambda s: {"delivery_id": s.webhook_delivery})
    },
    # --- staff API (issue 12 part 1b), as the session of the role that opens the page ---
    "coursekit.api.module_report": {"": Visit(INSTRUCTOR, 4, module(FOUNDATIONS))},
    "coursekit.api.module_learners": {
        "": Visit(INSTRUCTOR, 5, lambda _: PUBLISHED),
        "completed": Visit(INSTRUCTOR, 5, lambda _: {**PUBLISHED, "state": "completed"}),
    },
    "coursekit.api.learner_record": {
        "": Visit(INSTRUCTOR, 16, lambda s: {"enrolment_id": s.enrolment_id})
    },
    "coursekit.api.question_statistics": {"": Visit(INSTRUCTOR, 5, module(FOUNDATIONS))},
    "coursekit.api.evaluation_results": {"": Visit(INSTRUCTOR, 4, module(SHIN))},
    "coursekit.api.worksheet_queue": {"": Visit(INSTRUCTOR, 2)},
    "coursekit.api.worksheet_submission": {
        "": Visit(INSTRUCTOR, 8, lambda s: {"submission_id": s.submission_id})
    },
    "coursekit.api.uploads": {"": Visit(INSTRUCTOR, 5)},
    "coursekit.api.upload_detail": {"": Visit(INSTRUCTOR, 6, lambda s: {"upload_id": s.upload_id})},
    "coursekit.api.admin_users": {"": Visit(ADMIN, 4)},
    "coursekit.api.admin_user": {"": Visit(ADMIN, 15, lambda s: {"user_id": s.learner_id})},
    "coursekit.api.admin_certificates": {"": Visit(ADMIN, 4)},
    "coursekit.api.admin_certificate": {
        "valid": Visit(ADMIN, 5, lambda s: {"number": s.valid_number}),
        "revoked": Visit(ADMIN, 6, lambda s: {"number": s.revoked_number}),
    },
    "coursekit.api.waiting_completions": {
        "": Visit(ADMIN, Queries(2, with_crowd=1, why=QUEUE_ROLES))
    },
    "coursekit.api.audit_log": {"": Visit(ADMIN, 3)},
    "coursekit.api.admin_modules": {"": Visit(ADMIN, 4)},
    "coursekit.api.waiting_uploads": {"": Visit(ADMIN, 3)},
    "coursekit.api.attestation": {"": Visit(ADMIN, 2)},
    "coursekit.api.roster_export": {"": Visit(ADMIN, 2, lambda s: {"export_id": s.roster_export})},
    "coursekit.api.provider": {"": Visit(ADMIN, 4)},
    # The sample records have no logo: the look-up, and the envelope's 404.
    "coursekit.api.provider_image": {"": Visit(ADMIN, 2, lambda _: {"image": "logo"}, status=404)},
    # --- end of the staff API ---
}

# GET endpoints neither looked at nor measured, and why.
UNMEASURED = {
    "coursekit.static": "stylesheets and scripts, files from the package (no database)",
    "coursekit.badges.key": "one key of keys.json, from the same key file (no database)",
    "coursekit.api.unmatched": "the API's 404/405 for addresses no endpoint has (no database)",
}


def get_endpoints(app: Flask) -> set[str]:
    """The endpoints of ``app`` that answer GET."""
    return {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}


def unlisted(endpoints: set[str]) -> str:
    """The message for GET endpoints in neither list (empty when all are listed)."""
    listed = set(PAGES) | set(DOWNLOADS) | set(UNMEASURED)
    missing = sorted(endpoints - listed)
    stale = sorted(listed - endpoints)
    lines = []
    if missing:
        lines.append(
            "These GET endpoints are not in tests/page_catalogue.py: add each to PAGES "
            "(who opens it, its query budget, arguments from tests/sample_records.py), to "
            "DOWNLOADS if it is no HTML page, or to UNMEASURED with the reason: "
            + ", ".join(missing)
        )
    if stale:
        lines.append("Listed but no longer GET endpoints: " + ", ".join(stale))
    return "\n".join(lines)
