"""Submitting and reviewing worksheets, and assigning instructors to modules.

Each function only flushes; the request (or CLI command) commits. Submissions are
append-only. A submission and a review of the same learner's worksheet take the
enrolment's row lock first (PostgreSQL; SQLite writers are serialised already), so a
review can never land on a submission that a revision is superseding at that moment.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from coursekit import db
from coursekit.accounts.models import ModuleAssignment, Role, User
from coursekit.assessment.quizzes import quiz_file
from coursekit.assessment.registry import registry
from coursekit.assessment.types.base import InvalidResponse, Question
from coursekit.assessment.worksheets.models import WorksheetReview, WorksheetSubmission
from coursekit.assessment.worksheets.queries import WorksheetRefused, may_review, worksheet_state
from coursekit.audit.operations import record
from coursekit.catalog.models import Enrolment
from coursekit.catalog.operations import lock_enrolment
from coursekit.errors import ValidationFailed
from coursekit.packages.models import ModuleVersion
from coursekit.packages.queries import package_for
from coursekit.progress.operations import complete_if_due

MAX_COMMENT = 5000
"""Characters in a reviewer's comment."""
UNANSWERED = "Answer this question."


def is_blank(raw: Any) -> bool:
    """Whether a raw form response holds no answer at all: nothing, white space, or a
    collection (several fields of one question) with nothing in any of them."""
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    if isinstance(raw, Mapping):
        return all(is_blank(value) for value in raw.values())
    if isinstance(raw, list | tuple):
        return all(is_blank(value) for value in raw)
    return False


def takes_answer(question: Question) -> bool:
    """Whether a worksheet item is a question the learner answers: any type marked
    automatically or by an instructor (an essay), not a ``description``."""
    kind = registry()[question["type"]]
    return kind.graded or kind.manual


