"""Classes, students and submissions.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "classes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("case_id", sa.String(200), nullable=False),
        sa.Column("case_zip", sa.LargeBinary, nullable=True),
        sa.Column("teacher_digest", sa.String(64), nullable=False),
        sa.Column("units", sa.JSON, nullable=False),
        sa.Column("exercises", sa.JSON, nullable=False),
        sa.Column("revealed", sa.Boolean, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
    )
    op.create_index("ix_classes_code", "classes", ["code"], unique=True)
    op.create_table(
        "students",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "class_id", sa.Integer, sa.ForeignKey("classes.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("token_digest", sa.String(64), nullable=False),
        sa.Column("joined", sa.DateTime, nullable=False),
        sa.UniqueConstraint("class_id", "name", name="uq_students_class_name"),
    )
    op.create_index("ix_students_class_id", "students", ["class_id"])
    op.create_index("ix_students_token_digest", "students", ["token_digest"], unique=True)
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "class_id", sa.Integer, sa.ForeignKey("classes.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "student_id",
            sa.Integer,
            sa.ForeignKey("students.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("body", sa.JSON, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("updated", sa.DateTime, nullable=False),
        sa.UniqueConstraint("student_id", "kind", name="uq_submissions_student_kind"),
    )
    op.create_index("ix_submissions_class_id", "submissions", ["class_id"])


def downgrade() -> None:
    op.drop_table("submissions")
    op.drop_table("students")
    op.drop_table("classes")
