"""administrations' e-mail addresses

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24

An administration may give a shared mailbox (``email`` in the organisation
file): the follow-up actions it owns are mailed there instead of to the case
officer.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("administrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("administrations", schema=None) as batch_op:
        batch_op.drop_column("email")
