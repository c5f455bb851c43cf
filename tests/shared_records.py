"""One app and one set of records for a whole test file, per database.

Writing the sample records (``tests/sample_records.py``) takes seconds; files whose tests
only read them built the same records again for every test. Such a file builds them once
in a module-scoped fixture on :func:`file_app` (the pattern of ``world`` in
``tests/test_authz_matrix.py``) and hands each test the app through :func:`fresh_limits`.
A test there that writes puts back what it changed, so the next test finds the records as
they were built; :func:`unchanged` checks that after every test.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import delete, func, select

from coursekit import create_app, db
from coursekit.accounts.models import User
from coursekit.models import Base
from tests.authz_records import changed_tables, snapshot
from tests.certificate_records import certificate_settings
from tests.helpers import app_config
from tests.test_seminars import ROOT


@contextmanager
def file_app(database_url: str, folder: Path, **settings: object) -> Iterator[Flask]:
    """An app serving the bundled modules, with a provider, on ``database_url``; its
    instance folder in ``folder``. Every row is wiped afterwards."""
    outbox: list[EmailMessage] = []
    with pytest.MonkeyPatch.context() as patch:
        # Read by create_app only: unset again before the tests, so an app a test builds
        # on its own (a host app) gets its usual instance folder.
        patch.setenv("COURSEKIT_INSTANCE_PATH", str(folder / "instance"))
        app = create_app(
            app_config(
                database_url,
                COURSEKIT_MAIL_SENDER=lambda _app, message: outbox.append(message),
                COURSEKIT_MODULES_PATH=str(ROOT / "modules"),
                COURSEKIT_PUBLISH_ON_START=True,
                **{**certificate_settings(), **settings},
            )
        )
    engine = app.extensions["coursekit"].db.engine
    try:
        yield app
    finally:
        with engine.begin() as connection:
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(delete(table))
        engine.dispose()


def fresh_limits(app: Flask) -> Flask:
    """``app`` with its rate-limit counters emptied (they live in the app's memory): each
    test may sign in and verify as often as it could on an app of its own."""
    app.extensions["coursekit"].limiter.reset()
    return app


@contextmanager
def rows_added_removed(app: Flask, *models: type[Base]) -> Iterator[None]:
    """Deletes the rows of ``models`` the block added (ids past the newest before it):
    for reads that record something, such as opening a lesson."""
    with app.app_context():
        newest = {model: db.session.scalar(select(func.max(model.id))) or 0 for model in models}
    yield
    with app.app_context():
        for model, last in newest.items():
            db.session.execute(delete(model).where(model.id > last))
        db.session.commit()


# Signing in stamps the account's last sign-in: every test signs in, none reads it.
_STAMPS = {User.__table__.c.last_login_at}


@contextmanager
def unchanged(app: Flask) -> Iterator[None]:
    """Fails when the block leaves any table's rows other than it found them (besides
    sign-in times): a test sharing the file's records must put back what it wrote."""
    before = snapshot(app, leave_out=_STAMPS)
    yield
    changed = changed_tables(before, snapshot(app, leave_out=_STAMPS))
    assert not changed, f"the test left the shared records changed in {changed}"
