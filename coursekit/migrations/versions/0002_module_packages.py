"""module versions, enrolments, lesson events, completions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 01:21:18.287983

"""

import sqlalchemy as sa
from alembic import op

from coursekit.migrations.downgrades import refuse_if_rows

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "coursekit_module_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("archive", sa.LargeBinary(), nullable=False),
        sa.CheckConstraint(
            "status IN ('published', 'retired')", name=op.f("ck_coursekit_module_version_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coursekit_module_version")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_coursekit_module_version_content_hash")),
        sa.UniqueConstraint(
            "module_id", "version", name=op.f("uq_coursekit_module_version_module_id_version")
        ),
    )
    op.create_table(
        "coursekit_completion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("module_version_id", sa.Integer(), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["module_version_id"],
            ["coursekit_module_version.id"],
            name=op.f("fk_coursekit_completion_module_version_id_coursekit_module_version"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["coursekit_user.id"],
            name=op.f("fk_coursekit_completion_user_id_coursekit_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coursekit_completion")),
        sa.UniqueConstraint(
            "user_id",
            "module_version_id",
            name=op.f("uq_coursekit_completion_user_id_module_version_id"),
        ),
    )
    with op.batch_alter_table("coursekit_completion", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coursekit_completion_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "coursekit_enrolment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("module_version_id", sa.Integer(), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attestation_version", sa.String(length=40), nullable=False),
        sa.Column("attestation_text", sa.Text(), nullable=False),
        sa.Column("attested_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["module_version_id"],
            ["coursekit_module_version.id"],
            name=op.f("fk_coursekit_enrolment_module_version_id_coursekit_module_version"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["coursekit_user.id"],
            name=op.f("fk_coursekit_enrolment_user_id_coursekit_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coursekit_enrolment")),
        sa.UniqueConstraint(
            "user_id",
            "module_version_id",
            name=op.f("uq_coursekit_enrolment_user_id_module_version_id"),
        ),
    )
    with op.batch_alter_table("coursekit_enrolment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coursekit_enrolment_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "coursekit_lesson_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("lesson", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('opened', 'completed')", name=op.f("ck_coursekit_lesson_event_kind")
        ),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["coursekit_enrolment.id"],
            name=op.f("fk_coursekit_lesson_event_enrolment_id_coursekit_enrolment"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coursekit_lesson_event")),
    )
    with op.batch_alter_table("coursekit_lesson_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coursekit_lesson_event_enrolment_id"),
            ["enrolment_id", "at"],
            unique=False,
        )


def downgrade() -> None:
    """Downgrade schema."""
    refuse_if_rows(
        revision,
        {
            "coursekit_module_version": "published module versions",
            "coursekit_enrolment": "enrolments and attestations",
            "coursekit_lesson_event": "lesson events and seat time",
            "coursekit_completion": "completions",
        },
    )
    with op.batch_alter_table("coursekit_lesson_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coursekit_lesson_event_enrolment_id"))

    op.drop_table("coursekit_lesson_event")
    with op.batch_alter_table("coursekit_enrolment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coursekit_enrolment_user_id"))

    op.drop_table("coursekit_enrolment")
    with op.batch_alter_table("coursekit_completion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coursekit_completion_user_id"))

    op.drop_table("coursekit_completion")
    op.drop_table("coursekit_module_version")
