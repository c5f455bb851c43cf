"""Staging, publishing, submitting, approving, rejecting and withdrawing uploads.

Each operation checks every rule before it writes, so a refusal leaves nothing behind;
each change is a new row or a status change with an audit entry. Operations only flush:
the request commits.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from coursekit import db
from coursekit.accounts.models import Role, User
from coursekit.audit.operations import record
from coursekit.authoring.models import OPEN_STATUSES, StagedUpload, UploadStatus
from coursekit.authoring.queries import may_author, newest_published, stored_archive
from coursekit.authoring.staging import check_upload
from coursekit.packages.archive import load_zip, pack
from coursekit.packages.discovery import LoadReport
from coursekit.packages.models import ModuleVersion
from coursekit.packages.operations import publish_new_versions
from coursekit.packages.problems import PackageInvalid
from coursekit.packages.queries import library
from coursekit.packages.reporting import ValidationReport, validation_report


class UploadRefused(Exception):
    """A request the authoring rules refuse: its message, the HTTP status that says why,
    and the validation report when the package itself is the reason."""

    def __init__(self, message: str, status: int, report: ValidationReport | None = None) -> None:
        super().__init__(message)
        self.message, self.status, self.report = message, status, report


def approval_required() -> bool:
    """Whether instructors' versions wait for an administrator (``COURSEKIT_MODULE_APPROVAL``)."""
    return bool(current_app.config["COURSEKIT_MODULE_APPROVAL"])


def stage_upload(data: bytes, filename: str, *, actor: User, now: datetime) -> StagedUpload:
    """Keep a valid upload as a staged version of its module.

    Refused, keeping nothing: an invalid package (422, with the report), a module the
    actor is not assigned to (403), content that is already published (409) or a
    version number published with other content (409, with the report). An open upload
    of the same version is withdrawn: the new one replaces it.
    """
    staged = check_upload(data, filename)
    if staged.published is not None:
        row = staged.published
        raise UploadRefused(
            f"This content is already published as {row.module_id} {row.version}; "
            "nothing was kept.",
            409,
            staged.report,
        )
    if staged.loaded is None:
        raise UploadRefused(
            "The package has problems (listed below); nothing was kept. Fix them and "
            "upload it again.",
            409 if staged.version_taken else 422,
            staged.report,
        )
    package = staged.loaded.package
    if not may_author(actor, package.id):
        raise UploadRefused(
            f"You are not assigned to module {package.id!r}, so you cannot upload it; an "
            "administrator assigns instructors to modules. Nothing was kept.",
            403,
        )
    upload = StagedUpload(
        module_id=package.id,
        version=package.version,
        title=package.title,
        content_hash=package.content_hash,
        filename=filename[:200],
        archive=pack(package),
        warnings=[[w.path, w.line, w.column, w.message] for w in staged.loaded.warnings],
        status=UploadStatus.STAGED,
        uploaded_by_id=actor.id,
        uploaded_at=now,
    )
    db.session.add(upload)
    db.session.flush()
    for older in _open_uploads(package.id, package.version, but=upload.id):
        _close(older, UploadStatus.WITHDRAWN, actor, now, f"replaced by upload #{upload.id}")
    record(
        "upload.staged",
        _subject(upload),
        actor=actor,
        at=now,
        module_id=upload.module_id,
        version=upload.version,
        content_hash=upload.content_hash,
        filename=upload.filename,
        warnings=len(upload.warnings),
    )
    return upload


def _open_uploads(module_id: str, version: str, *, but: int) -> list[StagedUpload]:
    return list(
        db.session.scalars(
            select(StagedUpload).where(
                StagedUpload.module_id == module_id,
                StagedUpload.version == version,
                StagedUpload.status.in_(OPEN_STATUSES),
                StagedUpload.id != but,
            )
        )
    )


