"""Fixtures of the example host site's own tests.

The app fixture is called ``site``, not ``app``: pytest-flask (installed with CourseKit's
test extra) would otherwise push one request context for the whole test, which shares
``g`` (and with it the database sessions and the signed-in user) between requests.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from host_site import create_app, members

PASSWORD = "a long member passphrase"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Flask]:
    """The site on fresh databases, migrated and with the bundled seminars published,
    exactly as its operator sets it up (docs/integration.md, steps 2 and 3)."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "HOST_DATABASE": str(tmp_path / "members.sqlite3"),
            "COURSEKIT_DATABASE_URL": f"sqlite:///{tmp_path / 'coursekit.sqlite3'}",
        },
        instance_path=str(tmp_path / "instance"),
    )
    cli = app.test_cli_runner()
    for command in (["coursekit", "db", "upgrade"], ["coursekit", "modules", "reload"]):
        result = cli.invoke(args=command)
        assert result.exit_code == 0, result.output
    with app.app_context():
        members.add_member("mei@members.example", "Mei", PASSWORD)
        members.add_member("kai@members.example", "Kai", PASSWORD)
    yield app
    app.extensions["coursekit"].db.engine.dispose()
