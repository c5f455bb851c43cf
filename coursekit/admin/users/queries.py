"""Reading one person's whole record for the administrator console.

Every read is one statement over the person's rows, whatever their number; together
with the progress rule's reads the page costs the same few statements for a new account
and for a learner with years of records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, cast, func, literal, or_, select
from sqlalchemy.orm import aliased, lazyload

from coursekit import db
from coursekit.accounts.models import StateLicence, User
from coursekit.assessment.attempts.models import Attempt, AttemptGrade
from coursekit.assessment.evaluations.models import EvaluationResponse
from coursekit.assessment.timing.models import TimeAllowance
from coursekit.assessment.timing.queries import allowances_in_force
from coursekit.assessment.worksheets.models import WorksheetReview, WorksheetSubmission
from coursekit.audit.models import AuditEntry
from coursekit.catalog.models import Enrolment
from coursekit.certificates.models import Certificate
from coursekit.packages.queries import package_for
from coursekit.progress.queries import Progress, progress_for

HISTORY_ROWS = 100
"""Audit entries shown on the page, newest first (the audit log holds them all)."""


# Aliases are built once: building one per call cost about 0.8 ms per request.
_NEWER = aliased(AttemptGrade, name="newer")
_REVIEWER = aliased(User, name="reviewer")
_ACTOR = aliased(User, name="actor")


@dataclass(frozen=True)
class WorksheetRow:
    submission: WorksheetSubmission
    review: WorksheetReview | None
    reviewer: User | None


@dataclass(frozen=True)
class TimedModule:
    """A module the person is enrolled in whose post-test has a time limit (that of the
    version they enrolled in last), and the extra time in force for them."""

    module_id: str
    title: str
    limit_minutes: int
    allowance: TimeAllowance | None
    """The newest grant (its ``extra_minutes`` may be 0), or None if none was made."""

    @property
    def extra_minutes(self) -> int:
        return self.allowance.extra_minutes if self.allowance else 0


@dataclass(frozen=True)
class UserRecord:
    """Everything kept about one person, as the record page shows it."""

    user: User
    licences: list[StateLicence]
    """Every licence ever entered, removed ones included."""
    progress: list[Progress]
    attempts: list[tuple[Attempt, AttemptGrade | None]]
    """Each attempt with its current grade (the latest revision), None while open."""
    timed_modules: list[TimedModule]
    worksheets: list[WorksheetRow]
    evaluations: list[EvaluationResponse]
    certificates: list[Certificate]
    history: list[tuple[AuditEntry, User | None]]
    """Audit entries about the account and its certificates, newest first."""
    more_history: bool

    @property
    def outdated_certificates(self) -> list[Certificate]:
        """Valid certificates that print a legal name other than the current one: each
        may be reissued, never automatically."""
        current = (self.user.first_name, self.user.last_name)
        return [
            certificate
            for certificate in self.certificates
            if certificate.is_valid and _printed_name(certificate) != current
        ]


def _printed_name(certificate: Certificate) -> tuple[str, str]:
    learner = certificate.fields.get("learner", {})
    return learner.get("first_name", ""), learner.get("last_name", "")


def user_by_id(user_id: int) -> User | None:
    """The account with this id (its roles loaded), or None; None without a query for
    an id beyond what the column holds."""
    if not 0 < user_id <= db.MAX_ID:
        return None
    return db.session.get(User, user_id)


def user_record(user: User, *, now: datetime) -> UserRecord:
    """The whole record of ``user``."""
    enrolment_ids = select(Enrolment.id).where(Enrolment.user_id == user.id)
    enrolments = list(
        db.session.scalars(
            select(Enrolment).where(Enrolment.user_id == user.id).order_by(Enrolment.enrolled_at)
        )
    )
    history = _history(user)
    return UserRecord(
        user=user,
        licences=list(
            db.session.scalars(
                select(StateLicence)
                .where(StateLicence.user_id == user.id)
                .order_by(StateLicence.removed_at.is_not(None), StateLicence.state, StateLicence.id)
            )
        ),
        progress=progress_for(enrolments, now=now),
        attempts=_attempts(enrolment_ids),
        timed_modules=_timed_modules(user, enrolments),
        worksheets=_worksheets(enrolment_ids),
        evaluations=list(
            db.session.scalars(
                select(EvaluationResponse)
                .where(EvaluationResponse.enrolment_id.in_(enrolment_ids))
                .order_by(EvaluationResponse.submitted_at)
            )
        ),
        certificates=list(
            db.session.scalars(
                select(Certificate)
                .where(Certificate.user_id == user.id)
                .order_by(Certificate.issued_at, Certificate.id)
            )
        ),
        history=history[:HISTORY_ROWS],
        more_history=len(history) > HISTORY_ROWS,
    )


def _attempts(enrolment_ids) -> list[tuple[Attempt, AttemptGrade | None]]:
    latest = (
        select(func.max(_NEWER.revision)).where(_NEWER.attempt_id == Attempt.id).scalar_subquery()
    )
    rows = db.session.execute(
        select(Attempt, AttemptGrade)
        .outerjoin(
            AttemptGrade,
            (AttemptGrade.attempt_id == Attempt.id) & (AttemptGrade.revision == latest),
        )
        .where(Attempt.enrolment_id.in_(enrolment_ids))
        .order_by(Attempt.started_at, Attempt.id)
    )
    return [(attempt, grade) for attempt, grade in rows]


def _timed_modules(user: User, enrolments: list[Enrolment]) -> list[TimedModule]:
    """One row per timed module, in enrolment order; the allowances are read (one
    query) only when there is such a module."""
    latest = {enrolment.module_version.module_id: enrolment for enrolment in enrolments}
    timed = {}
    for module_id, enrolment in latest.items():
        limit = package_for(enrolment.module_version).assessment.time_limit_minutes
        if limit:
            timed[module_id] = (enrolment.module_version.title, limit)
    if not timed:
        return []
    allowances = allowances_in_force(user.id)
    return [
        TimedModule(module_id, title, limit, allowances.get(module_id))
        for module_id, (title, limit) in timed.items()
    ]


def _worksheets(enrolment_ids) -> list[WorksheetRow]:
    rows = db.session.execute(
        select(WorksheetSubmission, WorksheetReview, _REVIEWER)
        .outerjoin(WorksheetReview, WorksheetReview.submission_id == WorksheetSubmission.id)
        .outerjoin(_REVIEWER, _REVIEWER.id == WorksheetReview.reviewer_id)
        .where(WorksheetSubmission.enrolment_id.in_(enrolment_ids))
        .order_by(WorksheetSubmission.submitted_at, WorksheetSubmission.id)
        .options(lazyload(WorksheetSubmission.review), lazyload(_REVIEWER.roles))
    )
    return [WorksheetRow(*row) for row in rows]


def _history(user: User) -> list[tuple[AuditEntry, User | None]]:
    """The newest entries about the account or one of its certificates, one more than
    shown, so the page can say there are more."""
    certificate_subjects = select(literal("certificate:") + cast(Certificate.id, String)).where(
        Certificate.user_id == user.id
    )
    rows = db.session.execute(
        select(AuditEntry, _ACTOR)
        .outerjoin(_ACTOR, _ACTOR.id == AuditEntry.actor_id)
        .where(
            or_(
                AuditEntry.subject == f"user:{user.id}",
                AuditEntry.subject.in_(certificate_subjects),
            )
        )
        .order_by(AuditEntry.id.desc())
        .limit(HISTORY_ROWS + 1)
        .options(lazyload(_ACTOR.roles))
    )
    return [(entry, who) for entry, who in rows]


def certificate_of(user: User, number: str) -> Certificate | None:
    """The user's certificate numbered ``number`` (any letter case), or None."""
    return db.session.scalar(
        select(Certificate).where(
            Certificate.user_id == user.id, Certificate.number == number.strip().upper()
        )
    )
