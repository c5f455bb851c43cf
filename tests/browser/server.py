"""A real CourseKit server for the browser tests: ``coursekit serve`` in its own process,
on 127.0.0.1, with a fresh SQLite database and instance folder per journey.

The test process opens the same database through :meth:`LiveServer.app` to set up what a
journey starts from (accounts, assignments) and to look up what only the server knows
(the questions an attempt drew); everything a user does goes through the browser.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select

from coursekit import create_app, db
from coursekit.accounts.models import Role, User
from coursekit.accounts.queries import user_by_email
from coursekit.assessment.attempts.models import Attempt
from coursekit.assessment.quizzes import resolve
from coursekit.catalog.models import Enrolment
from coursekit.packages.models import ModuleVersion
from coursekit.packages.queries import package_for
from coursekit.packages.values import ModulePackage
from tests.certificate_records import PROVIDER
from tests.helpers import PASSWORD, assign, make_user
from tests.test_seminars import package, questions_of

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 30


def free_port() -> int:
    """A port nothing listens on now (the server binds it a moment later)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LiveServer:
    """One server process and its database. ``settings`` are ``COURSEKIT_*`` values."""

    def __init__(self, folder: Path, settings: dict[str, Any]) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = folder / "server.log"
        self.settings = {
            "COURSEKIT_DATABASE_URL": f"sqlite:///{folder / 'coursekit.sqlite3'}",
            "COURSEKIT_SECRET_KEY": "browser-test-secret",
            "COURSEKIT_MODULES_PATH": str(ROOT / "modules"),
            "COURSEKIT_PUBLIC_URL": self.url,
            "COURSEKIT_PROVIDER": PROVIDER,
            # A journey reads a two-hour module in 3 seconds (the pages say so in a banner).
            "COURSEKIT_SEAT_TIME_SCALE": 0.0004,
            "COURSEKIT_HEARTBEAT_SECONDS": 2,
            "COURSEKIT_MAIL_SENDER": "log",
            # As in the in-process tests: a lazy load in a request fails the journey.
            "COURSEKIT_RAISE_ON_LAZY_LOAD": True,
            **settings,
        }
        self._process: subprocess.Popen[bytes] | None = None
        self._app: Flask | None = None

    @property
    def app(self) -> Flask:
        """The app in the test process, on the server's database (created and migrated on
        first use, with the modules published)."""
        if self._app is None:
            config = {"COURSEKIT_PUBLISH_ON_START": True, **self.settings}
            self._app = create_app(config)
        return self._app

    def user(self, email: str, *roles: Role, **profile: str) -> str:
        """Create an account (password ``PASSWORD``); returns its email."""
        make_user(self.app, email, *roles, **profile)
        return email

    def user_id(self, email: str) -> int:
        with self.app.app_context():
            return user_by_email(email).id

    def assign(self, email: str, module_id: str) -> None:
        """Make an instructor responsible for a module (the CLI's operation)."""
        assign(self.app, email, module_id)

    def package(self, module_id: str) -> ModulePackage:
        """The bundled module as the server loaded it (titles, lessons, worksheet)."""
        return package(module_id)

    def worksheet_questions(self, module_id: str) -> list[dict[str, Any]]:
        seminar = package(module_id)
        return questions_of(seminar, seminar.worksheet)

    def attempt_questions(self, email: str, module_id: str) -> list[tuple[dict, Any]]:
        """The questions of the learner's newest attempt, in order, with their
        arrangements: what the test must know to answer as a learner who knows the
        material would."""
        with self.app.app_context():
            attempt = db.session.scalars(
                select(Attempt)
                .join(Enrolment, Enrolment.id == Attempt.enrolment_id)
                .join(User, User.id == Enrolment.user_id)
                .join(ModuleVersion, ModuleVersion.id == Enrolment.module_version_id)
                .where(User.email == email, ModuleVersion.module_id == module_id)
                .order_by(Attempt.id.desc())
                .limit(1)
            ).one()
            seminar = package_for(attempt.enrolment.module_version)
            return [(resolve(seminar, item), item["arrangement"]) for item in attempt.questions]

    def start(self) -> None:
        _ = self.app  # the database is ready before the server opens it
        environment = {**os.environ, "COURSEKIT_INSTANCE_PATH": str(self.folder / "instance")}
        for key, value in self.settings.items():
            environment[key] = value if isinstance(value, str) else json.dumps(value)
        # The command a provider types (the venv's console script), not an import.
        coursekit = str(Path(sys.executable).with_name("coursekit"))
        command = [coursekit, "serve", "--port", str(self.port)]
        with self.log.open("wb") as log:
            self._process = subprocess.Popen(  # noqa: S603 - our own command, no shell
                command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"the server stopped at start:\n{self.log.read_text()}")
            try:
                # An http:// address we built ourselves.
                with urllib.request.urlopen(f"{self.url}/modules", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"the server did not answer within {STARTUP_SECONDS} s")

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
        if self._app is not None:
            self._app.extensions["coursekit"].db.engine.dispose()


@contextmanager
def running(folder: Path, **settings: Any) -> Iterator[LiveServer]:
    """A started server that is stopped afterwards, whatever happens."""
    server = LiveServer(folder, settings)
    try:
        server.start()
        yield server
    finally:
        server.stop()


__all__ = ["PASSWORD", "LiveServer", "running"]
