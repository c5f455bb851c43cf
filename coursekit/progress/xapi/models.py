"""The xAPI side of the database: learners' opaque accounts and each LRS's outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from coursekit.db import Base, utcnow


class XapiActor(Base):
    """A learner's xAPI account name: a random UUID, so statements identify a learner
    to the LRS without an email address or a name, and nothing in a statement leads back
    to the account without this table. Random rather than derived from a secret, so it
    survives a rotated secret key and a move to another server unchanged."""

    __tablename__ = "coursekit_xapi_actor"

    user_id: Mapped[int] = mapped_column(ForeignKey("coursekit_user.id"), primary_key=True)
    account_name: Mapped[str] = mapped_column(String(36), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class XapiOutbox(Base):
    """How far statements have been delivered to one LRS endpoint.

    Every event with a time before ``read_from`` has been accepted by the LRS; the next
    run reads from there. ``read_from`` always stays an overlap window behind the time a
    run read up to, so an event written by a transaction that committed late is still
    read (and events sent twice are harmless: statement ids are deterministic). A new
    endpoint gets a row of its own and so receives the whole history.
    """

    __tablename__ = "coursekit_xapi_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint: Mapped[str] = mapped_column(String(500), unique=True)
    read_from: Mapped[datetime | None]
    """None until the first batch is accepted: the next run reads every event."""
    last_run_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    failures: Mapped[int] = mapped_column(default=0)
    """Runs that failed in a row (0 after a run that delivered everything)."""
    last_error: Mapped[str] = mapped_column(Text, default="")
