"""Reads for the certificate administration pages: the approval queue, search, one
certificate with its lineage, a module's certificates for the zip, and the provider
settings history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import aliased

from coursekit import db
from coursekit.accounts.models import User
from coursekit.audit.models import AuditEntry
from coursekit.certificates.codes import normalise_code
from coursekit.certificates.models import Certificate, CertificateFile
from coursekit.certificates.provider.models import ProviderSettingsRevision
from coursekit.packages.models import ModuleVersion
from coursekit.progress.models import Completion

QUEUE_ROWS = 200
"""Completions listed one by one in the queue; beyond that, "issue all" per version."""

_waiting = ~exists().where(Certificate.completion_id == Completion.id)


# Aliases are built once: building one per call cost about 0.8 ms per request.
_SAVER = aliased(User, name="saver")


def queue_summary() -> list[tuple[ModuleVersion, int]]:
    """Each module version with completions waiting for a certificate, and how many."""
    rows = db.session.execute(
        select(ModuleVersion, func.count(Completion.id))
        .join(Completion, Completion.module_version_id == ModuleVersion.id)
        .where(_waiting)
        .group_by(ModuleVersion.id)
        .order_by(ModuleVersion.module_id, ModuleVersion.id)
    )
    return [(version, count) for version, count in rows]


def queue_rows(limit: int = QUEUE_ROWS) -> list[tuple[Completion, User, ModuleVersion]]:
    """Waiting completions with their learner and module version, oldest first."""
    rows = db.session.execute(
        select(Completion, User, ModuleVersion)
        .join(User, User.id == Completion.user_id)
        .join(ModuleVersion, ModuleVersion.id == Completion.module_version_id)
        .where(_waiting)
        .order_by(Completion.completed_at, Completion.id)
        .limit(limit)
    )
    return [(completion, user, version) for completion, user, version in rows]


def search_certificates(
    text: str, *, limit: int, offset: int
) -> tuple[list[tuple[Certificate, User]], int]:
    """Certificates matching ``text`` — a number, a verification code typed any way, or
    part of the learner's name or email — newest first, and how many match."""
    query = select(Certificate, User).join(User, User.id == Certificate.user_id)
    needle = text.strip()
    if needle:
        matches = [
            Certificate.number == needle.upper(),
            db.contains_text(User.email, needle),
            db.contains_text(User.first_name + " " + User.last_name, needle),
        ]
        code = normalise_code(needle)
        if code is not None:
            matches.append(Certificate.code == code)
        query = query.where(or_(*matches))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.execute(
        query.order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [(certificate, user) for certificate, user in rows], total


@dataclass(frozen=True)
class CertificateRecord:
    """One certificate with its learner, stored file and lineage."""

    certificate: Certificate
    learner: User
    file: CertificateFile | None
    replaces: Certificate | None
    replaced_by: Certificate | None


def certificate_record(number: str) -> CertificateRecord | None:
    """The certificate numbered ``number`` (any letter case) and what surrounds it."""
    found = db.session.execute(
        select(Certificate, User, CertificateFile)
        .join(User, User.id == Certificate.user_id)
        .outerjoin(CertificateFile, CertificateFile.certificate_id == Certificate.id)
        .where(Certificate.number == number.strip().upper())
    ).first()
    if found is None:
        return None
    certificate, learner, file = found
    replaces = (
        db.session.get(Certificate, certificate.replaces_id) if certificate.replaces_id else None
    )
    replaced_by = db.session.scalar(
        select(Certificate).where(Certificate.replaces_id == certificate.id)
    )
    return CertificateRecord(certificate, learner, file, replaces, replaced_by)


@dataclass(frozen=True)
class ArchivedCertificate:
    """A row of the module zip's index."""

    id: int
    number: str
    status: str
    learner: str
    email: str
    version: str
    issued_at: datetime
    sha256: str


def module_certificates(module_id: str, version: str | None) -> list[ArchivedCertificate]:
    """Every certificate of the module (or one version), whatever its status, by number."""
    query = (
        select(
            Certificate.id,
            Certificate.number,
            Certificate.status,
            User.first_name,
            User.last_name,
            User.email,
            ModuleVersion.version,
            Certificate.issued_at,
            CertificateFile.sha256,
        )
        .join(User, User.id == Certificate.user_id)
        .join(ModuleVersion, ModuleVersion.id == Certificate.module_version_id)
        .join(CertificateFile, CertificateFile.certificate_id == Certificate.id)
        .where(ModuleVersion.module_id == module_id)
        .order_by(Certificate.year, Certificate.serial)
    )
    if version is not None:
        query = query.where(ModuleVersion.version == version)
    return [
        ArchivedCertificate(
            row.id,
            row.number,
            row.status,
            f"{row.first_name} {row.last_name}",
            row.email,
            row.version,
            row.issued_at,
            row.sha256,
        )
        for row in db.session.execute(query)
    ]


def stored_pdf(certificate_id: int) -> bytes:
    """The stored PDF of one certificate (read one at a time, so a zip of thousands never
    holds them all in memory)."""
    return db.session.scalar(
        select(CertificateFile.content).where(CertificateFile.certificate_id == certificate_id)
    )


@dataclass(frozen=True)
class ProviderSave:
    """One saved revision of the provider settings: who, when, which keys changed."""

    revision_id: int
    saved_at: datetime
    saved_by: User | None
    changed: list[str]


def provider_history(limit: int = 50) -> list[ProviderSave]:
    """The latest revisions of the provider settings, newest first (two queries)."""
    rows = db.session.execute(
        select(ProviderSettingsRevision.id, ProviderSettingsRevision.saved_at, _SAVER)
        .outerjoin(_SAVER, _SAVER.id == ProviderSettingsRevision.saved_by_id)
        .order_by(ProviderSettingsRevision.id.desc())
        .limit(limit)
    ).all()
    changes = {
        entry.details.get("revision"): entry.details.get("changed", [])
        for entry in db.session.scalars(
            select(AuditEntry).where(
                AuditEntry.subject == "provider", AuditEntry.action == "provider.saved"
            )
        )
    }
    return [ProviderSave(id_, at, user, changes.get(id_, [])) for id_, at, user in rows]
