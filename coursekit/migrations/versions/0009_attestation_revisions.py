"""Attestation revisions: the participant attestation, versioned by administrators.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

from coursekit.migrations.downgrades import refuse_if_rows

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coursekit_attestation_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("saved_by_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["saved_by_id"],
            ["coursekit_user.id"],
            name=op.f("fk_coursekit_attestation_revision_saved_by_id_coursekit_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coursekit_attestation_revision")),
        sa.UniqueConstraint("version", name=op.f("uq_coursekit_attestation_revision_version")),
    )


def downgrade() -> None:
    refuse_if_rows(
        revision,
        {
            "coursekit_attestation_revision": "attestation texts learners accepted",
        },
    )
    op.drop_table("coursekit_attestation_revision")