def read_answers(
    questions: Iterable[Question], raw_answers: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Canonical responses by question id, and messages by question id for the items
    left blank or answered in a way the question refuses (its type's ``parse``).
    Worksheets are never shuffled: every arrangement is None."""
    answers: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for question in questions:
        if not takes_answer(question):
            continue
        raw = raw_answers.get(question["id"])
        if is_blank(raw):
            errors[question["id"]] = [UNANSWERED]
            continue
        try:
            kind = registry()[question["type"]]
            answers[question["id"]] = kind.parse(question, None, raw)
        except InvalidResponse as exc:
            errors[question["id"]] = [str(exc)]
    return answers, errors


def submit_worksheet(enrolment: Enrolment, answers_raw: Mapping[str, Any]) -> WorksheetSubmission:
    """Append the learner's worksheet answers (question id → raw form response).

    Every item that is a question must be answered (``ValidationFailed``, keyed by
    question id). A reviewed worksheet is closed (``WorksheetRefused``, 409). Answers
    identical to the latest submission return it instead of storing a copy, so a double
    submit stores one row.
    """
    package = package_for(enrolment.module_version)
    if package.worksheet is None:
        raise WorksheetRefused("This module has no worksheet.", 404)
    lock_enrolment(enrolment)
    state = worksheet_state(enrolment)
    if state.reviewed:
        raise WorksheetRefused(
            "Your worksheet has been reviewed, so it can no longer be changed.", 409
        )
    answers, errors = read_answers(quiz_file(package, package.worksheet).questions, answers_raw)
    if errors:
        raise ValidationFailed(errors)
    # Compare as stored: JSON turns tuples into lists.
    stored = json.loads(json.dumps(answers))
    if state.latest is not None and state.latest.answers == stored:
        return state.latest
    submission = WorksheetSubmission(enrolment_id=enrolment.id, answers=stored)
    db.session.add(submission)
    db.session.flush()
    complete_if_due(enrolment, now=submission.submitted_at)
    return submission


def review_worksheet(
    submission: WorksheetSubmission, reviewer: User, comment: str
) -> tuple[WorksheetReview, bool]:
    """Mark ``submission`` reviewed by ``reviewer`` with an optional comment for the
    learner; returns the review and whether it is new.

    Refused (``WorksheetRefused``) when the reviewer does not review the module (403),
    when it is their own worksheet (403), or when the learner has submitted a newer
    revision since (409). A submission already reviewed keeps its first review: the
    second call returns it, even when two reviewers press the button at once.
    """
    enrolment = submission.enrolment
    if not may_review(reviewer, enrolment.module_version.module_id):
        raise WorksheetRefused("You are not assigned to review this module's worksheets.", 403)
    if enrolment.user_id == reviewer.id:
        raise WorksheetRefused("You cannot review your own worksheet.", 403)
    comment = comment.strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationFailed({"comment": [f"Keep the comment to {MAX_COMMENT} characters."]})
    lock_enrolment(enrolment)
    existing = _review_of(submission)
    if existing is not None:
        return existing, False
    latest = worksheet_state(enrolment).latest
    if latest is None or latest.id != submission.id:
        raise WorksheetRefused(
            "The learner has submitted a newer revision of this worksheet; review that one.", 409
        )
    review = WorksheetReview(submission_id=submission.id, reviewer_id=reviewer.id, comment=comment)
    try:
        with db.session.begin_nested():
            db.session.add(review)
    except IntegrityError:
        # Another reviewer's review committed first: theirs stands.
        return db.session.scalars(
            select(WorksheetReview).where(WorksheetReview.submission_id == submission.id)
        ).one(), False
    # The review is the learner's record; the audit entry is the instructor's act.
    record(
        "worksheet.reviewed",
        f"worksheet-submission:{submission.id}",
        actor=reviewer,
        at=review.reviewed_at,
        learner=enrolment.user_id,
        module_id=enrolment.module_version.module_id,
        version=enrolment.module_version.version,
    )
    complete_if_due(enrolment, now=review.reviewed_at)
    return review, True


def _review_of(submission: WorksheetSubmission) -> WorksheetReview | None:
    """The submission's review as committed now (not as loaded before the lock)."""
    return db.session.scalars(
        select(WorksheetReview)
        .where(WorksheetReview.submission_id == submission.id)
        .execution_options(populate_existing=True)
    ).first()


def assign_module(
    instructor: User, module_id: str, *, actor: User | None, now: datetime, reason: str = ""
) -> bool:
    """Assign ``instructor`` to review ``module_id`` (every version); False, and nothing
    written, when they already were. ``ValidationFailed`` unless they hold the instructor
    role and the module has been published. A new assignment is audited."""
    if not instructor.has_role(Role.INSTRUCTOR):
        raise ValidationFailed(
            {"email": [f"{instructor.email} is not an instructor; grant the role first."]}
        )
    known = db.session.scalar(
        select(ModuleVersion.id).where(ModuleVersion.module_id == module_id).limit(1)
    )
    if known is None:
        raise ValidationFailed(
            {"module_id": [f"No module with the id {module_id!r} is published."]}
        )
    try:
        with db.session.begin_nested():
            db.session.add(
                ModuleAssignment(user_id=instructor.id, module_id=module_id, assigned_at=now)
            )
    except IntegrityError:
        return False
    _audit_assignment("module.instructor_assigned", instructor, module_id, actor, now, reason)
    return True


def unassign_module(
    instructor: User, module_id: str, *, actor: User | None, now: datetime, reason: str = ""
) -> bool:
    """End ``instructor``'s assignment to ``module_id``; False, and nothing written, when
    there was none. Their past reviews stay; the ending is audited."""
    removed = db.session.execute(
        delete(ModuleAssignment).where(
            ModuleAssignment.user_id == instructor.id, ModuleAssignment.module_id == module_id
        )
    )
    if removed.rowcount == 0:
        return False
    _audit_assignment("module.instructor_unassigned", instructor, module_id, actor, now, reason)
    return True


def _audit_assignment(
    action: str, instructor: User, module_id: str, actor: User | None, now: datetime, reason: str
) -> None:
    assigned = action == "module.instructor_assigned"
    record(
        action,
        f"module:{module_id}",
        actor=actor,
        at=now,
        reason=reason,
        instructor_id=instructor.id,
        instructor_email=instructor.email,
        before={"assigned": not assigned},
        after={"assigned": assigned},
    )
