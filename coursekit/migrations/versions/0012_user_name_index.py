"""Users: an index on the name (last, first, then the id that breaks ties).

An instructor's learners list shows a version's learners by name, a page at a time.
Choosing a page used to sort every learner of the version (OFFSET paging: 90 ms on SQLite,
200-260 ms on PostgreSQL at 40,000 learners in bench/data_scale.py). With this index the
list walks the names in order from where the previous page ended (keyset paging, see
``coursekit.progress.reports.queries.learners_page``) and stops after one page.

Revision ID: 0012
Revises: 0011
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TABLE = "coursekit_user"
INDEX = "ix_coursekit_user_last_name"


def upgrade() -> None:
    op.create_index(INDEX, TABLE, ["last_name", "first_name", "id"])


def downgrade() -> None:
    op.drop_index(INDEX, table_name=TABLE)
