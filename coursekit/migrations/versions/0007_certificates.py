"""Certificates: issued certificates and their stored PDFs, the yearly number sequence,
provider settings revisions, roster exports and the audit log.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from coursekit.migrations.downgrades import refuse_if_rows

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coursekit_certificate_sequence",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_serial", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_coursekit_certificate_sequence")),
    )
    op.create_table(
        "coursekit_audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=80), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["coursekit_user.id"],
            name=op.f("fk_coursekit_audit_entry_actor_id_coursekit_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coursekit_audit_entry")),
    )
    with op.batch_alter_table("coursekit_audit_entry", schema=None) as batch_op:
        batch_op.create_index("ix_coursekit_audit_entry_subject", ["subject", "id"], unique=False)

    op.create_table(
        "coursekit_provider_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("saved_by_id", sa.Integer(), nullable=True),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("logo", sa.LargeBinary(), nullable=True),
        sa.Column("logo_type", sa.String(length=32), nullable=True),
        sa.Column("signature", sa.LargeBinary(), nullable=True),
        sa.Column("signature_type", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["saved_by_id"],
            ["coursekit_user.id"],
            name=op.f("fk_coursekit_provider_settings_saved_by_id_coursekit_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coursekit_provider_settings")),
    )
    op.create_table(
        "coursekit_roster_export",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("board", sa.String(length=16), nullable=False),
        sa.Column("module_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=True),
        sa.Column("period_from", sa.Date(), nullable=True),
        sa.Column("period_to", sa.Date(), nullable=True),
        sa.Column("exported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("exported_by_id", sa.Integer(), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["exported_by_id"],
            ["coursekit_user.id"],
            name=op.f("fk_coursekit_roster_export_exported_by_id_coursekit_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coursekit_roster_export")),
    )
    with op.batch_alter_table("coursekit_roster_export", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coursekit_roster_export_module_id"), ["module_id"], unique=False
        )

    op.create_table(
        "coursekit_certificate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("serial", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("module_version_id", sa.Integer(), nullable=False),
        sa.Column("completion_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.Text(), nullable=False),
        sa.Column("replaces_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(status = 'revoked') = (revoked_at IS NOT NULL)",
            name=op.f("ck_coursekit_certificate_revoked_has_date"),
        ),
        sa.CheckConstraint(
            "status IN ('valid', 'revoked', 'superseded')",
            name=op.f("ck_coursekit_certificate_status"),
        ),
        sa.CheckConstraint("serial > 0", name=op.f("ck_coursekit_certificate_serial_positive")),
        sa.ForeignKeyConstraint(
            ["completion_id"],
            ["coursekit_completion.id"],
            name=op.f("fk_coursekit_certificate_completion_id_coursekit_completion"),
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_id"],
            ["coursekit_user.id"],
            name=op.f("fk_coursekit_certificate_issued_by_id_coursekit_user"),
        ),
        sa.ForeignKeyConstraint(
            ["module_version_id"],
            ["coursekit_module_version.id"],
            name=op.f("fk_coursekit_certificate_module_version_id_coursekit_module_version"),
        ),
        sa.ForeignKeyConstraint(
            ["replaces_id"],
            ["coursekit_certificate.id"],
            name=op.f("fk_coursekit_certificate_replaces_id_coursekit_certificate"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["coursekit_user.id"],
            name=op.f("fk_coursekit_certificate_user_id_coursekit_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coursekit_certificate")),
        sa.UniqueConstraint("code", name=op.f("uq_coursekit_certificate_code")),
        sa.UniqueConstraint("number", name=op.f("uq_coursekit_certificate_number")),
        sa.UniqueConstraint("replaces_id", name=op.f("uq_coursekit_certificate_replaces_id")),
        sa.UniqueConstraint("year", "serial", name=op.f("uq_coursekit_certificate_year_serial")),
    )
    with op.batch_alter_table("coursekit_certificate", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coursekit_certificate_completion_id"), ["completion_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_coursekit_certificate_user_id"), ["user_id"], unique=False
        )
        batch_op.create_index(
            "ix_coursekit_certificate_version", ["module_version_id", "status"], unique=False
        )
        batch_op.create_index(
            "uq_coursekit_certificate_one_valid",
            ["user_id", "module_version_id"],
            unique=True,
            sqlite_where=sa.text("status = 'valid'"),
            postgresql_where=sa.text("status = 'valid'"),
        )

    op.create_table(
        "coursekit_certificate_file",
        sa.Column("certificate_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("page_size", sa.String(length=16), nullable=False),
        sa.Column("rendered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["coursekit_certificate.id"],
            name=op.f("fk_coursekit_certificate_file_certificate_id_coursekit_certificate"),
        ),
        sa.PrimaryKeyConstraint("certificate_id", name=op.f("pk_coursekit_certificate_file")),
    )


def downgrade() -> None:
    refuse_if_rows(
        revision,
        {
            "coursekit_certificate": "certificates",
            "coursekit_certificate_file": "certificate PDFs",
            "coursekit_certificate_sequence": "certificate numbers",
            "coursekit_audit_entry": "the audit log",
            "coursekit_provider_settings": "provider settings",
            "coursekit_roster_export": "roster exports",
        },
    )
    op.drop_table("coursekit_certificate_file")
    with op.batch_alter_table("coursekit_certificate", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_coursekit_certificate_one_valid",
            sqlite_where=sa.text("status = 'valid'"),
            postgresql_where=sa.text("status = 'valid'"),
        )
        batch_op.drop_index("ix_coursekit_certificate_version")
        batch_op.drop_index(batch_op.f("ix_coursekit_certificate_user_id"))
        batch_op.drop_index(batch_op.f("ix_coursekit_certificate_completion_id"))

    op.drop_table("coursekit_certificate")
    with op.batch_alter_table("coursekit_roster_export", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coursekit_roster_export_module_id"))

    op.drop_table("coursekit_roster_export")
    op.drop_table("coursekit_provider_settings")
    with op.batch_alter_table("coursekit_audit_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_coursekit_audit_entry_subject")

    op.drop_table("coursekit_audit_entry")
    op.drop_table("coursekit_certificate_sequence")
