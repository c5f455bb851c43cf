"""Uploading packed modules in tests: zips of valid or broken packages, and the counts
that show nothing was kept after a refusal."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from coursekit import db
from coursekit.accounts.models import ModuleAssignment, Role
from coursekit.audit.models import AuditEntry
from coursekit.authoring.models import StagedUpload
from coursekit.packages.archive import pack
from coursekit.packages.discovery import package_candidate
from coursekit.packages.loader import load_package
from coursekit.packages.models import ModuleVersion
from tests.helpers import csrf_token, login, make_user
from tests.package_factory import write_package

UPLOADS = "/teach/uploads"


def packed(root: Path, module_id: str = "calf", **overrides: object) -> bytes:
    """A valid package written under ``root`` (fresh per call), packed as coursekit packs."""
    folder = write_package(root, module_id, **overrides)
    candidate = package_candidate(folder)
    return pack(load_package(candidate.files, candidate.shared).package)


def zip_of(entries: list[tuple[str | zipfile.ZipInfo, bytes]]) -> bytes:
    """A zip of ``(name or ZipInfo, bytes)`` entries."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def with_entry(data: bytes, name: str | zipfile.ZipInfo, content: bytes) -> bytes:
    """``data`` (a zip) with one more entry, or with the entry of that name replaced."""
    key = name.filename if isinstance(name, zipfile.ZipInfo) else name
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = [
            (info, archive.read(info)) for info in archive.infolist() if info.filename != key
        ]
    return zip_of([*entries, (name, content)])


def symlink_entry(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target.encode()


def instructor(app: Flask, client: FlaskClient, *modules: str, email: str = "teach@example.org"):
    """Sign in an instructor assigned to ``modules``; returns their id."""
    user_id = make_user(app, email, Role.INSTRUCTOR)
    with app.app_context():
        for module_id in modules:
            db.session.add(ModuleAssignment(user_id=user_id, module_id=module_id))
        db.session.commit()
    login(client, email)
    return user_id


def upload(client: FlaskClient, data: bytes, filename: str = "calf.zip") -> TestResponse:
    """Post ``data`` as the upload form does."""
    token = csrf_token(client, UPLOADS)
    return client.post(
        UPLOADS,
        data={"csrf_token": token, "archive": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def counts(app: Flask) -> tuple[int, int, int]:
    """Staged uploads, published versions and audit entries, to show nothing was kept."""
    with app.app_context():
        return tuple(  # type: ignore[return-value]
            db.session.scalar(select(func.count()).select_from(model))
            for model in (StagedUpload, ModuleVersion, AuditEntry)
        )
