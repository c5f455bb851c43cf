"""The learner's progress in every enrolled module, for the dashboard page and the API:
the query, and the facts each shows (next steps with where to take them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import url_for
from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import User
from coursekit.catalog.models import Enrolment
from coursekit.certificates.listing import Listed, by_completion
from coursekit.progress.queries import Progress, progress_for
from coursekit.progress.rules import Step, StepKind

Tracked = tuple[Progress, Listed | None]
"""A module's progress and, once complete, the certificate shown for it."""


def learner_progress(account: User, *, now: datetime) -> list[Tracked]:
    """Modules in progress first (newest enrolment first), then completed ones, each
    with its certificate (a fixed number of queries, whatever the number of modules)."""
    enrolments = db.session.scalars(
        select(Enrolment)
        .where(Enrolment.user_id == account.id)
        .order_by(Enrolment.enrolled_at.desc(), Enrolment.id.desc())
    ).all()
    progress = sorted(
        progress_for(enrolments, now=now), key=lambda item: item.completion is not None
    )
    completed = [item for item in progress if item.completion is not None]
    # One more query, and only for a learner with completions: their certificates.
    shown = by_completion((item.completion.id for item in completed), now)
    return [
        (item, shown.get(item.completion.id) if item.completion is not None else None)
        for item in progress
    ]


def step_url(progress: Progress, step: Step) -> str:
    """Where the learner goes to take ``step``."""
    module_id = progress.package.id
    if step.kind == StepKind.LESSON:
        return url_for("coursekit.lessons.lesson", module_id=module_id, slug=step.lesson)
    if step.kind == StepKind.SEAT_TIME:
        return resume_url(progress) or url_for(
            "coursekit.lessons.lesson", module_id=module_id, slug=progress.package.lessons[0].slug
        )
    if step.kind in (StepKind.WORKSHEET, StepKind.WORKSHEET_REVIEW):
        return url_for("coursekit.worksheets.worksheet", module_id=module_id)
    if step.kind == StepKind.POST_TEST:
        return url_for("coursekit.attempts.overview", module_id=module_id)
    if step.kind == StepKind.EVALUATION:
        return url_for("coursekit.evaluations.evaluate", module_id=module_id)
    return url_for("coursekit.catalog.module", module_id=module_id)


def resume_url(progress: Progress) -> str | None:
    """The lesson to continue reading, or None when every lesson is completed."""
    if progress.resume is None:
        return None
    return url_for(
        "coursekit.lessons.lesson", module_id=progress.package.id, slug=progress.resume.slug
    )


def certificate_data(shown: Listed | None) -> dict[str, Any] | None:
    """The certificate of a completed module as the dashboard's JSON shows it."""
    if shown is None:
        return None
    certificate = shown.certificate
    return {
        "number": certificate.number,
        "status": shown.standing,
        "replaced_by": shown.replaced_by,
        "pdf_url": url_for("coursekit.certificates.download_pdf", number=certificate.number),
        "verify_url": url_for("coursekit.verify.certificate", code=certificate.code),
    }


def as_data(progress: Progress, shown: Listed | None) -> dict[str, Any]:
    steps = [
        {
            "kind": step.kind,
            "text": step.text,
            "url": step_url(progress, step),
            "blocked": step.blocked,
        }
        for step in progress.missing
    ]
    return {
        "module_id": progress.package.id,
        "title": progress.package.title,
        "version": progress.package.version,
        "enrolled_at": progress.enrolment.enrolled_at,
        "percent": progress.percent,
        "complete": progress.completion is not None,
        "completed_at": progress.completion.completed_at if progress.completion else None,
        "next_step": steps[0] if steps else None,
        "missing_steps": steps,
        "seat_time": {
            "minutes": progress.seat_minutes,
            "required_minutes": progress.required_minutes,
        },
        "resume_url": resume_url(progress),
        "module_url": url_for("coursekit.catalog.module", module_id=progress.package.id),
        "certificate": certificate_data(shown),
        # Complete, yet no certificate: the provider approves certificates first (or could
        # not issue one yet), so the learner knows it is on its way.
        "certificate_pending": progress.completion is not None and shown is None,
    }
