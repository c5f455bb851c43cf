"""Provider settings: each revision names the revision it was based on.

Two administrators editing the settings at once each saw the revision in force when they
opened the page; the second to save silently replaced the first's change. A revision now
records the one it replaced (0 for the first), once only (unique), so a save based on a
revision that has already been replaced is refused: by the operation when it reads a
newer revision, and by the database when two saves race past that check
(``coursekit.certificates.provider.operations``).

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

TABLE = "coursekit_provider_settings"
COLUMN = "based_on_id"
UNIQUE = "uq_coursekit_provider_settings_based_on_id"


def upgrade() -> None:
    with op.batch_alter_table(TABLE) as batch:
        batch.add_column(sa.Column(COLUMN, sa.Integer(), nullable=True))
    # Revisions were only ever appended, so each was based on the one saved before it.
    op.execute(
        "UPDATE coursekit_provider_settings SET based_on_id = COALESCE("
        "(SELECT MAX(earlier.id) FROM coursekit_provider_settings AS earlier"
        " WHERE earlier.id < coursekit_provider_settings.id), 0)"
    )
    with op.batch_alter_table(TABLE) as batch:
        batch.alter_column(COLUMN, existing_type=sa.Integer(), nullable=False)
        batch.create_unique_constraint(UNIQUE, [COLUMN])


def downgrade() -> None:
    # The column is derived from the order of the revisions, which stays: nothing is lost.
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_constraint(UNIQUE, type_="unique")
        batch.drop_column(COLUMN)
