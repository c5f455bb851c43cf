"""The audit packet: everything a board auditor asks a provider for about one module
version and period, as one zip (file by file in docs/rosters.md).

The learners are those who completed the version in the period. The zip is written into
a spooled temporary file: it stays in memory up to ``SPOOL_BYTES`` and moves to disk past
that, so a packet of a thousand stored PDFs (tens of megabytes) never sits in memory
whole; each PDF is read from the database and written into the zip one at a time.
"""

from __future__ import annotations

import hashlib
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import IO

from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import User
from coursekit.audit.operations import record
from coursekit.catalog.models import Enrolment
from coursekit.certificates.audit_outline import (
    INSTRUCTOR_COLUMNS,
    course_outline,
    instructor_rows,
)
from coursekit.certificates.audit_records import (
    ATTEMPT_COLUMNS,
    CERTIFICATE_COLUMNS,
    EVALUATION_COLUMNS,
    attempt_rows,
    certificate_rows,
    evaluation_rows,
    name_key,
)
from coursekit.certificates.models import Certificate, CertificateFile
from coursekit.certificates.rosters import Roster, RosterError, RosterRequest, build_roster
from coursekit.packages.models import ModuleVersion
from coursekit.packages.queries import package_for
from coursekit.progress.models import Completion
from coursekit.progress.reports.exports import EVENT_COLUMNS, csv_chunks, event_cells
from coursekit.progress.timeline import events

SPOOL_BYTES = 32 * 1024 * 1024
"""Bytes of zip kept in memory before the packet moves to a temporary file on disk."""
PDF_BATCH = 20
"""Stored PDFs read from the database at a time."""
UNDECOMPOSED = str.maketrans(
    {"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "Æ": "AE", "æ": "ae"}
    | {"Œ": "OE", "œ": "oe", "ß": "ss", "Þ": "Th", "þ": "th", "\u0131": "i"}
)
"""Latin letters Unicode does not decompose into an ASCII letter and a mark."""


@dataclass(frozen=True)
class PacketRequest:
    """Which packet: a module version, optionally the first and last completion day."""

    module_id: str
    version: str
    start: date | None = None
    end: date | None = None


@dataclass
class Packet:
    """A written packet: the zip (rewound, for reading), its hash, size and file names."""

    file: IO[bytes]
    sha256: str
    size: int
    names: list[str]
    learners: int


def _csv(header: tuple[str, ...], rows: object) -> bytes:
    """CSV as the rest of CourseKit writes it: a byte-order mark, every cell defused."""
    return ("\ufeff" + "".join(csv_chunks(header, rows))).encode("utf-8")  # type: ignore[arg-type]


def _slug(user: User) -> str:
    """A file name part for a learner: ASCII name words and the account id, so two
    learners of one name never share a file (``lukasz-orsted-zoe-17``). ASCII, because
    some unzip tools still mangle other names."""
    text = unicodedata.normalize("NFKD", f"{user.last_name} {user.first_name}")
    ascii_text = text.translate(UNDECOMPOSED).encode("ascii", "ignore").decode().lower()
    words = "".join(c if c.isalnum() else " " for c in ascii_text).split()
    return "-".join([*words, str(user.id)])


def _module_version(request: PacketRequest) -> ModuleVersion:
    if request.start and request.end and request.start > request.end:
        raise RosterError(
            f"The period starts ({request.start}) after it ends ({request.end}).", "end"
        )
    version = db.session.scalar(
        select(ModuleVersion).where(
            ModuleVersion.module_id == request.module_id,
            ModuleVersion.version == request.version,
        )
    )
    if version is None:
        raise RosterError(
            f"There is no module {request.module_id!r} with version {request.version!r}.",
            "version",
        )
    return version


def _completions(version: ModuleVersion, request: PacketRequest) -> list[Completion]:
    query = select(Completion).where(Completion.module_version_id == version.id)
    if request.start is not None:
        query = query.where(
            Completion.completed_at >= datetime.combine(request.start, time.min, UTC)
        )
    if request.end is not None:
        query = query.where(Completion.completed_at <= datetime.combine(request.end, time.max, UTC))
    return list(db.session.scalars(query.order_by(Completion.completed_at, Completion.id)))


def write_packet(request: PacketRequest, *, actor: User | None, now: datetime, via: str) -> Packet:
    """Write the packet (``RosterError`` for an unknown version or a reversed period)
    and record it in the audit log (``audit-packet.written``). Only flushes."""
    version = _module_version(request)
    package = package_for(version)
    completions = _completions(version, request)
    user_ids = sorted({completion.user_id for completion in completions})
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
    learners = sorted(users.values(), key=name_key)
    enrolments = list(
        db.session.scalars(
            select(Enrolment)
            .where(Enrolment.module_version_id == version.id, Enrolment.user_id.in_(user_ids))
            .order_by(Enrolment.id)
        )
    )
    certificates = list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.completion_id.in_([c.id for c in completions]))
            .order_by(Certificate.id)
        )
    )
    boards = [credit.board for credit in package.credits]
    rosters = {
        board: build_roster(
            RosterRequest(board, request.module_id, request.version, request.start, request.end)
        )
        for board in boards
    }
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - returned open
    names: list[str] = []
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def add(name: str, content: bytes) -> None:
            archive.writestr(name, content)
            names.append(name)

        waiting = len({c.id for c in completions} - {c.completion_id for c in certificates})
        readme = _readme(request, package.title, actor, now, learners, certificates, rosters)
        if waiting:
            readme += f"{waiting} completions in the period wait for a certificate.\n"
        add("README.txt", readme.encode())
        add("course-outline.md", course_outline(package).encode())
        add(
            "instructors.csv", _csv(INSTRUCTOR_COLUMNS, instructor_rows(package, request.module_id))
        )
        for board, roster in rosters.items():
            add(f"roster-{board}.csv", _csv(roster.columns, roster.rows))
        for learner in learners:
            own = [e.id for e in enrolments if e.user_id == learner.id]
            rows = (event_cells(event) for event in events(own))
            add(f"seat-time/{_slug(learner)}.csv", _csv(EVENT_COLUMNS, rows))
        add("attempts.csv", _csv(ATTEMPT_COLUMNS, attempt_rows(enrolments, users)))
        add("evaluations.csv", _csv(EVALUATION_COLUMNS, evaluation_rows(enrolments, users)))
        add("certificates.csv", _csv(CERTIFICATE_COLUMNS, certificate_rows(certificates)))
        numbers = {certificate.id: certificate.number for certificate in certificates}
        pdfs = db.session.execute(
            select(CertificateFile.certificate_id, CertificateFile.content)
            .where(CertificateFile.certificate_id.in_(list(numbers)))
            .order_by(CertificateFile.certificate_id)
            .execution_options(yield_per=PDF_BATCH)
        )
        for certificate_id, content in pdfs:
            add(f"certificates/{numbers[certificate_id]}.pdf", content)
    digest = hashlib.sha256()
    spool.seek(0)
    for chunk in iter(lambda: spool.read(1024 * 1024), b""):
        digest.update(chunk)
    size = spool.tell()
    spool.seek(0)
    packet = Packet(spool, digest.hexdigest(), size, names, len(learners))
    record(
        "audit-packet.written",
        f"module-version:{version.id}",
        actor=actor,
        at=now,
        via=via,
        module_id=request.module_id,
        version=request.version,
        period_from=request.start.isoformat() if request.start else None,
        period_to=request.end.isoformat() if request.end else None,
        learners=len(learners),
        certificates=len(certificates),
        files=len(names),
        size=size,
        sha256=packet.sha256,
    )
    return packet


