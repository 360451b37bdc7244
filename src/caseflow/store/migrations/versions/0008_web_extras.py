"""web extras: the inbox's deadline index, attachment files, a meeting's attendance

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07

Three additions for the web application:

* ``ix_deadlines_open_due``: open deadlines by due date, with their case, so the
  inbox sorted by deadline reads the open deadlines from an index alone (the
  condition is written as the queries write it, ``status = 'open'``, so SQLite's
  planner sees that the query implies it).
* ``attachment_files``: the file of an attachment (bilag) added on the case page or
  with ``caseflow case attach``; the case's ``attachments`` list names it by number.
* ``meeting_attendance``: who attended and who was absent from a meeting as a whole,
  recorded once for the meeting and printed in its minutes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from caseflow.store.types import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_deadlines_open_due",
        "deadlines",
        ["due_at", "case_id"],
        sqlite_where=sa.text("status = 'open'"),
        postgresql_where=sa.text("status = 'open'"),
    )
    op.create_table(
        "attachment_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=100), nullable=False),
        sa.Column("uploaded_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_attachment_files_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment_files")),
        sa.UniqueConstraint("case_id", "number", name=op.f("uq_attachment_files_case_id_number")),
    )
    op.create_table(
        "meeting_attendance",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("member", sa.String(length=200), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_meeting_attendance_meeting_id_meetings")
        ),
        sa.PrimaryKeyConstraint("meeting_id", "member", name=op.f("pk_meeting_attendance")),
    )


def downgrade() -> None:
    op.drop_table("meeting_attendance")
    op.drop_table("attachment_files")
    op.drop_index("ix_deadlines_open_due", table_name="deadlines")
