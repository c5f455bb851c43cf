"""Which participant attestation is in force, and the revisions saved before it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import aliased, lazyload

from coursekit import db
from coursekit.accounts.models import User
from coursekit.attestation.models import AttestationRevision

# Aliases are built once: building one per call cost about 0.8 ms per request.
_SAVER = aliased(User, name="saver")


@dataclass(frozen=True)
class Attestation:
    """The wording learners accept now, and its label. ``revision_id`` is None when it
    comes from the settings (no revision has been saved on the admin page)."""

    text: str
    version: str
    revision_id: int | None = None
    saved_at: datetime | None = None


def current_attestation() -> Attestation:
    """The newest saved revision, else ``COURSEKIT_ATTESTATION_TEXT`` and
    ``COURSEKIT_ATTESTATION_VERSION`` (one query)."""
    newest = db.session.scalars(
        select(AttestationRevision).order_by(AttestationRevision.id.desc()).limit(1)
    ).first()
    if newest is None:
        config = current_app.config
        return Attestation(
            config["COURSEKIT_ATTESTATION_TEXT"], config["COURSEKIT_ATTESTATION_VERSION"]
        )
    return Attestation(newest.text, newest.version, newest.id, newest.saved_at)


def attestation_history(
    *, limit: int = 50, offset: int = 0
) -> tuple[list[tuple[AttestationRevision, User]], int]:
    """Saved revisions newest first, each with who saved it, and how many there are."""
    rows = db.session.execute(
        select(AttestationRevision, _SAVER)
        .join(_SAVER, _SAVER.id == AttestationRevision.saved_by_id)
        .options(lazyload(_SAVER.roles))
        .order_by(AttestationRevision.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    total = db.session.scalar(select(func.count(AttestationRevision.id))) or 0
    return [(revision, user) for revision, user in rows], total
