"""Taking the next certificate serial of a year, without gaps or duplicates.

The serial is taken by an ``UPDATE … RETURNING`` on the year's sequence row inside the
issuing transaction. On PostgreSQL the row lock makes concurrent issuers wait for each
other's commit; on SQLite the database write lock (taken by ``BEGIN IMMEDIATE``) does the
same. If the issue fails and rolls back, the update rolls back with it, so the serial is
handed out again: no gaps. The first issue of a year creates the row with
``INSERT … ON CONFLICT DO NOTHING``, which two first issuers may run at once safely.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from coursekit import db
from coursekit.certificates.models import CertificateSequence

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def next_serial(year: int) -> int:
    """The next serial of ``year``, held by this transaction until it ends."""
    take = (
        update(CertificateSequence)
        .where(CertificateSequence.year == year)
        .values(last_serial=CertificateSequence.last_serial + 1)
        .returning(CertificateSequence.last_serial)
    )
    serial = db.session.scalar(take)
    if serial is None:
        insert = _INSERTS[db.session.get_bind().dialect.name]
        db.session.execute(
            insert(CertificateSequence)
            .values(year=year, last_serial=0)
            .on_conflict_do_nothing(index_elements=["year"])
        )
        serial = db.session.scalar(take)
    return serial
