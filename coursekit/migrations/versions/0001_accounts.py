"""accounts: users, roles, state licences

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-21 00:45:11.193354

"""

import sqlalchemy as sa
from alembic import op

from coursekit.migrations.downgrades import refuse_if_rows

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "coursekit_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("nccaom_id", sa.String(length=6), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("session_token", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('active', 'disabled')", name=op.f("ck_coursekit_user_status")
        ),
        sa.CheckConstraint("email = lower(email)", name=op.f("ck_coursekit_user_email_lower")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coursekit_user")),
        sa.UniqueConstraint("email", name=op.f("uq_coursekit_user_email")),
    )
    op.create_table(
        "coursekit_state_licence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "length(state) = 2 AND state = upper(state)",
            name=op.f("ck_coursekit_state_licence_state_code"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["coursekit_user.id"],
            name=op.f("fk_coursekit_state_licence_user_id_coursekit_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coursekit_state_licence")),
    )
    with op.batch_alter_table("coursekit_state_licence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coursekit_state_licence_user_id"), ["user_id"], unique=False
        )
        batch_op.create_index(
            "uq_coursekit_state_licence_current",
            ["user_id", "state"],
            unique=True,
            sqlite_where=sa.text("removed_at IS NULL"),
            postgresql_where=sa.text("removed_at IS NULL"),
        )

    op.create_table(
        "coursekit_user_role",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('learner', 'instructor', 'admin')", name=op.f("ck_coursekit_user_role_role")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["coursekit_user.id"],
            name=op.f("fk_coursekit_user_role_user_id_coursekit_user"),
        ),
        sa.PrimaryKeyConstraint("user_id", "role", name=op.f("pk_coursekit_user_role")),
    )


def downgrade() -> None:
    """Downgrade schema."""
    refuse_if_rows(
        revision,
        {
            "coursekit_user": "accounts",
            "coursekit_state_licence": "state licences",
            "coursekit_user_role": "roles",
        },
    )
    op.drop_table("coursekit_user_role")
    with op.batch_alter_table("coursekit_state_licence", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_coursekit_state_licence_current",
            sqlite_where=sa.text("removed_at IS NULL"),
            postgresql_where=sa.text("removed_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_coursekit_state_licence_user_id"))

    op.drop_table("coursekit_state_licence")
    op.drop_table("coursekit_user")
