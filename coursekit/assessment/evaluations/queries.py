"""Reading evaluations: the form a learner answers, whether they may answer it now, their
response, who may read results, and the results themselves."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import ModuleAssignment, Role, User
from coursekit.assessment.attempts.queries import PostTestStatus, post_test_status
from coursekit.assessment.evaluations.evaluation_form import EvaluationForm, with_module_items
from coursekit.assessment.evaluations.models import EvaluationResponse
from coursekit.assessment.evaluations.summary import FormResults, ResponseRow, summarise
from coursekit.catalog.models import Enrolment
from coursekit.packages.models import ModuleVersion
from coursekit.packages.values import ModulePackage, version_key

FORM_KEY = "coursekit.evaluation_form"
"""Where the provider's form, read once when the app starts, is kept in ``app.extensions``."""

_module_forms: dict[tuple[str, str], EvaluationForm] = {}
"""Forms with a module's own questions, by (provider form name, content hash): a published
version never changes, so entries never go stale."""


def provider_form() -> EvaluationForm:
    """The provider's form: the standard one, or ``COURSEKIT_EVALUATION_FORM``'s."""
    return current_app.extensions[FORM_KEY]


def form_for(package: ModulePackage) -> EvaluationForm:
    """The form learners of this module version answer: the provider's form, followed by
    the module's own questions if it has any."""
    provider = provider_form()
    name = package.evaluation_questions
    if name is None:
        return provider
    key = (provider.name, package.content_hash)
    form = _module_forms.get(key)
    if form is None:
        form = _module_forms[key] = with_module_items(provider, package.files[name], name)
    return form


def response_for(enrolment: Enrolment) -> EvaluationResponse | None:
    """The learner's submitted evaluation for this enrolment, if any (one query)."""
    return db.session.scalar(
        select(EvaluationResponse).where(EvaluationResponse.enrolment_id == enrolment.id)
    )


def evaluation_refusal(
    enrolment: Enrolment, *, now: datetime, status: PostTestStatus | None = None
) -> str:
    """Why the learner may not evaluate the course yet, in words; empty when they may.

    The evaluation comes at the end of the course, as in CE practice: once the learner has
    passed the post-test, or has used every attempt without passing (the course is over
    for them, and their view of it counts as much as anyone's).
    """
    status = status or post_test_status(enrolment, now=now)
    if status.passed or (status.attempts_left == 0 and status.open_attempt is None):
        return ""
    return "The course evaluation opens once you have passed the post-test."


def may_read_results(account: User, module_id: str) -> bool:
    """Administrators read every module's results; instructors those of the modules they
    are assigned to (one query for an instructor)."""
    if account.has_role(Role.ADMIN):
        return True
    if not account.has_role(Role.INSTRUCTOR):
        return False
    assigned = db.session.get(ModuleAssignment, {"user_id": account.id, "module_id": module_id})
    return assigned is not None


def module_versions(module_id: str) -> list[ModuleVersion]:
    """Every published or retired version of a module, newest first (one query)."""
    versions = db.session.scalars(select(ModuleVersion).where(ModuleVersion.module_id == module_id))
    return sorted(versions, key=lambda version: version_key(version.version), reverse=True)


def module_results(module_id: str, *, with_names: bool) -> list[FormResults]:
    """Every response to the module's evaluations, summarised per version and form (one
    query). Learners' names only ``with_names``."""
    rows = db.session.execute(
        select(
            ModuleVersion.version,
            EvaluationResponse.form,
            EvaluationResponse.items,
            EvaluationResponse.answers,
            EvaluationResponse.submitted_at,
            User.first_name,
            User.last_name,
        )
        .join(Enrolment, EvaluationResponse.enrolment_id == Enrolment.id)
        .join(ModuleVersion, Enrolment.module_version_id == ModuleVersion.id)
        .join(User, Enrolment.user_id == User.id)
        .where(ModuleVersion.module_id == module_id)
    )
    return summarise(
        ResponseRow(
            version, form, items, answers, submitted_at, f"{first} {last}" if with_names else None
        )
        for version, form, items, answers, submitted_at, first, last in rows
    )
