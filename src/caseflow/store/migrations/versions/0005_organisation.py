"""administrations' e-mail addresses, and the organisation's history

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24

An administration may give a shared mailbox (``email`` in the organisation
file): the follow-up actions it owns are mailed there instead of to the case
officer. Every change to the organisation (a load of the file, an edit from the
CLI) appends a row to ``org_changes``: who, when, through what, and the values
before and after. Like the case audit trail, it is append-only (triggers).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from caseflow.store import append_only
from caseflow.store.types import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("administrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=300), nullable=True))
    op.create_table(
        "org_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("via", sa.String(length=1000), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("old", sa.JSON(), nullable=True),
        sa.Column("new", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_changes")),
    )
    with op.batch_alter_table("org_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_org_changes_kind_code"), ["kind", "code"], unique=False
        )
    append_only.protect(op.execute, op.get_bind().dialect.name, "org_changes")


def downgrade() -> None:
    append_only.unprotect(op.execute, op.get_bind().dialect.name, "org_changes")
    with op.batch_alter_table("org_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_changes_kind_code"))
    op.drop_table("org_changes")
    with op.batch_alter_table("administrations", schema=None) as batch_op:
        batch_op.drop_column("email")
