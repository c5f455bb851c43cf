"""Publishing at start-up and in debug mode: one unit of work that commits on its own."""

from __future__ import annotations

import logging

from flask import Flask
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from coursekit import db
from coursekit.packages import operations

log = logging.getLogger(__name__)


def publish_packages(app: Flask) -> None:
    """Load the module packages and publish new versions, as ``coursekit modules reload``
    does. Problems are logged; they never stop the app (the other packages still load)."""
    with app.app_context():
        try:
            report = operations.scan_and_publish().report
            db.session.commit()
        except (OperationalError, ProgrammingError):
            log.warning("module packages not published: run `coursekit db upgrade` first")
            return
        except IntegrityError:
            # Another process published the same versions at the same moment.
            db.session.rollback()
            return
        for problems in report.problems.values():
            for problem in problems:
                log.warning("%s", problem)
