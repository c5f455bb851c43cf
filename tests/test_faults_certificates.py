"""A full disk while a certificate's PDF is stored.

The PDF is stored in the database (``coursekit_certificate_file``), in the transaction
that numbers the certificate, so the database's "disk full" on that insert stands for the
disk filling up; the PDF renderer's own ``ENOSPC`` (a full temporary folder) is tried
too. Issue, bulk issue, reissue and the automatic issue on completion must then keep
nothing half-done (no certificate without its PDF, no serial used up, no mail), tell the
person clearly (503, "run out of storage space"), and succeed on the retry once space is
freed.
"""

from __future__ import annotations

import errno
import sqlite3
from typing import Any

import psycopg
import pytest
from flask import Flask
from sqlalchemy import event, func, select

from coursekit import db
from coursekit.accounts.models import Role
from coursekit.certificates.models import Certificate, CertificateFile, CertificateStatus
from coursekit.errors import RETRY_AFTER_SECONDS
from coursekit.progress.models import Completion
from tests.certificate_records import certificate_settings, completed, issue
from tests.helpers import csrf_token, login, make_user
from tests.package_factory import write_completable_module, write_package
from tests.report_records import version_id
from tests.test_certificate_on_completion import complete_the_module

QUEUE = "/admin/certificates/queue"
FULL = "run out of storage space"


class FullDisk:
    """While ``full``, every insert of a certificate PDF fails as it does when the
    database's disk is full: SQLite's ``SQLITE_FULL``, PostgreSQL's ``disk_full``."""

    def __init__(self, app: Flask) -> None:
        self.full = False
        engine = app.extensions["coursekit"].db.engine
        self.postgresql = engine.dialect.name == "postgresql"
        event.listen(engine, "do_execute", self._execute)

    def _execute(self, _cursor: Any, statement: str, *_args: Any) -> None:
        if self.full and statement.lstrip().upper().startswith(
            "INSERT INTO COURSEKIT_CERTIFICATE_FILE"
        ):
            if self.postgresql:
                raise psycopg.errors.DiskFull("could not extend file: No space left on device")
            error = sqlite3.OperationalError("database or disk is full")
            error.sqlite_errorcode = sqlite3.SQLITE_FULL
            raise error


@pytest.fixture
def app(make_app, tmp_path):
    write_package(tmp_path, "calf")
    return make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"),
        COURSEKIT_PUBLISH_ON_START=True,
        **certificate_settings(provider={"issuing": "approval"}),
    )


@pytest.fixture
def content(tmp_path):
    return write_completable_module(tmp_path)


@pytest.fixture
def admin(app):
    client = app.test_client()
    make_user(app, "admin@example.org", Role.ADMIN)
    login(client, "admin@example.org")
    return client


def post(client, url: str, **data):
    return client.post(url, data={"csrf_token": csrf_token(client, QUEUE), **data})


def stored(app) -> list[tuple[str, int, str, bool]]:
    """Each certificate: number, serial, status, and whether its PDF is stored."""
    with app.app_context():
        rows = db.session.execute(
            select(Certificate.number, Certificate.serial, Certificate.status, CertificateFile.size)
            .outerjoin(CertificateFile)
            .order_by(Certificate.serial)
        )
        return [(number, serial, status, bool(size)) for number, serial, status, size in rows]


def assert_storage_refusal(response) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert FULL in response.text and "Traceback" not in response.text


@pytest.fixture(params=["database", "renderer"])
def full_disk(request, app, monkeypatch):
    """The disk where the PDF goes: the database's, or the renderer's temporary folder
    (``render_pdf`` raising ENOSPC); ``fill()`` fills it and ``free()`` frees it."""
    disk = FullDisk(app)

    def renderer_full(_html: str) -> bytes:
        raise OSError(errno.ENOSPC, "No space left on device")

    if request.param == "database":
        disk.fill = lambda: setattr(disk, "full", True)
        disk.free = lambda: setattr(disk, "full", False)
    else:
        disk.fill = lambda: monkeypatch.setattr(
            "coursekit.certificates.operations.render_pdf", renderer_full
        )
        disk.free = monkeypatch.undo
    return disk


