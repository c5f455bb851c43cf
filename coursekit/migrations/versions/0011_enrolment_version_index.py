"""Enrolments: an index on the module version (with the learner).

Every instructor page of a version reads its enrolments by ``module_version_id``: the
count and the page of a learners list, the report's scope, the learners CSV. Without an
index each of those read every enrolment of every module (EXPLAIN in
bench/data_scale.py: a full scan of ``coursekit_enrolment`` at each learners page). The
learner comes second so that the learners list's scope, joined to the learners by name,
is read from the index alone.

Revision ID: 0011
Revises: 0010
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

TABLE = "coursekit_enrolment"
INDEX = "ix_coursekit_enrolment_module_version_id"


def upgrade() -> None:
    op.create_index(INDEX, TABLE, ["module_version_id", "user_id"])


def downgrade() -> None:
    op.drop_index(INDEX, table_name=TABLE)
