"""API tokens: personal and integration tokens, stored as a SHA-256 hash.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

from coursekit.migrations.downgrades import refuse_if_rows

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

TABLE = "coursekit_api_token"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "kind IN ('personal', 'integration')", name=op.f("ck_coursekit_api_token_kind")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["coursekit_user.id"],
            name=op.f("fk_coursekit_api_token_user_id_coursekit_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coursekit_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_coursekit_api_token_token_hash")),
    )
    op.create_index(op.f("ix_coursekit_api_token_user_id"), TABLE, ["user_id"])


def downgrade() -> None:
    # Dropping tokens would cut off every integration that uses one, silently.
    refuse_if_rows(revision, {TABLE: "API tokens, in use or revoked"})
    op.drop_index(op.f("ix_coursekit_api_token_user_id"), table_name=TABLE)
    op.drop_table(TABLE)
