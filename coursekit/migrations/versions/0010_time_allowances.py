"""Time allowances: extra post-test minutes an administrator arranges for a learner.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

from coursekit.migrations.downgrades import refuse_if_rows

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coursekit_time_allowance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.String(length=64), nullable=False),
        sa.Column("extra_minutes", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=True),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "extra_minutes >= 0 AND extra_minutes <= 600",
            name=op.f("ck_coursekit_time_allowance_extra_minutes_range"),
        ),
        sa.ForeignKeyConstraint(
            ["granted_by_id"],
            ["coursekit_user.id"],
            name=op.f("fk_coursekit_time_allowance_granted_by_id_coursekit_user"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["coursekit_user.id"],
            name=op.f("fk_coursekit_time_allowance_user_id_coursekit_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coursekit_time_allowance")),
    )
    with op.batch_alter_table("coursekit_time_allowance", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coursekit_time_allowance_user_id"),
            ["user_id", "module_id", "id"],
            unique=False,
        )


def downgrade() -> None:
    refuse_if_rows(
        revision,
        {
            "coursekit_time_allowance": "learners' time allowances",
        },
    )
    with op.batch_alter_table("coursekit_time_allowance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coursekit_time_allowance_user_id"))
    op.drop_table("coursekit_time_allowance")
