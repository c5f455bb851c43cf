"""Webhooks: endpoints, the outbox of events, their deliveries and every try.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

from coursekit.migrations.downgrades import refuse_if_rows

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coursekit_webhook",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("secret_rotated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["coursekit_user.id"],
            name=op.f("fk_coursekit_webhook_created_by_id_coursekit_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coursekit_webhook")),
    )
    op.create_table(
        "coursekit_webhook_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coursekit_webhook_event")),
        sa.UniqueConstraint("uuid", name=op.f("uq_coursekit_webhook_event_uuid")),
    )
    op.create_table(
        "coursekit_webhook_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("endpoint_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_response", sa.Text(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["endpoint_id"],
            ["coursekit_webhook.id"],
            name=op.f("fk_coursekit_webhook_delivery_endpoint_id_coursekit_webhook"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["coursekit_webhook_event.id"],
            name=op.f("fk_coursekit_webhook_delivery_event_id_coursekit_webhook_event"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coursekit_webhook_delivery")),
        sa.UniqueConstraint(
            "event_id",
            "endpoint_id",
            name=op.f("uq_coursekit_webhook_delivery_event_id_endpoint_id"),
        ),
    )
    op.create_index(
        "ix_coursekit_webhook_delivery_due",
        "coursekit_webhook_delivery",
        ["state", "next_attempt_at"],
    )
    op.create_index(
        "ix_coursekit_webhook_delivery_endpoint",
        "coursekit_webhook_delivery",
        ["endpoint_id", "id"],
    )
    op.create_table(
        "coursekit_webhook_try",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("response", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("milliseconds", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["coursekit_webhook_delivery.id"],
            name=op.f("fk_coursekit_webhook_try_delivery_id_coursekit_webhook_delivery"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coursekit_webhook_try")),
    )
    op.create_index(
        op.f("ix_coursekit_webhook_try_delivery_id"),
        "coursekit_webhook_try",
        ["delivery_id"],
    )


def downgrade() -> None:
    refuse_if_rows(
        revision,
        {
            "coursekit_webhook": "registered webhook endpoints",
            "coursekit_webhook_event": "events waiting in or sent from the outbox",
        },
    )
    op.drop_table("coursekit_webhook_try")
    op.drop_table("coursekit_webhook_delivery")
    op.drop_table("coursekit_webhook_event")
    op.drop_table("coursekit_webhook")
