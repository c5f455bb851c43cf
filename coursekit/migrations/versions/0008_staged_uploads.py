"""Staged uploads: packed modules uploaded in the browser, validated, waiting to be
published (or submitted, approved, rejected, withdrawn).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

from coursekit.migrations.downgrades import refuse_if_rows

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coursekit_staged_upload",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("archive", sa.LargeBinary(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("module_version_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('staged', 'submitted', 'published', 'rejected', 'withdrawn')",
            name=op.f("ck_coursekit_staged_upload_status"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["coursekit_user.id"],
            name=op.f("fk_coursekit_staged_upload_decided_by_id_coursekit_user"),
        ),
        sa.ForeignKeyConstraint(
            ["module_version_id"],
            ["coursekit_module_version.id"],
            name=op.f("fk_coursekit_staged_upload_module_version_id_coursekit_module_version"),
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["coursekit_user.id"],
            name=op.f("fk_coursekit_staged_upload_uploaded_by_id_coursekit_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coursekit_staged_upload")),
    )
    with op.batch_alter_table("coursekit_staged_upload", schema=None) as batch_op:
        batch_op.create_index(
            "ix_coursekit_staged_upload_module_id", ["module_id", "id"], unique=False
        )
        batch_op.create_index("ix_coursekit_staged_upload_status", ["status", "id"], unique=False)


def downgrade() -> None:
    refuse_if_rows(
        revision,
        {
            "coursekit_staged_upload": "uploaded module packages and their approvals",
        },
    )
    op.drop_table("coursekit_staged_upload")
