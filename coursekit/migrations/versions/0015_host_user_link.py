"""Users: the host user an account belongs to, and accounts without a password.

A host app that mounts CourseKit keeps its own login. The learner's coursekit account is
keyed by the host's user id (unique: one account per host user); such an account has no
password, because the host owns the credentials (docs/integration.md).

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

from coursekit.migrations.downgrades import refuse_if_rows

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

TABLE = "coursekit_user"


def upgrade() -> None:
    with op.batch_alter_table(TABLE) as batch:
        batch.add_column(sa.Column("host_user_id", sa.String(length=255), nullable=True))
        batch.create_unique_constraint("uq_coursekit_user_host_user_id", ["host_user_id"])
        batch.alter_column("password_hash", existing_type=sa.String(length=255), nullable=True)


def downgrade() -> None:
    # Dropping the link would cut host users off from their CE records, and the schema
    # below requires a password such accounts do not have.
    refuse_if_rows(
        revision,
        {TABLE: "accounts that belong to a host app's users"},
        where="host_user_id IS NOT NULL OR password_hash IS NULL",
    )
    with op.batch_alter_table(TABLE) as batch:
        batch.alter_column("password_hash", existing_type=sa.String(length=255), nullable=False)
        batch.drop_constraint("uq_coursekit_user_host_user_id", type_="unique")
        batch.drop_column("host_user_id")
