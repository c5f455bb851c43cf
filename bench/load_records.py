"""What the database holds after the load scenario, as the check (``bench.load_check``)
reads it: per enrolment, and the keys that must never repeat. Runs in an app context."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from coursekit import db
from coursekit.accounts.models import User
from coursekit.assessment.attempts.models import Attempt, AttemptAnswer, AttemptGrade
from coursekit.assessment.evaluations.models import EvaluationResponse
from coursekit.assessment.worksheets.models import WorksheetReview, WorksheetSubmission
from coursekit.catalog.models import Enrolment
from coursekit.certificates.models import Certificate
from coursekit.db import Base
from coursekit.lessons.models import LessonEvent
from coursekit.packages.models import ModuleVersion
from coursekit.progress.models import Completion

#: The keys that identify one learner action's record: the load must never write two.
UNIQUE_KEYS: dict[str, tuple[str, ...]] = {
    "coursekit_enrolment": ("user_id", "module_version_id"),
    "coursekit_attempt": ("enrolment_id", "quiz", "number"),
    "coursekit_attempt_grade": ("attempt_id", "revision"),
    "coursekit_worksheet_review": ("submission_id",),
    "coursekit_evaluation_response": ("enrolment_id",),
    "coursekit_completion": ("user_id", "module_version_id"),
    "coursekit_certificate": ("completion_id",),
}


class Records:
    """Queries over the learner records of ``module_id``."""

    def __init__(self, module_id: str) -> None:
        self.versions = select(ModuleVersion.id).where(ModuleVersion.module_id == module_id)

    def enrolments(self, email: str) -> list[Enrolment]:
        return list(
            db.session.scalars(
                select(Enrolment)
                .join(User, User.id == Enrolment.user_id)
                .where(User.email == email, Enrolment.module_version_id.in_(self.versions))
            )
        )

    def lesson_events(self, enrolment: Enrolment) -> list[tuple[str, str, int]]:
        """(kind, lesson, seconds) of each event, in the order they were written."""
        rows = db.session.execute(
            select(LessonEvent.kind, LessonEvent.lesson, LessonEvent.seconds)
            .where(LessonEvent.enrolment_id == enrolment.id)
            .order_by(LessonEvent.id)
        )
        return [tuple(row) for row in rows]

    def worksheet_reviews(self, enrolment: Enrolment) -> dict[int, int]:
        """Each worksheet submission's id, and how many reviews it has."""
        rows = db.session.execute(
            select(WorksheetSubmission.id, func.count(WorksheetReview.id))
            .outerjoin(WorksheetReview, WorksheetReview.submission_id == WorksheetSubmission.id)
            .where(WorksheetSubmission.enrolment_id == enrolment.id)
            .group_by(WorksheetSubmission.id)
        )
        return {submission: reviews for submission, reviews in rows}

    def reviewed_submissions(self) -> set[int]:
        return set(db.session.scalars(select(WorksheetReview.submission_id)))

    def attempts(self, enrolment: Enrolment) -> dict[int, tuple[int, bool | None, list[int]]]:
        """Each attempt's id: its number of grades, whether its first grade passed, and
        the positions of its saved answers in the order they were written."""
        found = {}
        for attempt_id in db.session.scalars(
            select(Attempt.id).where(Attempt.enrolment_id == enrolment.id)
        ):
            grades = list(
                db.session.scalars(
                    select(AttemptGrade.passed)
                    .where(AttemptGrade.attempt_id == attempt_id)
                    .order_by(AttemptGrade.revision)
                )
            )
            positions = list(
                db.session.scalars(
                    select(AttemptAnswer.position)
                    .where(AttemptAnswer.attempt_id == attempt_id)
                    .order_by(AttemptAnswer.id)
                )
            )
            found[attempt_id] = (len(grades), grades[0] if grades else None, positions)
        return found

    def evaluations(self, enrolment: Enrolment) -> int:
        return db.session.scalar(
            select(func.count()).where(EvaluationResponse.enrolment_id == enrolment.id)
        )

    def completion(self, enrolment: Enrolment) -> tuple[int, int]:
        """How many completions the enrolment's learner has of its version, and how many
        valid certificates."""
        completions = db.session.scalar(
            select(func.count()).where(
                Completion.user_id == enrolment.user_id,
                Completion.module_version_id == enrolment.module_version_id,
            )
        )
        certificates = db.session.scalar(
            select(func.count()).where(
                Certificate.user_id == enrolment.user_id,
                Certificate.module_version_id == enrolment.module_version_id,
                Certificate.status == "valid",
            )
        )
        return completions, certificates

    def certificate_count(self) -> int:
        return db.session.scalar(select(func.count()).select_from(Certificate))

    def duplicate_keys(self) -> Counter[str]:
        """For each table, the rows beyond the first that share one of the keys above,
        found with GROUP BY (whether or not a constraint stands guard)."""
        found: Counter[str] = Counter()
        for name, columns in UNIQUE_KEYS.items():
            table = Base.metadata.tables[name]
            key = [table.c[column] for column in columns]
            groups = (
                select(func.count().label("n"))
                .select_from(table)
                .group_by(*key)
                .having(func.count() > 1)
                .subquery()
            )
            extra = db.session.scalar(select(func.sum(groups.c.n - 1)).select_from(groups))
            found[name] = int(extra or 0)
        return found
