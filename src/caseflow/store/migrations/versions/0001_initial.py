"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23

The audit table is append-only: triggers refuse UPDATE and DELETE (and TRUNCATE on
PostgreSQL), so the hash chain is a second line of defence rather than the only one.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from caseflow.store import append_only
from caseflow.store.types import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "actors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("email", sa.String(length=300), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actors")),
        sa.UniqueConstraint("username", name=op.f("uq_actors_username")),
    )
    op.create_table(
        "administrations",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("name_en", sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_administrations")),
    )
    op.create_table(
        "committees",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("name_en", sa.String(length=300), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("secretariat_email", sa.String(length=300), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_committees")),
    )
    op.create_table(
        "journal_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_serial", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_journal_counters")),
    )
    op.create_table(
        "steering_groups",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("members", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_steering_groups")),
    )
    op.create_table(
        "workflow_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.String(length=100), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("source_path", sa.String(length=1000), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("registered_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workflow_versions")),
        sa.UniqueConstraint(
            "workflow_id", "version", name=op.f("uq_workflow_versions_workflow_id_version")
        ),
    )
    op.create_table(
        "actor_roles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=100), nullable=False),
        sa.Column("administration", sa.String(length=16), nullable=True),
        sa.Column("committee", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["actors.id"],
            name=op.f("fk_actor_roles_actor_id_actors"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["administration"],
            ["administrations.code"],
            name=op.f("fk_actor_roles_administration_administrations"),
        ),
        sa.ForeignKeyConstraint(
            ["committee"], ["committees.code"], name=op.f("fk_actor_roles_committee_committees")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actor_roles")),
    )
    with op.batch_alter_table("actor_roles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_actor_roles_actor_id"), ["actor_id"], unique=False)

    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("journal_no", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("workflow_id", sa.String(length=100), nullable=False),
        sa.Column("workflow_version", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("origin", sa.JSON(), nullable=False),
        sa.Column("lead_administration", sa.String(length=16), nullable=True),
        sa.Column("participating_administrations", sa.JSON(), nullable=False),
        sa.Column("committee", sa.String(length=16), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("recommendations", sa.JSON(), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("case_officer", sa.String(length=100), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("state_entered_at", UTCDateTime(), nullable=False),
        sa.Column("audit_head", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["workflow_id", "workflow_version"],
            ["workflow_versions.workflow_id", "workflow_versions.version"],
            name="fk_cases_workflow_versions",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("journal_no", name=op.f("uq_cases_journal_no")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cases_case_officer"), ["case_officer"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_committee"), ["committee"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_state"), ["state"], unique=False)

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("trigger", sa.String(length=100), nullable=True),
        sa.Column("from_state", sa.String(length=100), nullable=True),
        sa.Column("to_state", sa.String(length=100), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_audit_events_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
        sa.UniqueConstraint("case_id", "seq", name=op.f("uq_audit_events_case_id_seq")),
    )
    append_only.protect(op.execute, op.get_bind().dialect.name, "audit_events")


def downgrade() -> None:
    append_only.unprotect(op.execute, op.get_bind().dialect.name, "audit_events")
    op.drop_table("audit_events")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_state"))
        batch_op.drop_index(batch_op.f("ix_cases_committee"))
        batch_op.drop_index(batch_op.f("ix_cases_case_officer"))

    op.drop_table("cases")
    with op.batch_alter_table("actor_roles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_actor_roles_actor_id"))

    op.drop_table("actor_roles")
    op.drop_table("workflow_versions")
    op.drop_table("steering_groups")
    op.drop_table("journal_counters")
    op.drop_table("committees")
    op.drop_table("administrations")
    op.drop_table("actors")
