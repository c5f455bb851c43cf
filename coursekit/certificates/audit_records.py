"""The learner records of an audit packet as CSV rows: post-test attempts, course
evaluations and certificates (columns in docs/rosters.md). Each reads its records in one
query, whatever the number of learners."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import User
from coursekit.assessment.attempts.models import POST_TEST, Attempt, AttemptGrade
from coursekit.assessment.evaluations.evaluation_form import EvaluationItem
from coursekit.assessment.evaluations.models import EvaluationResponse
from coursekit.assessment.evaluations.views import answer_label
from coursekit.catalog.models import Enrolment
from coursekit.certificates.models import Certificate

LEARNER = ("last_name", "first_name", "email", "nccaom_id")
ATTEMPT_COLUMNS = (
    *LEARNER,
    "attempt",
    "started_at",
    "closed_at",
    "close_reason",
    "earned",
    "possible",
    "percent",
    "passed",
    "revisions",
    "graded_at",
)
EVALUATION_COLUMNS = (*LEARNER, "submitted_at", "form", "item", "question", "answer")
CERTIFICATE_COLUMNS = (
    "certificate_number",
    "status",
    "issued_at",
    "legal_name",
    "nccaom_id",
    "licences",
    "completed_on",
    "score_percent",
    "revoked_at",
    "revoked_reason",
    "replaces",
    "pdf",
    "verification_code",
)


def _time(at: datetime | None) -> str:
    return "" if at is None else at.isoformat(timespec="seconds")


def _learner(user: User) -> list[object]:
    return [user.last_name, user.first_name, user.email, user.nccaom_id or ""]


def attempt_rows(enrolments: list[Enrolment], users: dict[int, User]) -> Iterator[list[object]]:
    """Every post-test attempt of the enrolments, by learner and attempt number, with
    its current (latest) grade and how many grade revisions it has had."""
    by_id = {enrolment.id: enrolment for enrolment in enrolments}
    attempts = list(
        db.session.scalars(
            select(Attempt)
            .where(Attempt.enrolment_id.in_(list(by_id)), Attempt.quiz == POST_TEST)
            .order_by(Attempt.enrolment_id, Attempt.number)
        )
    )
    grades: dict[int, list[AttemptGrade]] = {}
    for grade in db.session.scalars(
        select(AttemptGrade)
        .where(AttemptGrade.attempt_id.in_([attempt.id for attempt in attempts]))
        .order_by(AttemptGrade.attempt_id, AttemptGrade.revision)
    ):
        grades.setdefault(grade.attempt_id, []).append(grade)
    ordered = sorted(attempts, key=lambda a: (name_key(users[by_id[a.enrolment_id].user_id]), a.id))
    for attempt in ordered:
        user = users[by_id[attempt.enrolment_id].user_id]
        history = grades.get(attempt.id, [])
        current = history[-1] if history else None
        yield [
            *_learner(user),
            attempt.number,
            _time(attempt.started_at),
            _time(attempt.closed_at),
            attempt.close_reason or "",
            "" if current is None else current.earned,
            "" if current is None else current.possible,
            "" if current is None else f"{current.percent:.1f}",
            "" if current is None else ("yes" if current.passed else "no"),
            len(history),
            "" if current is None else _time(current.graded_at),
        ]


def evaluation_rows(enrolments: list[Enrolment], users: dict[int, User]) -> Iterator[list[object]]:
    """One row per answered item of each evaluation, in the form's order; the question
    is the text the learner was shown (stored with the response)."""
    by_id = {enrolment.id: enrolment for enrolment in enrolments}
    responses = db.session.scalars(
        select(EvaluationResponse).where(EvaluationResponse.enrolment_id.in_(list(by_id)))
    )
    ordered = sorted(
        responses, key=lambda r: (name_key(users[by_id[r.enrolment_id].user_id]), r.id)
    )
    for response in ordered:
        user = users[by_id[response.enrolment_id].user_id]
        for record in response.items:
            item = EvaluationItem.from_record(record)
            yield [
                *_learner(user),
                _time(response.submitted_at),
                response.form,
                item.id,
                item.text,
                answer_label(item, response.answers.get(item.id)),
            ]


def certificate_rows(certificates: list[Certificate]) -> Iterator[list[object]]:
    """Every certificate, valid or not, with what it printed and its status."""
    numbers = {certificate.id: certificate.number for certificate in certificates}
    for certificate in certificates:
        fields = certificate.fields
        learner = fields["learner"]
        licences = "; ".join(f"{item['state']} {item['number']}" for item in learner["licences"])
        score = fields.get("score")
        yield [
            certificate.number,
            certificate.status,
            _time(certificate.issued_at),
            learner["legal_name"],
            learner["nccaom_id"],
            licences,
            fields["completed_on"],
            "" if score is None else score["percent"],
            _time(certificate.revoked_at),
            certificate.revoked_reason,
            numbers.get(certificate.replaces_id, "") if certificate.replaces_id else "",
            f"certificates/{certificate.number}.pdf",
            certificate.code,
        ]


def name_key(user: User) -> tuple[str, str, int]:
    """Learners in order of last name, first name and account id."""
    return (user.last_name.casefold(), user.first_name.casefold(), user.id)
