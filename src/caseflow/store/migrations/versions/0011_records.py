"""records that prove themselves: state hashes, record chains, signed checkpoints

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07

Each audit row gains the hash of its case's state after the event (null on the
rows before this revision). ``record_links`` holds the hash chains of the other
records (agenda versions, decisions, public/closed choices, minutes approvals,
organisation changes), ``record_checkpoints`` and ``checkpoint_heads`` the signed
checkpoints. The three are append-only by trigger, and so now are
``agenda_versions`` and ``meeting_minutes``, which the application only ever
inserts into.

The records already in the database are chained as they are now (a trust on
first use: what was changed before this revision cannot be told any more).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from caseflow.records import chains
from caseflow.store import append_only
from caseflow.store.types import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

PROTECTED = (
    "record_links",
    "record_checkpoints",
    "checkpoint_heads",
    "agenda_versions",
    "meeting_minutes",
)


def upgrade() -> None:
    op.add_column("audit_events", sa.Column("state_hash", sa.String(length=64), nullable=True))
    op.create_table(
        "record_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=100), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_links")),
        sa.UniqueConstraint("kind", "key", "seq", name=op.f("uq_record_links_kind_key_seq")),
    )
    op.create_table(
        "record_checkpoints",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("prev", sa.String(length=64), nullable=False),
        sa.Column("heads_digest", sa.String(length=64), nullable=False),
        sa.Column("heads", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("signature", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_record_checkpoints")),
    )
    op.create_table(
        "checkpoint_heads",
        sa.Column("checkpoint", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("chain", sa.String(length=130), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["checkpoint"],
            ["record_checkpoints.seq"],
            name=op.f("fk_checkpoint_heads_checkpoint_record_checkpoints"),
        ),
        sa.PrimaryKeyConstraint("checkpoint", "chain", name=op.f("pk_checkpoint_heads")),
    )
    _chain_existing_records(op.get_bind())
    dialect = op.get_bind().dialect.name
    for table in PROTECTED:
        append_only.protect(op.execute, dialect, table)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in PROTECTED:
        append_only.unprotect(op.execute, dialect, table)
    if dialect == "sqlite":  # the two older tables stay; their triggers go
        for table in ("agenda_versions", "meeting_minutes"):
            for action in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
    op.drop_table("checkpoint_heads")
    op.drop_table("record_checkpoints")
    op.drop_table("record_links")
    op.drop_column("audit_events", "state_hash")


# -- chaining what is there (as this revision's tables are: later ones may differ) ----------

_links = sa.table(
    "record_links",
    sa.column("kind", sa.String),
    sa.column("key", sa.String),
    sa.column("seq", sa.Integer),
    sa.column("ref", sa.String),
    sa.column("at", UTCDateTime),
    sa.column("digest", sa.String),
    sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
)


def _chain_existing_records(conn: sa.Connection) -> None:
    now = datetime.now(UTC)
    rows: list[tuple[chains.ChainKind, str, str, datetime, str]] = []
    for r in conn.execute(
        sa.text(
            "SELECT meeting_id, version, published_at, published_by, change_note, snapshot "
            "FROM agenda_versions ORDER BY meeting_id, version"
        ).columns(published_at=UTCDateTime, snapshot=sa.JSON)
    ):
        digest = chains.agenda_version_digest(
            r.meeting_id, r.version, r.published_at, r.published_by, r.change_note, r.snapshot
        )
        rows.append(
            (chains.ChainKind.AGENDA_VERSION, str(r.meeting_id), str(r.version), now, digest)
        )
    for r in conn.execute(
        sa.text(
            "SELECT id, status, outcome, decision, absent, referred_to, decided_at, decided_by, "
            "is_public FROM agenda_items ORDER BY id"
        ).columns(decided_at=UTCDateTime, absent=sa.JSON)
    ):
        item = str(r.id)
        digest = chains.decision_digest(
            r.id,
            r.status,
            r.outcome,
            r.decision,
            r.absent,
            r.referred_to,
            r.decided_at,
            r.decided_by,
        )
        rows.append((chains.ChainKind.DECISION, item, item, now, digest))
        rows.append(
            (
                chains.ChainKind.VISIBILITY,
                item,
                item,
                now,
                chains.visibility_digest(r.id, r.is_public),
            )
        )
    for r in conn.execute(
        sa.text(
            "SELECT meeting_id, approved_at, approved_by, note FROM meeting_minutes "
            "ORDER BY meeting_id"
        ).columns(approved_at=UTCDateTime)
    ):
        digest = chains.minutes_digest(r.meeting_id, r.approved_at, r.approved_by, r.note)
        rows.append((chains.ChainKind.MINUTES, str(r.meeting_id), str(r.meeting_id), now, digest))
    for r in conn.execute(
        sa.text(
            "SELECT id, at, actor, via, kind, code, old, new FROM org_changes ORDER BY id"
        ).columns(at=UTCDateTime, old=sa.JSON, new=sa.JSON)
    ):
        digest = chains.org_change_digest(r.id, r.at, r.actor, r.via, r.kind, r.code, r.old, r.new)
        rows.append((chains.ChainKind.ORG_CHANGE, chains.ORGANISATION, str(r.id), now, digest))
    values = list(_linked(rows))
    if values:
        conn.execute(sa.insert(_links), values)


def _linked(
    rows: Iterable[tuple[chains.ChainKind, str, str, datetime, str]],
) -> Iterable[dict[str, Any]]:
    last: dict[tuple[str, str], chains.Link] = {}
    for kind, key, ref, at, digest in rows:
        link = chains.next_link(kind, key, last.get((kind, key)), ref, at, digest)
        last[(kind, key)] = link
        yield {
            "kind": str(kind),
            "key": key,
            "seq": link.seq,
            "ref": ref,
            "at": at,
            "digest": digest,
            "prev_hash": link.prev_hash,
            "hash": link.hash,
        }
