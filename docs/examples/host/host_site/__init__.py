"""An acupuncture association's member site that offers CourseKit CE seminars at /ce.

The site has its own members and login; CourseKit reuses them. Read it beside
docs/integration.md, which walks through each step.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from flask_login import LoginManager

from coursekit import CourseKit
from host_site import ce_api, ce_events, members, views


def create_app(settings: dict[str, Any] | None = None, instance_path: str | None = None) -> Flask:
    """The member site, with CourseKit mounted under ``/ce``. Settings come from
    ``instance/config.py``, then ``settings`` (tests)."""
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(
        HOST_DATABASE=str(Path(app.instance_path) / "members.sqlite3"),
        COURSEKIT_SITE_NAME="Acupuncture Association CE",
        # CourseKit keeps its tables in its own database here; it may share the host's.
        COURSEKIT_DATABASE_URL=f"sqlite:///{Path(app.instance_path) / 'coursekit.sqlite3'}",
    )
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(settings or {})
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("Set SECRET_KEY in instance/config.py: it signs sessions and forms.")

    # 1. The host's own login. It exists before CourseKit, so CourseKit uses it.
    login = LoginManager(app)
    login.login_view = "site.login"
    login.user_loader(members.member_by_id)
    members.init_app(app)
    app.register_blueprint(views.bp)

    # 2. CourseKit under /ce: its pages, API and static files live below the prefix.
    CourseKit().init_app(app, url_prefix="/ce")

    # 3. Listen to CourseKit's signals, for this app only.
    ce_events.connect(app)

    # 4. The site's own jobs call CourseKit's JSON API over HTTP with a token.
    ce_api.init_app(app)
    return app
