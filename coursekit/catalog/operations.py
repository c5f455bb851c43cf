"""Enrolling a learner in a module version."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from coursekit import db
from coursekit.accounts.models import User
from coursekit.attestation.queries import current_attestation
from coursekit.catalog.models import Enrolment
from coursekit.catalog.queries import completed_modules, enrolments_by_module, titles
from coursekit.db import utcnow
from coursekit.errors import CourseKitError, ValidationFailed
from coursekit.packages.models import ModuleVersion, VersionStatus
from coursekit.packages.queries import current_versions, package_for
from coursekit.signals import enrolled


class AttestationChanged(CourseKitError):
    """The attestation wording changed since the learner was shown it."""

    def __init__(self) -> None:
        super().__init__(
            "The participant attestation was updated while the page was open. Read the "
            "new wording below and accept it to enrol."
        )


def enrol_accepting(
    learner: User, version: ModuleVersion, *, accepted: bool, shown_version: str | None
) -> Enrolment:
    """Enrol ``learner`` accepting the attestation in force, which they were shown as
    ``shown_version`` (page and API alike). Raises ``AttestationChanged`` when another
    wording is in force now, so an enrolment never stores text its learner did not see,
    then whatever :func:`enrol` refuses."""
    attestation = current_attestation()
    if shown_version and shown_version != attestation.version:
        raise AttestationChanged()
    return enrol(
        learner,
        version,
        attestation_accepted=accepted,
        attestation_text=attestation.text,
        attestation_version=attestation.version,
    )


def enrol(
    learner: User,
    version: ModuleVersion,
    *,
    attestation_accepted: bool,
    attestation_text: str,
    attestation_version: str,
) -> Enrolment:
    """Enrol ``learner`` in ``version``, recording the attestation they accepted.

    Refused (``ValidationFailed``) without the attestation, with unmet prerequisites, or
    for a retired version. Enrolling again in a module already enrolled in returns the
    existing enrolment, so a double submit is harmless.
    """
    existing = enrolments_by_module(learner).get(version.module_id)
    if existing is not None:
        return existing
    if version.status != VersionStatus.PUBLISHED:
        raise ValidationFailed({"": ["This version of the module is closed to new learners."]})
    if not attestation_accepted:
        raise ValidationFailed({"accept": ["Accept the participant attestation to enrol."]})
    prerequisites = package_for(version).prerequisites
    missing = sorted(set(prerequisites) - completed_modules(learner, prerequisites))
    if missing:
        names = titles(missing, current_versions())
        listed = "; ".join(names.get(module_id, module_id) for module_id in missing)
        raise ValidationFailed({"": [f"Complete these modules first: {listed}."]})
    enrolment = Enrolment(
        user_id=learner.id,
        module_version=version,
        attestation_version=attestation_version,
        attestation_text=attestation_text,
        attested_at=utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(enrolment)
    except IntegrityError:
        # The same learner enrolled from another tab at the same moment.
        return enrolments_by_module(learner)[version.module_id]
    enrolled.send(current_app._get_current_object(), enrolment=enrolment)
    return enrolment


def lock_enrolment(enrolment: Enrolment) -> None:
    """Serialise writes that read an enrolment's records before adding to them (seat
    time, worksheet submissions), so two requests at once cannot both act on the same
    reading. PostgreSQL locks the enrolment's row; on SQLite the request already holds
    the database's write lock, so no statement is sent."""
    if db.session.get_bind().dialect.name == "sqlite":
        return
    db.session.execute(select(Enrolment.id).where(Enrolment.id == enrolment.id).with_for_update())
