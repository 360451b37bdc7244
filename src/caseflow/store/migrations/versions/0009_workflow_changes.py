"""published workflow versions and migrations of running cases

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07

``workflow_publications``: each ``caseflow workflow publish``; the newest per workflow is
the version new cases get, read by every process at its next operation.
``workflow_migrations`` and ``workflow_migration_cases``: a migration of running cases onto
another version, with its plan, actor, status and what it did to each case (so it can be
paused, resumed and reverted).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from caseflow.store.types import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workflow_publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.String(100), nullable=False),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=False),
        sa.Column("published_by", sa.String(100), nullable=False),
        sa.Column("source_path", sa.String(1000), nullable=False),
        sa.ForeignKeyConstraint(
            ["workflow_id", "version"],
            ["workflow_versions.workflow_id", "workflow_versions.version"],
            name="fk_workflow_publications_workflow_versions",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workflow_publications")),
    )
    op.create_index(
        op.f("ix_workflow_publications_workflow_id_id"),
        "workflow_publications",
        ["workflow_id", "id"],
    )
    op.create_table(
        "workflow_migrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.String(100), nullable=False),
        sa.Column("to_version", sa.String(64), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("batch_size", sa.Integer(), nullable=False),
        sa.Column("last_case_id", sa.Integer(), nullable=False),
        sa.Column("moved", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("reverted_at", UTCDateTime(), nullable=True),
        sa.Column("reverted_by", sa.String(100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workflow_migrations")),
    )
    op.create_index(
        op.f("ix_workflow_migrations_workflow_id_id"), "workflow_migrations", ["workflow_id", "id"]
    )
    op.create_table(
        "workflow_migration_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("migration_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("from_version", sa.String(64), nullable=False),
        sa.Column("from_state", sa.String(100), nullable=False),
        sa.Column("to_state", sa.String(100), nullable=False),
        sa.Column("case_version", sa.Integer(), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("undo", sa.JSON(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_workflow_migration_cases_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["migration_id"],
            ["workflow_migrations.id"],
            name=op.f("fk_workflow_migration_cases_migration_id_workflow_migrations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workflow_migration_cases")),
    )
    op.create_index(
        op.f("ix_workflow_migration_cases_migration_id_case_id"),
        "workflow_migration_cases",
        ["migration_id", "case_id"],
    )


def downgrade() -> None:
    op.drop_table("workflow_migration_cases")
    op.drop_table("workflow_migrations")
    op.drop_table("workflow_publications")
