"""deadline explanations apart from the deadline rows

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24

How a deadline's due date was computed (rule, calendar, legal source: what
``caseflow deadlines explain`` prints) moves to a table of its own. The
deadline row is what the dispatcher rewrites, twice per deadline (its claim,
then its outcome), and the explanation was about three quarters of its bytes:
every rewrite carried it to the write-ahead log again. The text is copied over
as it is, and copied back on a downgrade.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deadline_explanations",
        sa.Column("deadline_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["deadline_id"],
            ["deadlines.id"],
            name=op.f("fk_deadline_explanations_deadline_id_deadlines"),
        ),
        sa.PrimaryKeyConstraint("deadline_id", name=op.f("pk_deadline_explanations")),
    )
    op.execute(
        "INSERT INTO deadline_explanations (deadline_id, explanation) "
        "SELECT id, explanation FROM deadlines"
    )
    # SQLite (3.35 and later) drops the column in place: the table and its partial
    # indexes are not rebuilt.
    op.drop_column("deadlines", "explanation")


def downgrade() -> None:
    op.add_column(
        "deadlines",
        sa.Column("explanation", sa.JSON(), nullable=False, server_default="[]"),
    )
    op.execute(
        "UPDATE deadlines SET explanation = (SELECT e.explanation FROM deadline_explanations e "
        "WHERE e.deadline_id = deadlines.id) "
        "WHERE id IN (SELECT deadline_id FROM deadline_explanations)"
    )
    op.drop_table("deadline_explanations")
