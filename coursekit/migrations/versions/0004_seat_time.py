"""Progress: seat time as ``active`` lesson events with their seconds.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from coursekit.migrations.downgrades import refuse_if_rows

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLE = "coursekit_lesson_event"


def upgrade() -> None:
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.add_column(sa.Column("seconds", sa.Integer(), server_default="0", nullable=False))
        batch_op.drop_constraint(batch_op.f("ck_coursekit_lesson_event_kind"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_coursekit_lesson_event_kind"),
            "kind IN ('opened', 'completed', 'active')",
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_coursekit_lesson_event_seconds"),
            "seconds >= 0 AND (kind = 'active' OR seconds = 0)",
        )


def downgrade() -> None:
    # The schema before this revision has no place for seat time: refuse rather than
    # delete the learners' recorded minutes.
    refuse_if_rows(
        revision, {"coursekit_lesson_event": "seat time (active lesson events)"}, "kind = 'active'"
    )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_coursekit_lesson_event_seconds"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_coursekit_lesson_event_kind"), type_="check")
        batch_op.create_check_constraint(
            batch_op.f("ck_coursekit_lesson_event_kind"), "kind IN ('opened', 'completed')"
        )
        batch_op.drop_column("seconds")
