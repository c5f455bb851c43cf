"""The standalone CourseKit app.

Configuration is read, later sources winning: coursekit's defaults, then
``instance/config.py``, then ``COURSEKIT_*`` environment variables, then ``test_config``.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from coursekit import migrate
from coursekit.blueprint import add_security_headers, template_context
from coursekit.config import DEFAULTS, settings_from_environ
from coursekit.errors import render_error
from coursekit.extension import CourseKit
from coursekit.files import create_once
from coursekit.packages.publishing import publish_packages


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the standalone app: configure, mount coursekit at the root, prepare the DB."""
    app = Flask(
        "coursekit",
        instance_path=os.environ.get("COURSEKIT_INSTANCE_PATH"),
        instance_relative_config=True,
        static_folder=None,  # coursekit serves its own static files (blueprint)
    )
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_mapping(settings_from_environ())
    if test_config is not None:
        app.config.from_mapping(test_config)

    _configure_flask(app)
    _configure_logging()
    CourseKit(app)
    # The standalone app owns every page, so coursekit's error page and headers serve
    # them all (a 404 for an unknown address never reaches a blueprint).
    app.register_error_handler(404, render_error)
    app.register_error_handler(405, render_error)
    app.context_processor(_site_template_context)
    app.after_request(add_security_headers)
    if app.config["COURSEKIT_AUTO_MIGRATE"]:
        migrate.create_if_empty(app)
    if app.config["COURSEKIT_PUBLISH_ON_START"]:
        publish_packages(app)
    return app


def _configure_flask(app: Flask) -> None:
    """Derive Flask's own settings from the ``COURSEKIT_*`` ones."""
    config = app.config
    config["SECRET_KEY"] = config["COURSEKIT_SECRET_KEY"] or _instance_secret_key(app)
    secure = config["COURSEKIT_SECURE_COOKIES"]
    if secure is None:
        secure = not app.debug
    config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_DURATION=timedelta(days=config["COURSEKIT_REMEMBER_DAYS"]),
        MAX_CONTENT_LENGTH=config.get("MAX_CONTENT_LENGTH") or 16 * 1024 * 1024,
    )
    if config["COURSEKIT_TRUSTED_HOSTS"]:
        config["TRUSTED_HOSTS"] = config["COURSEKIT_TRUSTED_HOSTS"]
    if proxies := config["COURSEKIT_TRUSTED_PROXIES"]:
        # X-Forwarded-Prefix is not trusted: mount points are configuration, not input.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_prefix=0
        )


def _site_template_context() -> dict[str, Any]:
    """Coursekit's template context for pages outside the blueprint (a routing 404); the
    blueprint supplies its own pages."""
    return template_context() if request.blueprint is None else {}


def _configure_logging() -> None:
    """Show coursekit's INFO messages (such as mail written by the ``log`` sender) when
    nobody has configured logging; a deployment's own logging setup always wins."""
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
    coursekit_log = logging.getLogger("coursekit")
    if coursekit_log.level == logging.NOTSET:
        coursekit_log.setLevel(logging.INFO)


def _instance_secret_key(app: Flask) -> str:
    """A random secret kept in ``instance/secret_key``, created on first start."""
    path = Path(app.instance_path) / "secret_key"
    # Whole or not at all: a full disk must not leave an empty key for the next start.
    create_once(path, secrets.token_hex(32).encode("ascii"))
    return path.read_text().strip()
