"""Alembic environment: runs on the connection coursekit hands over (see migrate.py)."""

from __future__ import annotations

from alembic import context

from coursekit.db import TABLE_PREFIX
from coursekit.migrate import VERSION_TABLE
from coursekit.models import Base


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Look only at coursekit's own tables; a host app's tables are not ours to diff."""
    if type_ == "table":
        return bool(name) and name.startswith(TABLE_PREFIX)
    return True


connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    version_table=VERSION_TABLE,
    include_name=include_name,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
