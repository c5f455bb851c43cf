"""Reading certificates: a learner's own, and one by its verification code."""

from __future__ import annotations

from sqlalchemy import select

from coursekit import db
from coursekit.certificates.models import Certificate


def certificates_of(user_id: int) -> list[Certificate]:
    """Every certificate issued to the learner, newest first (one query)."""
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.user_id == user_id)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        )
    )


def certificate_by_code(code: str) -> Certificate | None:
    """The certificate with the normalised verification ``code``."""
    return db.session.scalar(select(Certificate).where(Certificate.code == code))
