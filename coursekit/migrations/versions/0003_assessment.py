"""Assessment: attempts, answers and grades; worksheets and reviews; evaluations;
instructors assigned to modules.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from coursekit.migrations.downgrades import refuse_if_rows

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coursekit_module_assignment",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.String(length=64), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["coursekit_user.id"],
            name=op.f("fk_coursekit_module_assignment_user_id_coursekit_user"),
        ),
        sa.PrimaryKeyConstraint(
            "user_id", "module_id", name=op.f("pk_coursekit_module_assignment")
        ),
    )
    with op.batch_alter_table("coursekit_module_assignment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coursekit_module_assignment_module_id"), ["module_id"], unique=False
        )

    op.create_table(
        "coursekit_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("quiz", sa.String(length=40), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("close_reason", sa.String(length=16), nullable=True),
        sa.CheckConstraint(
            "(closed_at IS NULL) = (close_reason IS NULL)",
            name=op.f("ck_coursekit_attempt_closed_with_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["coursekit_enrolment.id"],
            name=op.f("fk_coursekit_attempt_enrolment_id_coursekit_enrolment"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coursekit_attempt")),
        sa.UniqueConstraint(
            "enrolment_id",
            "quiz",
            "number",
            name=op.f("uq_coursekit_attempt_enrolment_id_quiz_number"),
        ),
    )
    with op.batch_alter_table("coursekit_attempt", schema=None) as batch_op:
        batch_op.create_index(
            "uq_coursekit_attempt_open",
            ["enrolment_id", "quiz"],
            unique=True,
            sqlite_where=sa.text("closed_at IS NULL"),
            postgresql_where=sa.text("closed_at IS NULL"),
        )

    op.create_table(
        "coursekit_evaluation_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("form", sa.String(length=80), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["coursekit_enrolment.id"],
            name=op.f("fk_coursekit_evaluation_response_enrolment_id_coursekit_enrolment"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coursekit_evaluation_response")),
        sa.UniqueConstraint(
            "enrolment_id", name=op.f("uq_coursekit_evaluation_response_enrolment_id")
        ),
    )
    op.create_table(
        "coursekit_worksheet_submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["coursekit_enrolment.id"],
            name=op.f("fk_coursekit_worksheet_submission_enrolment_id_coursekit_enrolment"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coursekit_worksheet_submission")),
    )
    with op.batch_alter_table("coursekit_worksheet_submission", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coursekit_worksheet_submission_enrolment_id"),
            ["enrolment_id", "submitted_at"],
            unique=False,
        )

    op.create_table(
        "coursekit_attempt_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("response", sa.JSON(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["coursekit_attempt.id"],
            name=op.f("fk_coursekit_attempt_answer_attempt_id_coursekit_attempt"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coursekit_attempt_answer")),
    )
    with op.batch_alter_table("coursekit_attempt_answer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coursekit_attempt_answer_attempt_id"),
            ["attempt_id", "position"],
            unique=False,
        )

    op.create_table(
        "coursekit_attempt_grade",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("graded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("key_version_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("earned", sa.Double(), nullable=False),
        sa.Column("possible", sa.Double(), nullable=False),
        sa.Column("percent", sa.Double(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("results", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["coursekit_attempt.id"],
            name=op.f("fk_coursekit_attempt_grade_attempt_id_coursekit_attempt"),
        ),
        sa.ForeignKeyConstraint(
            ["key_version_id"],
            ["coursekit_module_version.id"],
            name=op.f("fk_coursekit_attempt_grade_key_version_id_coursekit_module_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coursekit_attempt_grade")),
        sa.UniqueConstraint(
            "attempt_id", "revision", name=op.f("uq_coursekit_attempt_grade_attempt_id_revision")
        ),
    )
    with op.batch_alter_table("coursekit_attempt_grade", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coursekit_attempt_grade_attempt_id"), ["attempt_id"], unique=False
        )

    op.create_table(
        "coursekit_worksheet_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["coursekit_user.id"],
            name=op.f("fk_coursekit_worksheet_review_reviewer_id_coursekit_user"),
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["coursekit_worksheet_submission.id"],
            name=op.f("fk_coursekit_worksheet_review_submission_id_coursekit_worksheet_submission"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coursekit_worksheet_review")),
        sa.UniqueConstraint(
            "submission_id", name=op.f("uq_coursekit_worksheet_review_submission_id")
        ),
    )


def downgrade() -> None:
    refuse_if_rows(
        revision,
        {
            "coursekit_module_assignment": "instructor assignments",
            "coursekit_attempt": "test attempts",
            "coursekit_attempt_answer": "answers",
            "coursekit_attempt_grade": "grades",
            "coursekit_evaluation_response": "course evaluations",
            "coursekit_worksheet_submission": "worksheets",
            "coursekit_worksheet_review": "worksheet reviews",
        },
    )
    op.drop_table("coursekit_worksheet_review")
    with op.batch_alter_table("coursekit_attempt_grade", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coursekit_attempt_grade_attempt_id"))

    op.drop_table("coursekit_attempt_grade")
    with op.batch_alter_table("coursekit_attempt_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coursekit_attempt_answer_attempt_id"))

    op.drop_table("coursekit_attempt_answer")
    with op.batch_alter_table("coursekit_worksheet_submission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coursekit_worksheet_submission_enrolment_id"))

    op.drop_table("coursekit_worksheet_submission")
    op.drop_table("coursekit_evaluation_response")
    with op.batch_alter_table("coursekit_attempt", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_coursekit_attempt_open",
            sqlite_where=sa.text("closed_at IS NULL"),
            postgresql_where=sa.text("closed_at IS NULL"),
        )

    op.drop_table("coursekit_attempt")
    with op.batch_alter_table("coursekit_module_assignment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coursekit_module_assignment_module_id"))

    op.drop_table("coursekit_module_assignment")
