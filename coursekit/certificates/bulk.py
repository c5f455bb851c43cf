"""Many certificates at once: the completions still waiting for one and the loop that
issues them (shared by the approval queue and ``coursekit certificates issue``), and a
module's certificates as one zip.

The loop commits after each certificate. An interrupted run (a closed terminal, a worker
killed at its timeout) so keeps every certificate issued before it stopped, and running
it again carries on with the completions still waiting; on SQLite it also lets other
writers (learners' seat time) in between certificates instead of after the whole batch.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import exists, select

from coursekit import db
from coursekit.accounts.models import User
from coursekit.certificates.admin_queries import ArchivedCertificate, stored_pdf
from coursekit.certificates.models import Certificate
from coursekit.certificates.operations import CertificateError, issue_certificate
from coursekit.db import MAX_ID, utcnow
from coursekit.packages.models import ModuleVersion
from coursekit.progress.models import Completion
from coursekit.spreadsheet import defused

_never_issued = ~exists().where(Certificate.completion_id == Completion.id)
"""A completion is eligible while no certificate was ever issued for it: one revoked or
replaced is dealt with on its own page (reissue), not issued again from the queue."""


def eligible_completion_ids(module_version_ids: Iterable[int]) -> list[int]:
    """The completions of these module versions without a certificate, oldest first."""
    return list(
        db.session.scalars(
            select(Completion.id)
            .where(Completion.module_version_id.in_(list(module_version_ids)), _never_issued)
            .order_by(Completion.completed_at, Completion.id)
        )
    )


APPROVED_REASON = "approved in the queue"
BULK_REASON = "issued in bulk"
"""The reasons the audit log keeps for certificates issued from the queue."""


def waiting_of_version(module_version_id: int) -> tuple[ModuleVersion, list[int]] | None:
    """The module version and its completions waiting for a certificate (the queue's
    "issue all"); None when there is no such version."""
    if not 0 < module_version_id <= MAX_ID:
        return None
    version = db.session.get(ModuleVersion, module_version_id)
    if version is None:
        return None
    return version, eligible_completion_ids([version.id])


def module_versions(module_id: str, version: str | None = None) -> list[ModuleVersion]:
    """The published versions of ``module_id`` (only ``version`` when given), oldest first."""
    query = select(ModuleVersion).where(ModuleVersion.module_id == module_id)
    if version is not None:
        query = query.where(ModuleVersion.version == version)
    return list(db.session.scalars(query.order_by(ModuleVersion.id)))


@dataclass
class BulkResult:
    """What a bulk issue did: the numbers issued, and each refusal in words."""

    issued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    """The HTTP status of each refusal (409 already issued, 404 no such completion…)."""


def issue_each(
    completion_ids: Iterable[int],
    *,
    actor: User | None,
    reason: str = "",
    after_each: Callable[[], None] = lambda: None,
) -> BulkResult:
    """Issue the certificate of each completion, committing after each one. A refusal
    (already issued, issued by someone else at the same moment, settings incomplete, no
    such completion) is reported and the others are still issued. ``after_each`` is
    called once per completion (a progress bar's step).

    A refusal rolls back to a savepoint: rolling back the whole session would expire every
    loaded object (the actor among them), each to be loaded again."""
    result = BulkResult()
    for completion_id in completion_ids:
        try:
            with db.session.begin_nested():
                completion = db.session.get(Completion, completion_id)
                if completion is None:
                    raise CertificateError(f"There is no completion {completion_id}.", 404)
                certificate = issue_certificate(
                    completion, actor=actor, now=utcnow(), reason=reason
                )
            db.session.commit()
            result.issued.append(certificate.number)
        except CertificateError as refusal:
            result.failed.append(f"{_who(completion_id)}: {refusal.message}")
            result.statuses.append(refusal.status)
        after_each()
    return result


def _who(completion_id: int) -> str:
    """The learner and module of a completion, to name it in a failure message."""
    row = db.session.execute(
        select(User.first_name, User.last_name, ModuleVersion.module_id, ModuleVersion.version)
        .join(Completion, Completion.user_id == User.id)
        .join(ModuleVersion, ModuleVersion.id == Completion.module_version_id)
        .where(Completion.id == completion_id)
    ).first()
    if row is None:
        return f"Completion {completion_id}"
    return f"{row.first_name} {row.last_name} ({row.module_id} {row.version})"


INDEX_COLUMNS = ("number", "status", "learner", "email", "version", "issued", "sha256")


class _Chunks(io.RawIOBase):
    """A write-only stream that hands back what was written since the last ``take``:
    zipfile writes into it (without seeking, using data descriptors) and the response
    sends each piece as soon as it is complete."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self._parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def certificates_zip(rows: list[ArchivedCertificate]) -> Iterator[bytes]:
    """A zip of the stored PDFs (``<number>-<status>.pdf``, exactly the bytes served to
    learners, so each matches the sha256 in the index) and ``certificates.csv``, produced
    one file at a time."""
    stream = _Chunks()
    with zipfile.ZipFile(stream, "w") as archive:
        for row in rows:
            # PDFs are compressed already: stored as they are.
            name = f"{row.number}-{row.status}.pdf"
            archive.writestr(name, stored_pdf(row.id), zipfile.ZIP_STORED)
            yield stream.take()
        index = io.StringIO()
        writer = csv.writer(index)
        writer.writerow(INDEX_COLUMNS)
        for row in rows:
            cells = (row.number, row.status, row.learner, row.email, row.version)
            issued = row.issued_at.isoformat(timespec="seconds")
            writer.writerow([defused(cell) for cell in (*cells, issued, row.sha256)])
        archive.writestr("certificates.csv", index.getvalue(), zipfile.ZIP_DEFLATED)
    yield stream.take()
