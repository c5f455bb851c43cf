"""Users: the host user an account belongs to, and accounts without a password.

A host app that mounts CourseKit keeps its own login. The learner's coursekit account is
keyed by the host's user id (unique: one account per host user); such an account has no
password, because the host owns the credentials (docs/integration.md).

Revision ID: 0015
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None

TABLE = "coursekit_user"


def upgrade() -> None:
    with op.batch_alter_table(TABLE) as batch:
        batch.add_column(sa.Column("host_user_id", sa.String(length=255), nullable=True))
        batch.create_unique_constraint("uq_coursekit_user_host_user_id", ["host_user_id"])
        batch.alter_column("password_hash", existing_type=sa.String(length=255), nullable=True)


def downgrade() -> None:
    # Accounts without a password cannot go back to a schema that requires one; they keep
    # a value no password matches (Werkzeug refuses a hash without a method).
    op.execute("UPDATE coursekit_user SET password_hash = '!' WHERE password_hash IS NULL")
    with op.batch_alter_table(TABLE) as batch:
        batch.alter_column("password_hash", existing_type=sa.String(length=255), nullable=False)
        batch.drop_constraint("uq_coursekit_user_host_user_id", type_="unique")
        batch.drop_column("host_user_id")
