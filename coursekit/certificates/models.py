"""Certificates, their stored PDFs, the yearly number sequence and roster exports.

A certificate is a snapshot (``fields``): everything printed on it is copied at issue
time, so a later change to a learner's name, a package or the provider settings never
alters a certificate already issued. Only its status changes, from ``valid`` to
``revoked`` or ``superseded``, and each change is also written to the audit log.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coursekit.db import Base, utcnow


class CertificateStatus(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"


class Certificate(Base):
    """One issued certificate for one completion.

    ``number`` is the human-readable number (``CK-2026-000123``) made of ``year`` and
    ``serial``; ``code`` the random verification code (Crockford base 32, 140 bits).
    ``replaces_id`` points at the certificate this one was issued to replace.
    """

    __tablename__ = "coursekit_certificate"
    __table_args__ = (
        CheckConstraint("status IN ('valid', 'revoked', 'superseded')", name="status"),
        CheckConstraint("(status = 'revoked') = (revoked_at IS NOT NULL)", name="revoked_has_date"),
        CheckConstraint("serial > 0", name="serial_positive"),
        UniqueConstraint("year", "serial"),
        Index(
            "uq_coursekit_certificate_one_valid",
            "user_id",
            "module_version_id",
            unique=True,
            sqlite_where=text("status = 'valid'"),
            postgresql_where=text("status = 'valid'"),
        ),
        Index("ix_coursekit_certificate_version", "module_version_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    year: Mapped[int]
    serial: Mapped[int]
    code: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("coursekit_user.id"), index=True)
    module_version_id: Mapped[int] = mapped_column(ForeignKey("coursekit_module_version.id"))
    completion_id: Mapped[int] = mapped_column(ForeignKey("coursekit_completion.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=CertificateStatus.VALID)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("coursekit_user.id"))
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str] = mapped_column(Text, default="")
    replaces_id: Mapped[int | None] = mapped_column(
        ForeignKey("coursekit_certificate.id"), unique=True
    )

    file: Mapped[CertificateFile] = relationship(lazy="raise", uselist=False)

    @property
    def is_valid(self) -> bool:
        return self.status == CertificateStatus.VALID


class CertificateFile(Base):
    """The PDF of a certificate, rendered once at issue and served as stored, so every
    process on every machine hands out the same bytes, whose hash the verification page
    shows."""

    __tablename__ = "coursekit_certificate_file"

    certificate_id: Mapped[int] = mapped_column(
        ForeignKey("coursekit_certificate.id"), primary_key=True
    )
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    page_size: Mapped[str] = mapped_column(String(16))
    rendered_at: Mapped[datetime] = mapped_column(default=utcnow)


class CertificateSequence(Base):
    """The last serial handed out in a year. Taking the next one updates this row inside
    the issuing transaction, so concurrent issuers queue on its lock, and a rolled-back
    issue gives its serial back: numbers have neither gaps nor duplicates."""

    __tablename__ = "coursekit_certificate_sequence"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_serial: Mapped[int] = mapped_column(default=0)


class RosterExport(Base):
    """A roster as it was exported to a board, kept (content and hash) with the other
    records boards may audit."""

    __tablename__ = "coursekit_roster_export"

    id: Mapped[int] = mapped_column(primary_key=True)
    board: Mapped[str] = mapped_column(String(16))
    module_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[str | None] = mapped_column(String(64))
    period_from: Mapped[date | None]
    period_to: Mapped[date | None]
    exported_at: Mapped[datetime] = mapped_column(default=utcnow)
    exported_by_id: Mapped[int | None] = mapped_column(ForeignKey("coursekit_user.id"))
    rows: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