def publish_upload(
    upload: StagedUpload, *, actor: User, now: datetime, base_hash: str, reason: str = ""
) -> ModuleVersion:
    """Publish a staged version (an assigned instructor, unless the provider approves
    versions; or an administrator, who may also publish a submitted one).

    ``base_hash`` is the hash of the published version the actor's diff was made
    against ("" for a first version): if another version was published since, the
    publish is refused (409) so that nobody publishes over a diff they have not read.
    The archive is validated again: a version that no longer passes is refused (422).
    """
    is_admin = actor.has_role(Role.ADMIN)
    allowed = (UploadStatus.STAGED, UploadStatus.SUBMITTED) if is_admin else (UploadStatus.STAGED,)
    _check_open(upload, allowed)
    if not may_author(actor, upload.module_id):
        raise UploadRefused(f"You are not assigned to module {upload.module_id!r}.", 403)
    if approval_required() and not is_admin:
        raise UploadRefused(
            "This provider approves every module version: submit it for approval instead.", 403
        )
    current = newest_published(upload.module_id)
    if (current.content_hash if current else "") != base_hash:
        raise UploadRefused(
            f"Another version of {upload.module_id} was published since this diff was "
            "shown; read the new diff before publishing.",
            409,
        )
    try:
        loaded = load_zip(stored_archive(upload), upload.filename, library().limits)
    except PackageInvalid as exc:
        report = LoadReport(problems={upload.filename: exc.problems})
        raise UploadRefused(
            "This version no longer passes validation; it cannot be published.",
            422,
            validation_report(report),
        ) from None
    if loaded.package.content_hash != upload.content_hash:
        raise UploadRefused("The stored version does not match its content hash.", 409)
    report = LoadReport(loaded=[loaded])
    try:
        with db.session.begin_nested():
            added = publish_new_versions(report, actor=actor, reason=reason, now=now)
    except IntegrityError:
        added = []
    if not added:
        raise UploadRefused(
            f"Version {upload.version} of {upload.module_id} is already published "
            "(perhaps at this moment); bump the version and upload it again.",
            409,
            validation_report(report) if report.problems else None,
        )
    version = added[0]
    library().remember(loaded.package)
    upload.module_version_id = version.id
    _close(upload, UploadStatus.PUBLISHED, actor, now, reason)
    return version


def submit_upload(upload: StagedUpload, *, actor: User, now: datetime) -> StagedUpload:
    """Submit a staged version for an administrator's approval."""
    _check_open(upload, (UploadStatus.STAGED,))
    if not may_author(actor, upload.module_id):
        raise UploadRefused(f"You are not assigned to module {upload.module_id!r}.", 403)
    upload.status = UploadStatus.SUBMITTED
    upload.submitted_at = now
    db.session.flush()
    record(
        "upload.submitted",
        _subject(upload),
        actor=actor,
        at=now,
        before=UploadStatus.STAGED.value,
        after=upload.status,
    )
    return upload


def reject_upload(upload: StagedUpload, *, actor: User, reason: str, now: datetime) -> None:
    """Reject a submitted version, with the reason the instructor will read."""
    reason = reason.strip()
    if not reason:
        raise UploadRefused("Give the reason for rejecting this version.", 422)
    _check_open(upload, (UploadStatus.SUBMITTED,))
    _close(upload, UploadStatus.REJECTED, actor, now, reason)


def withdraw_upload(upload: StagedUpload, *, actor: User, reason: str, now: datetime) -> None:
    """Withdraw a staged or submitted version: it can no longer be published."""
    _check_open(upload, OPEN_STATUSES)
    if not may_author(actor, upload.module_id):
        raise UploadRefused(f"You are not assigned to module {upload.module_id!r}.", 403)
    _close(upload, UploadStatus.WITHDRAWN, actor, now, reason.strip())


def _check_open(upload: StagedUpload, allowed: tuple[UploadStatus, ...]) -> None:
    if upload.status not in allowed:
        raise UploadRefused(
            f"Upload #{upload.id} is {upload.status}; it can no longer be changed that way.", 409
        )


def _close(
    upload: StagedUpload,
    status: UploadStatus,
    actor: User,
    now: datetime,
    reason: str,
) -> None:
    before = upload.status
    upload.status = status
    upload.decided_by_id = actor.id
    upload.decided_at = now
    upload.reason = reason
    db.session.flush()
    record(
        f"upload.{status}",
        _subject(upload),
        actor=actor,
        at=now,
        reason=reason,
        module_id=upload.module_id,
        version=upload.version,
        before=before,
        after=status.value,
    )


def _subject(upload: StagedUpload) -> str:
    return f"upload:{upload.id}"
