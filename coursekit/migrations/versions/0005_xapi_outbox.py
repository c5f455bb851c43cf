"""xAPI: learners' opaque account names, and the outbox of each LRS endpoint.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from coursekit.migrations.downgrades import refuse_if_rows

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coursekit_xapi_actor",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("account_name", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["coursekit_user.id"],
            name=op.f("fk_coursekit_xapi_actor_user_id_coursekit_user"),
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_coursekit_xapi_actor")),
        sa.UniqueConstraint("account_name", name=op.f("uq_coursekit_xapi_actor_account_name")),
    )
    op.create_table(
        "coursekit_xapi_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("endpoint", sa.String(length=500), nullable=False),
        sa.Column("read_from", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coursekit_xapi_outbox")),
        sa.UniqueConstraint("endpoint", name=op.f("uq_coursekit_xapi_outbox_endpoint")),
    )


def downgrade() -> None:
    # Without these rows learners would get new account names and every LRS would
    # receive the whole history again under them.
    refuse_if_rows(
        revision,
        {
            "coursekit_xapi_actor": "learners' xAPI account names",
            "coursekit_xapi_outbox": "what each LRS has received",
        },
    )
    op.drop_table("coursekit_xapi_outbox")
    op.drop_table("coursekit_xapi_actor")
