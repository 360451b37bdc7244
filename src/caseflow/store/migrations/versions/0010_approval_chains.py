"""approval chains, absences and on-behalf-of rights

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07

A transition may require an approval chain (``approval:`` in the workflow file).
``approval_chains`` holds one row per round of a case's chain (its step, status,
drafters, where a returned chain restarts); ``approval_votes`` one row per action
on a step, for whom and by whom. ``absences`` (a person away, with a substitute)
and ``delegations`` (an administrator's grant of "on behalf of" rights) route
approvals to the people who stand in.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from caseflow.store.types import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "approval_chains",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(length=100), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("step_index", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("drafters", sa.JSON(), nullable=False),
        sa.Column("restart_index", sa.Integer(), nullable=True),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_approval_chains_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_chains")),
    )
    op.create_index(
        op.f("ix_approval_chains_case_id_status"), "approval_chains", ["case_id", "status"]
    )
    op.create_index(op.f("ix_approval_chains_status"), "approval_chains", ["status"])
    op.create_table(
        "approval_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chain_id", sa.Integer(), nullable=False),
        sa.Column("step_index", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=100), nullable=False),
        sa.Column("principal", sa.String(length=100), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["chain_id"],
            ["approval_chains.id"],
            name=op.f("fk_approval_votes_chain_id_approval_chains"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_votes")),
    )
    op.create_index(
        op.f("ix_approval_votes_chain_id_step_index"), "approval_votes", ["chain_id", "step_index"]
    )
    op.create_table(
        "absences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("substitute", sa.String(length=100), nullable=False),
        sa.Column("starts_on", sa.String(length=10), nullable=False),
        sa.Column("ends_on", sa.String(length=10), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("ended_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["username"], ["actors.username"], name=op.f("fk_absences_username_actors")
        ),
        sa.ForeignKeyConstraint(
            ["substitute"], ["actors.username"], name=op.f("fk_absences_substitute_actors")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_absences")),
    )
    op.create_index(op.f("ix_absences_username"), "absences", ["username"])
    op.create_table(
        "delegations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("principal", sa.String(length=100), nullable=False),
        sa.Column("delegate", sa.String(length=100), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("starts_on", sa.String(length=10), nullable=False),
        sa.Column("ends_on", sa.String(length=10), nullable=False),
        sa.Column("granted_by", sa.String(length=100), nullable=False),
        sa.Column("granted_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.Column("revoked_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["principal"], ["actors.username"], name=op.f("fk_delegations_principal_actors")
        ),
        sa.ForeignKeyConstraint(
            ["delegate"], ["actors.username"], name=op.f("fk_delegations_delegate_actors")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delegations")),
    )
    op.create_index(op.f("ix_delegations_delegate"), "delegations", ["delegate"])


def downgrade() -> None:
    op.drop_index(op.f("ix_delegations_delegate"), table_name="delegations")
    op.drop_table("delegations")
    op.drop_index(op.f("ix_absences_username"), table_name="absences")
    op.drop_table("absences")
    op.drop_index(op.f("ix_approval_votes_chain_id_step_index"), table_name="approval_votes")
    op.drop_table("approval_votes")
    op.drop_index(op.f("ix_approval_chains_status"), table_name="approval_chains")
    op.drop_index(op.f("ix_approval_chains_case_id_status"), table_name="approval_chains")
    op.drop_table("approval_chains")
