"""The course outline and the instructor list of an audit packet, from the module
version's package (as published, by content hash) and its instructor assignments."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import ModuleAssignment, User
from coursekit.assessment.quizzes import quiz_file
from coursekit.assessment.registry import registry
from coursekit.certificates.snapshot import DELIVERY_LABELS
from coursekit.packages.values import Credit, ModulePackage
from coursekit.progress.transcript.documents import credit_text

INSTRUCTOR_COLUMNS = ("role", "name", "credentials", "email", "assigned_at")


def questions_per_attempt(package: ModulePackage) -> int:
    """How many graded questions one post-test attempt asks: the quiz file's graded
    questions and every bank draw's count."""
    assessment = package.assessment
    asked = sum(count.count for count in assessment.draw)
    if assessment.quiz:
        types = registry()
        questions = quiz_file(package, assessment.quiz).questions
        asked += sum(1 for question in questions if types[question["type"]].graded)
    return asked


def _approval(credit: Credit) -> str:
    if credit.approved_from is None and credit.approved_until is None:
        return ""
    first = credit.approved_from.isoformat() if credit.approved_from else "…"
    last = credit.approved_until.isoformat() if credit.approved_until else "…"
    return f" (approved {first} to {last})"


def course_outline(package: ModulePackage) -> str:
    """``course-outline.md``: what the module teaches, for how long, for which credit,
    and how it is assessed, as published."""
    return "\n".join(_outline_lines(package)) + "\n"


def _outline_lines(package: ModulePackage) -> Iterator[str]:
    assessment, rule = package.assessment, package.completion
    yield f"# {package.title}"
    yield ""
    yield f"- Module: {package.id}, version {package.version}"
    yield f"- Content hash (SHA-256): {package.content_hash}"
    yield f"- Delivery: {DELIVERY_LABELS.get(package.delivery, package.delivery)}"
    yield f"- Study time: {package.minutes} minutes in {len(package.lessons)} lessons"
    yield f"- Seat time required for completion: {rule.seat_minutes} minutes"
    yield ""
    yield "## Summary"
    yield ""
    yield package.summary
    yield ""
    yield "## Objectives"
    yield ""
    yield from (f"- {objective}" for objective in package.objectives)
    yield ""
    yield "## Lessons"
    for number, lesson in enumerate(package.lessons, start=1):
        yield ""
        optional = "" if lesson.required else ", optional"
        yield f"### {number}. {lesson.title} ({lesson.minutes} minutes{optional})"
        if lesson.objectives:
            yield ""
            yield from (f"- {objective}" for objective in lesson.objectives)
    yield ""
    yield "## Credit"
    yield ""
    yield from (f"- {credit_text(credit)}{_approval(credit)}" for credit in package.credits)
    yield ""
    yield "## Assessment"
    yield ""
    if rule.post_test:
        attempts = assessment.attempts if assessment.attempts is not None else "unlimited"
        yield f"- Post-test pass mark: {assessment.pass_mark}%"
        yield f"- Attempts allowed: {attempts}"
        yield f"- Questions per attempt: {questions_per_attempt(package)}"
        if assessment.time_limit_minutes:
            yield f"- Time limit: {assessment.time_limit_minutes} minutes"
        if assessment.retry_wait_minutes:
            yield f"- Wait between attempts: {assessment.retry_wait_minutes} minutes"
    else:
        yield "- No post-test."
    if package.worksheet:
        yield f"- Worksheet: yes; completion needs it {rule.worksheet}"
    else:
        yield "- Worksheet: none"
    yield f"- Course evaluation required: {'yes' if rule.evaluation else 'no'}"
    yield f"- Participant attestation required: {'yes' if rule.attestation else 'no'}"


def instructor_rows(package: ModulePackage, module_id: str) -> list[list[object]]:
    """``instructors.csv`` rows: the package's authors with their credentials, then the
    instructors assigned to the module, by name."""
    rows: list[list[object]] = [
        ["author", author.name, author.credentials, "", ""] for author in package.authors
    ]
    assigned = db.session.execute(
        select(User, ModuleAssignment.assigned_at)
        .join(ModuleAssignment, ModuleAssignment.user_id == User.id)
        .where(ModuleAssignment.module_id == module_id)
        .order_by(User.last_name, User.first_name, User.id)
    )
    for user, assigned_at in assigned:
        when = assigned_at.isoformat(timespec="seconds")
        rows.append(["assigned instructor", user.full_name, "", user.email, when])
    return rows
