"""Guards for downgrades that would drop learner records.

A downgrade runs when a developer (or an operator rolling back) steps the schema back. Where
that drops tables or rows that hold records a board relies on, the migration's
``downgrade()`` calls :func:`refuse_if_rows` first: on an empty table it goes ahead, with
records in it it stops with :class:`DowngradeRefused` before anything changed, and the
operator restores the backup taken before the upgrade instead (docs/backups.md lists which
downgrades are safe).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


class DowngradeRefused(Exception):
    """A downgrade would drop records; the message says which and what to do instead."""


def refuse_if_rows(revision: str, tables: dict[str, str], where: str = "") -> None:
    """Raise :class:`DowngradeRefused` if any of ``tables`` holds rows.

    ``tables`` maps each table name to what its rows are, in words an operator reads;
    ``where`` narrows the rows that count (an SQL condition, the same for every table).
    """
    connection = op.get_bind()
    held = []
    for table, what in tables.items():
        condition = f" WHERE {where}" if where else ""
        # Table names and conditions are constants in the migration files.
        statement = sa.text(f"SELECT count(*) FROM {table}{condition}")  # noqa: S608 constants  # nosec B608
        count = connection.execute(statement).scalar()
        if count:
            held.append(f"{table} holds {count} row(s) ({what})")
    if held:
        raise DowngradeRefused(
            f"Downgrade below revision {revision} refused: it would drop records. "
            + "; ".join(held)
            + ". Restore the backup taken before the upgrade instead "
            "(`coursekit db restore`, see docs/backups.md)."
        )
