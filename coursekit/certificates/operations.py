"""Issuing, revoking and reissuing certificates.

Every change is a new row or a status change, with an audit entry; nothing is deleted.
Operations only flush: the request or the command commits.
"""

from __future__ import annotations

import calendar
import hashlib
import logging
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from coursekit import db
from coursekit.accounts.models import User
from coursekit.accounts.queries import with_licences
from coursekit.assessment.attempts.queries import post_test_status
from coursekit.audit.operations import record
from coursekit.catalog.models import Enrolment
from coursekit.certificates import notices
from coursekit.certificates.codes import certificate_number, new_code
from coursekit.certificates.models import Certificate, CertificateFile, CertificateStatus
from coursekit.certificates.numbering import next_serial
from coursekit.certificates.provider.queries import current_provider
from coursekit.certificates.provider.values import Provider
from coursekit.certificates.rendering import (
    CertificateTemplateError,
    Printable,
    render_html,
    render_pdf,
)
from coursekit.certificates.snapshot import snapshot
from coursekit.certificates.templates_of import package_template
from coursekit.certificates.urls import verification_url
from coursekit.packages.models import ModuleVersion
from coursekit.packages.queries import package_for
from coursekit.progress.models import Completion
from coursekit.signals import certificate_issued, certificate_reissued, certificate_revoked

log = logging.getLogger("coursekit.certificates")