def _readme(
    request: PacketRequest,
    title: str,
    actor: User | None,
    now: datetime,
    learners: list[User],
    certificates: list[Certificate],
    rosters: dict[str, Roster],
) -> str:
    who = f"{actor.full_name} <{actor.email}>" if actor is not None else "the command line"
    first = request.start.isoformat() if request.start else "the first completion"
    last = request.end.isoformat() if request.end else "the latest completion"
    lines = [
        f"Audit packet: {title} ({request.module_id}), version {request.version}",
        f"Completions from {first} to {last} (UTC days, both included).",
        f"Generated {now.isoformat(timespec='seconds')} by {who}.",
        f"{len(learners)} learners, {len(certificates)} certificates.",
        "",
        "Contents:",
        "  README.txt            this file",
        "  course-outline.md     the module version as published: objectives, lessons,",
        "                        credit, delivery, assessment rules",
        "  instructors.csv       package authors with credentials; assigned instructors",
        *(
            f"  roster-{board}.csv{' ' * (max(1, 11 - len(board)))}{board} roster "
            f"({len(roster.rows)} rows) from valid certificates"
            for board, roster in rosters.items()
        ),
        "  seat-time/*.csv       each learner's events: enrolment and attestation, lessons,",
        "                        seat time, attempts, evaluation, completion",
        "  attempts.csv          every post-test attempt with its current grade",
        "  evaluations.csv       course evaluation answers, one row per answer",
        "  certificates.csv      every certificate of these completions, with its status",
        "  certificates/*.pdf    the certificates' stored PDFs, as issued",
        "",
        "Column by column: CourseKit's docs/rosters.md.",
    ]
    for board, roster in rosters.items():
        for missing in roster.missing:
            lines.append(f"Not in roster-{board}.csv: {missing}.")
    return "\n".join(lines) + "\n"
