"""CourseKit's signals, recorded on the host member's activity.

Signals are sent after CourseKit flushed the change, inside the request that made it, with
the Flask app as sender: connecting with ``sender=app`` hears this app only. A listener
must be quick and must not fail; work that talks to other systems belongs in a queue
(or in CourseKit's webhooks, for systems outside this process).
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from coursekit import db
from coursekit.accounts.models import User
from coursekit.signals import certificate_issued, user_registered
from host_site.members import record_activity


def _member_id(user: User) -> int | None:
    """The host member a CourseKit account belongs to (None: not one of ours)."""
    return int(user.host_user_id) if user.host_user_id else None


def on_ce_profile_completed(_app: Flask, user: User, **_: Any) -> None:
    """A member completed their CE profile on their first visit."""
    if (member_id := _member_id(user)) is not None:
        record_activity(member_id, "Completed the CE profile")


def on_certificate_issued(_app: Flask, certificate: Any, **_: Any) -> None:
    """A member earned a certificate: note it with its number and module."""
    # The account is already in the session (the certificate was issued for it), so
    # this reads no row; ``db.session`` is CourseKit's session for this request.
    user = db.session.get(User, certificate.user_id)
    if user is not None and (member_id := _member_id(user)) is not None:
        title = certificate.fields["module"]["title"]
        record_activity(member_id, f"Certificate {certificate.number}: {title}")


def connect(app: Flask) -> None:
    """Listen to CourseKit's signals sent by ``app``."""
    user_registered.connect(on_ce_profile_completed, sender=app, weak=False)
    certificate_issued.connect(on_certificate_issued, sender=app, weak=False)
