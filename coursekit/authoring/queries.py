"""Reading staged uploads, and the package content behind them."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from coursekit import db
from coursekit.accounts.models import User
from coursekit.assessment.worksheets.queries import instructor_module_ids
from coursekit.authoring.models import StagedUpload, UploadStatus
from coursekit.packages.archive import load_zip
from coursekit.packages.models import ModuleVersion
from coursekit.packages.queries import current_versions, library
from coursekit.packages.values import ModulePackage

UploadRow = tuple[StagedUpload, User]


# Aliases are built once: building one per call cost about 0.8 ms per request.
_UPLOADER = aliased(User, name="uploader")


def may_author(account: User, module_id: str) -> bool:
    """Whether ``account`` may upload and publish ``module_id``: an administrator, or an
    instructor assigned to it (one query)."""
    modules = instructor_module_ids(account)
    return modules is None or module_id in modules


def upload_page(account: User, *, limit: int, offset: int) -> tuple[list[UploadRow], int]:
    """The uploads of the modules ``account`` authors, newest first, with their uploader,
    and how many there are (two queries, however many rows)."""
    modules = instructor_module_ids(account)
    scope = [] if modules is None else [StagedUpload.module_id.in_(sorted(modules))]
    return _page(select(StagedUpload).where(*scope), limit=limit, offset=offset)


def waiting_page(*, limit: int, offset: int) -> tuple[list[UploadRow], int]:
    """The uploads submitted for approval, oldest first (they have waited longest)."""
    query = select(StagedUpload).where(StagedUpload.status == UploadStatus.SUBMITTED)
    return _page(query, limit=limit, offset=offset, oldest_first=True)


def _page(
    query: Select[tuple[StagedUpload]], *, limit: int, offset: int, oldest_first: bool = False
) -> tuple[list[UploadRow], int]:
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    order = StagedUpload.id if oldest_first else StagedUpload.id.desc()
    rows = db.session.execute(
        query.add_columns(_UPLOADER)
        .join(_UPLOADER, _UPLOADER.id == StagedUpload.uploaded_by_id)
        .order_by(order)
        .limit(limit)
        .offset(offset)
    )
    return [(upload, user) for upload, user in rows], total


def staged_package(upload: StagedUpload) -> ModulePackage:
    """The parsed content of an upload: from this process's cache, or loaded once from
    its stored archive (which passed the same checks when it was staged)."""
    cache = library()
    package = cache.get(upload.content_hash)
    if package is None:
        loaded = load_zip(stored_archive(upload), upload.filename, cache.limits)
        package = cache.remember(loaded.package)
    return package


def stored_archive(upload: StagedUpload) -> bytes:
    """The zip an upload stored. The column is deferred (uploads are listed without their
    archives), so it is read here, on purpose, with a query of its own."""
    return db.session.scalar(select(StagedUpload.archive).where(StagedUpload.id == upload.id))


def newest_published(module_id: str) -> ModuleVersion | None:
    """The newest published (not retired) version of ``module_id``, if any."""
    versions = db.session.scalars(select(ModuleVersion).where(ModuleVersion.module_id == module_id))
    return current_versions(list(versions)).get(module_id)