class CertificateError(Exception):
    """A request the certificate rules refuse, with the HTTP status that says why."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def issue_certificate(
    completion: Completion,
    *,
    actor: User | None,
    now: datetime,
    replaces: Certificate | None = None,
    reason: str = "",
) -> Certificate:
    """Issue the certificate for ``completion``: snapshot, number, code and stored PDF.

    Refused (409) when the learner already holds a valid certificate for the version,
    or — unless this is a reissue (``replaces``) — when one was ever issued for the
    completion; refused (422) while the provider settings lack what a certificate must
    print.
    """
    _refuse_duplicate(completion, replaces)
    provider = current_provider()
    missing = provider.missing_for_issuing()
    if missing:
        raise CertificateError(
            "Certificates cannot be issued until the provider settings name the "
            + ", ".join(missing)
            + ".",
            422,
        )
    version = db.session.get(ModuleVersion, completion.module_version_id)
    learner = with_licences(db.session.get(User, completion.user_id))
    enrolment = db.session.scalar(
        select(Enrolment)
        .where(
            Enrolment.user_id == completion.user_id,
            Enrolment.module_version_id == completion.module_version_id,
        )
        .order_by(Enrolment.id)
        .limit(1)
    )
    package = package_for(version)
    best = post_test_status(enrolment, now=now).best if package.completion.post_test else None
    fields = snapshot(
        learner=learner,
        enrolment=enrolment,
        completion=completion,
        package=package,
        provider=provider,
        score=best.percent if best is not None and best.passed else None,
    )
    try:
        with db.session.begin_nested():
            certificate = _numbered(completion, fields, actor=actor, now=now, provider=provider)
            certificate.replaces_id = replaces.id if replaces is not None else None
            if replaces is not None and replaces.status == CertificateStatus.VALID:
                replaces.status = CertificateStatus.SUPERSEDED
                db.session.flush()
            db.session.add(certificate)
            db.session.flush()
            db.session.add(_stored_pdf(certificate, provider, package_template(package)))
            db.session.flush()
    except IntegrityError:
        raise CertificateError(
            "A certificate for this completion was issued at the same moment.", 409
        ) from None
    except CertificateTemplateError as error:
        raise CertificateError(
            f"The certificate template cannot be rendered: {error}", 422
        ) from None
    action = "certificate.reissued" if replaces is not None else "certificate.issued"
    record(
        action,
        f"certificate:{certificate.id}",
        actor=actor,
        at=now,
        reason=reason,
        number=certificate.number,
        replaces=replaces.number if replaces is not None else None,
    )
    if replaces is not None:
        record(
            "certificate.replaced",
            f"certificate:{replaces.id}",
            actor=actor,
            at=now,
            reason=reason,
            superseded_by=certificate.number,
            status=replaces.status,
        )
    notices.send_issued(learner, certificate)
    signal = certificate_reissued if replaces is not None else certificate_issued
    signal.send(current_app._get_current_object(), certificate=certificate, replaces=replaces)
    return certificate


def revoke_certificate(
    certificate: Certificate, *, actor: User, reason: str, now: datetime
) -> Certificate:
    """Revoke a valid certificate with a reason (required). A revoked or superseded one
    is refused (409): its status already says it is no longer valid."""
    reason = reason.strip()
    if not reason:
        raise CertificateError("Give the reason for revoking the certificate.", 422)
    if certificate.status != CertificateStatus.VALID:
        raise CertificateError(
            f"Certificate {certificate.number} is already {certificate.status}.", 409
        )
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_at = now
    certificate.revoked_reason = reason
    db.session.flush()
    record(
        "certificate.revoked", f"certificate:{certificate.id}", actor=actor, at=now, reason=reason
    )
    certificate_revoked.send(current_app._get_current_object(), certificate=certificate)
    return certificate


def reissue_certificate(
    certificate: Certificate, *, actor: User, reason: str, now: datetime
) -> Certificate:
    """Issue a replacement with a fresh snapshot (e.g. after a legal-name correction), a
    new number and a new code. A valid certificate becomes superseded; a revoked one
    stays revoked, and its verification page links to the replacement. A superseded one
    is refused (409): reissue its replacement instead."""
    reason = reason.strip()
    if not reason:
        raise CertificateError("Give the reason for reissuing the certificate.", 422)
    if certificate.status == CertificateStatus.SUPERSEDED:
        raise CertificateError(
            f"Certificate {certificate.number} has already been replaced; reissue its "
            "replacement instead.",
            409,
        )
    completion = db.session.get(Completion, certificate.completion_id)
    return issue_certificate(completion, actor=actor, now=now, replaces=certificate, reason=reason)


def issue_on_completion(sender: object, *, completion: Completion) -> None:
    """Signal receiver: issue at once when the provider issues automatically.

    Whatever goes wrong with the certificate must not cost the learner the completion
    recorded in the same request: a refusal (settings incomplete) or a failure (a broken
    package template) rolls back to a savepoint, is logged, and leaves the completion in
    the approval queue. A failing database is raised: the request keeps nothing.
    """
    if current_provider(images=False).issuing != "automatic":
        return
    try:
        with db.session.begin_nested():
            issue_certificate(completion, actor=None, now=completion.completed_at)
    except CertificateError as error:
        log.warning("Completion %s waits for a certificate: %s", completion.id, error.message)
    except OperationalError:
        # The database itself failed (gone, restarting, disk full): not a certificate
        # problem to park in the queue. The whole request answers 503 and keeps nothing,
        # and the learner's retry records the completion and its certificate together.
        raise
    except Exception:
        log.exception("Completion %s waits for a certificate: issuing failed", completion.id)


def _refuse_duplicate(completion: Completion, replaces: Certificate | None) -> None:
    existing = db.session.scalars(
        select(Certificate).where(Certificate.completion_id == completion.id)
    ).all()
    if any(item.is_valid and item is not replaces for item in existing):
        raise CertificateError(
            "The learner already holds a valid certificate for this module version.", 409
        )
    if replaces is None and existing:
        raise CertificateError(
            "A certificate was already issued for this completion; reissue it instead.", 409
        )


def _numbered(
    completion: Completion, fields: dict, *, actor: User | None, now: datetime, provider: Provider
) -> Certificate:
    year = now.year
    serial = next_serial(year)
    return Certificate(
        number=certificate_number(current_app.config["COURSEKIT_CERTIFICATE_PREFIX"], year, serial),
        year=year,
        serial=serial,
        code=new_code(),
        user_id=completion.user_id,
        module_version_id=completion.module_version_id,
        completion_id=completion.id,
        status=CertificateStatus.VALID,
        fields=fields,
        issued_at=now,
        issued_by_id=actor.id if actor is not None else None,
        expires_at=_add_months(now, provider.validity_months) if provider.validity_months else None,
    )


def _stored_pdf(
    certificate: Certificate, provider: Provider, template: str | None
) -> CertificateFile:
    printable = Printable(
        fields=certificate.fields,
        number=certificate.number,
        code=certificate.code,
        issued_on=certificate.issued_at.date().isoformat(),
        verify_url=verification_url(certificate.code),
        expires_on=certificate.expires_at.date().isoformat() if certificate.expires_at else None,
    )
    html = render_html(
        printable,
        page_size=provider.page_size,
        logo=provider.logo,
        signature=provider.signature,
        template=template,
    )
    content = render_pdf(html)
    return CertificateFile(
        certificate_id=certificate.id,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        page_size=provider.page_size,
        rendered_at=certificate.issued_at,
    )


def _add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)
