"""Verification test data: an app whose provider issues certificates, page text as a
reader sees it, and revoking or reissuing through the real operations."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import select

from coursekit import db
from coursekit.accounts.models import Role, User
from coursekit.certificates.models import Certificate
from tests.certificate_records import certificate_settings
from tests.helpers import make_user
from tests.package_factory import write_package

REVOKED_AT = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
VERIFY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex",
    "Referrer-Policy": "no-referrer",
}


def verification_app(make_app, tmp_path, **provider: object) -> Flask:
    """An app with the ``calf`` module and a provider configured to issue certificates."""
    write_package(tmp_path, "calf")
    return make_app(
        COURSEKIT_MODULES_PATH=str(tmp_path / "modules"),
        COURSEKIT_PUBLISH_ON_START=True,
        **certificate_settings(provider={"issuing": "approval", **provider}),
    )


def text_of(page: str) -> str:
    """The page's visible text: tags dropped, entities decoded, whitespace collapsed."""
    body = re.sub(r"<[^>]+>", " ", page)
    return " ".join(html.unescape(body).split())


def modify(app, certificate_id: int, operation, **arguments) -> Certificate:
    """Revoke or reissue through the real operation, as an admin, and commit."""
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
    admin_id = admin.id if admin is not None else make_user(app, "admin@example.org", Role.ADMIN)
    with app.app_context():
        certificate = db.session.get_one(Certificate, certificate_id)
        result = operation(
            certificate, actor=db.session.get_one(User, admin_id), now=REVOKED_AT, **arguments
        )
        db.session.commit()
        return result
