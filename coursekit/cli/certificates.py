"""``coursekit certificates …``: preview the design, issue in bulk."""

from __future__ import annotations

from flask.cli import AppGroup

certificates_group = AppGroup("certificates", help="Certificates: preview and issue.")