def test_approving_on_a_full_disk_keeps_nothing_and_the_retry_issues(
    app, admin, full_disk, mail_outbox
):
    zoe = completed(app, "zoe@example.org")
    full_disk.fill()
    assert_storage_refusal(post(admin, f"{QUEUE}/approve", completion=[str(zoe)]))
    assert stored(app) == [] and mail_outbox == []
    full_disk.free()
    assert post(admin, f"{QUEUE}/approve", completion=[str(zoe)]).status_code == 302
    ((number, serial, status, has_pdf),) = stored(app)
    assert serial == 1 and status == CertificateStatus.VALID and has_pdf
    assert [m for m in mail_outbox if number in m.get_content()]


def test_a_bulk_issue_stops_at_the_full_disk_and_a_rerun_carries_on(app, admin, full_disk):
    first = completed(app, "ann@example.org")
    completed(app, "bob@example.org")
    issue(app, first)
    full_disk.fill()
    response = post(admin, f"{QUEUE}/issue-all", module_version_id=version_id(app, "calf", "1.0.0"))
    assert_storage_refusal(response)
    assert [(serial, has_pdf) for _n, serial, _s, has_pdf in stored(app)] == [(1, True)]
    full_disk.free()
    response = post(admin, f"{QUEUE}/issue-all", module_version_id=version_id(app, "calf", "1.0.0"))
    assert response.status_code == 302
    assert [(serial, has_pdf) for _n, serial, _s, has_pdf in stored(app)] == [(1, True), (2, True)]


def test_a_reissue_on_a_full_disk_leaves_the_old_certificate_valid(app, admin, full_disk):
    old = issue(app, completed(app, "zoe@example.org"))
    full_disk.fill()
    url = f"/admin/certificates/{old.number}/reissue"
    token = csrf_token(admin, f"/admin/certificates/{old.number}")
    response = admin.post(url, data={"csrf_token": token, "reason": "Legal name corrected"})
    assert_storage_refusal(response)
    assert stored(app) == [(old.number, 1, CertificateStatus.VALID, True)]
    full_disk.free()
    assert (
        admin.post(url, data={"csrf_token": token, "reason": "Legal name corrected"}).status_code
        == 302
    )
    assert [(s, status) for _n, s, status, _p in stored(app)] == [
        (1, CertificateStatus.SUPERSEDED),
        (2, CertificateStatus.VALID),
    ]


def test_the_automatic_issue_on_a_full_database_disk_keeps_nothing_until_the_retry(
    make_app,
    content,
    clock,
    mail_outbox,
):
    app = make_app(
        COURSEKIT_MODULES_PATH=str(content / "modules"),
        COURSEKIT_PUBLISH_ON_START=True,
        COURSEKIT_HEARTBEAT_LIMIT="1000 per minute",
        **certificate_settings(provider={"issuing": "automatic"}),
    )
    disk = FullDisk(app)
    disk.full = True
    learner = complete_the_module(app, clock)
    with app.app_context():
        # The completing heartbeats answered 503: no completion, no certificate, no mail.
        assert db.session.scalar(select(func.count()).select_from(Completion)) == 0
    assert stored(app) == [] and not [m for m in mail_outbox if "certificate" in m["Subject"]]
    disk.full = False
    lesson = "/modules/calf/lessons/02-needling"
    clock.advance(seconds=30)
    learner.post(f"{lesson}/heartbeat", data={"csrf_token": csrf_token(learner, lesson)})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Completion)) == 1
    ((number, serial, _status, has_pdf),) = stored(app)
    assert serial == 1 and has_pdf
    assert [m for m in mail_outbox if number in m.get_content()]
