"""``CourseKit``: the Flask extension. Mount it in any app with ``init_app``."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from flask_limiter import Limiter
from flask_login import LoginManager

from coursekit import db
from coursekit.accounts.queries import user_for_session
from coursekit.assessment.registry import registry
from coursekit.blueprint import make_blueprint
from coursekit.certificates.operations import issue_on_completion
from coursekit.certificates.provider.schemas import check_provider_setting
from coursekit.cli import coursekit_group
from coursekit.config import DEFAULTS
from coursekit.mail import MailSender, resolve_sender
from coursekit.packages.library import Library
from coursekit.packages.sources import Limits
from coursekit.progress.rules import check_seat_time_scale
from coursekit.ratelimit import make_limiter
from coursekit.signals import module_completed
from coursekit.webhooks.outbox import connect_outbox


@dataclass
class CourseKitState:
    """Everything coursekit keeps per app, found at ``app.extensions["coursekit"]``."""

    db: db.Database
    limiter: Limiter
    mail_sender: MailSender
    own_login: bool
    """True when coursekit installed the ``LoginManager`` (no host login to reuse)."""
    library: Library
    api_documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    """The API's OpenAPI document per base address, built on first request: it changes
    only with the code (``coursekit.api.openapi.api_document``)."""
    api_document_bodies: dict[str, bytes] = field(default_factory=dict)
    """The same documents serialised, as ``openapi.json`` serves them."""


BUNDLED_MODULES = Path(__file__).resolve().parent.parent / "modules"
"""The ``modules/`` folder of a CourseKit checkout, used when no path is configured."""


def modules_paths(setting: str | list[str] | None) -> list[Path]:
    """``COURSEKIT_MODULES_PATH`` as folders: a list, or text separated like ``PATH``."""
    if not setting:
        return [BUNDLED_MODULES]
    parts = setting.split(os.pathsep) if isinstance(setting, str) else setting
    return [Path(part) for part in parts if part]


class CourseKit:
    """The CourseKit extension.

    ``CourseKit(app)`` or, with an app factory, ``ck = CourseKit()`` then
    ``ck.init_app(app, url_prefix="/ce")``. The extension keeps no reference to an app;
    per-app state lives in ``app.extensions["coursekit"]``.
    """

    def __init__(self, app: Flask | None = None, **init_options: str) -> None:
        if app is not None:
            self.init_app(app, **init_options)

    def init_app(self, app: Flask, url_prefix: str = "") -> None:
        """Register coursekit's pages under ``url_prefix`` and its state on ``app``."""
        if "coursekit" in app.extensions:
            raise RuntimeError("CourseKit is already registered on this app.")
        # Build the question-type registry now: two installed types with one name are a
        # configuration error that must stop the app, not the first learner's quiz.
        registry()
        for key, value in DEFAULTS.items():
            app.config.setdefault(key, value)
        check_provider_setting(app.config["COURSEKIT_PROVIDER"], app.instance_path)
        check_seat_time_scale(app.config["COURSEKIT_SEAT_TIME_SCALE"])
        if not app.config["COURSEKIT_DATABASE_URL"]:
            app.config["COURSEKIT_DATABASE_URL"] = db.default_sqlite_url(app.instance_path)

        own_login = not hasattr(app, "login_manager")
        if own_login:
            self._install_login_manager(app)

        engine = db.make_engine(
            app.config["COURSEKIT_DATABASE_URL"],
            sqlite_busy_timeout_ms=app.config["COURSEKIT_SQLITE_BUSY_TIMEOUT_MS"],
        )
        app.extensions["coursekit"] = CourseKitState(
            db=db.Database(engine, raise_on_lazy_load=app.config["COURSEKIT_RAISE_ON_LAZY_LOAD"]),
            limiter=make_limiter(app),
            mail_sender=resolve_sender(app.config["COURSEKIT_MAIL_SENDER"]),
            own_login=own_login,
            library=Library(
                modules_paths(app.config["COURSEKIT_MODULES_PATH"]),
                Limits(
                    max_files=app.config["COURSEKIT_PACKAGE_MAX_FILES"],
                    max_bytes=app.config["COURSEKIT_PACKAGE_MAX_BYTES"],
                    max_ratio=app.config["COURSEKIT_PACKAGE_MAX_RATIO"],
                ),
            ),
        )
        app.teardown_appcontext(db.close_session)
        # The outbox first: a completion's event is queued before the certificate's.
        connect_outbox(app)
        module_completed.connect(issue_on_completion, sender=app, weak=False)
        app.register_blueprint(make_blueprint(own_login=own_login), url_prefix=url_prefix or None)
        app.cli.add_command(coursekit_group)

    @staticmethod
    def _install_login_manager(app: Flask) -> None:
        manager = LoginManager()
        manager.login_view = "coursekit.auth.login"
        manager.login_message = "Please sign in to continue."
        manager.login_message_category = "info"
        manager.user_loader(user_for_session)
        manager.init_app(app)
