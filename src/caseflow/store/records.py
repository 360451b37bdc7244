"""The record chains, checkpoints and what the verifier reads (SQL of caseflow.records).

Writers call a ``track_*`` function in the transaction of their write: it reads the
row just written back (so its digest is computed from the stored values exactly as
the verifier will compute it) and appends a link to the row's chain when its content
differs from the chain's newest link. The writes it covers are a meeting secretary's
and an administrator's, a few a minute: not the fire path, which chains through the
audit row itself.

Two writers of one chain at once: on PostgreSQL the second waits for the first's
transaction (an advisory lock per chain), then links onto its link; SQLite has one
writer at a time. The unique (kind, key, seq) constraint backs both.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Row, func, insert, select

from caseflow.domain import AuditEntry
from caseflow.records import chains
from caseflow.records.chains import ORGANISATION, ChainKind, Link, chain_name, next_link
from caseflow.records.checkpoints import Checkpoint, CheckpointBody, Head
from caseflow.records.state_hash import STATE_COLUMNS
from caseflow.store.tables import (
    agenda_items,
    agenda_versions,
    audit_events,
    cases,
    checkpoint_heads,
    meeting_minutes,
    meetings,
    org_changes,
    record_checkpoints,
    record_links,
)

if TYPE_CHECKING:
    # The verifier's row, imported by record_rows where it is made: the writers that
    # track records (an agenda, a decision) need no verifier, nor does an idle worker.
    from caseflow.records.verify import RecordRow

# -- feeding the chains ---------------------------------------------------------------------


def _link(row: Row[Any]) -> Link:
    return Link(
        ChainKind(row.kind), row.key, row.seq, row.ref, row.at, row.digest, row.prev_hash, row.hash
    )


def last_link(conn: Connection, kind: ChainKind, key: str) -> Link | None:
    row = conn.execute(
        select(record_links)
        .where(record_links.c.kind == kind, record_links.c.key == key)
        .order_by(record_links.c.seq.desc())
        .limit(1)
    ).first()
    return None if row is None else _link(row)


def track(
    conn: Connection, kind: ChainKind, key: str, ref: str, at: datetime, digest: str
) -> Link | None:
    """Append a link for a row of content ``digest`` unless the chain's newest link
    already covers that row with that content; returns the new link."""
    _lock_chain(conn, kind, key)
    last = last_link(conn, kind, key)
    if last is not None and last.digest == digest and last.ref == ref:
        return None
    link = next_link(kind, key, last, ref, at, digest)
    conn.execute(
        insert(record_links).values(
            kind=str(kind),
            key=key,
            seq=link.seq,
            ref=ref,
            at=at,
            digest=digest,
            prev_hash=link.prev_hash,
            hash=link.hash,
        )
    )
    return link


_LOCK_SPACE = 0x7265  # "re": the first key of records' advisory locks


def _lock_chain(conn: Connection, kind: ChainKind, key: str) -> None:
    """On PostgreSQL, wait for any other transaction appending to this chain (until it
    ends), so two never take the same sequence number; SQLite has one writer anyway."""
    if conn.dialect.name != "postgresql":
        return
    number = int.from_bytes(hashlib.sha256(chain_name(kind, key).encode()).digest()[:4], "big")
    conn.execute(select(func.pg_advisory_xact_lock(_LOCK_SPACE, number - (1 << 31))))


def track_item(conn: Connection, item_id: int, at: datetime) -> None:
    """Chain an agenda item's decision and its public/closed choice as they now are."""
    row = conn.execute(select(agenda_items).where(agenda_items.c.id == item_id)).one()
    key = str(item_id)
    track(conn, ChainKind.DECISION, key, key, at, _decision_digest(row))
    track(conn, ChainKind.VISIBILITY, key, key, at, chains.visibility_digest(row.id, row.is_public))


def track_agenda_version(conn: Connection, meeting_id: int, version: int, at: datetime) -> None:
    row = conn.execute(
        select(agenda_versions).where(
            agenda_versions.c.meeting_id == meeting_id, agenda_versions.c.version == version
        )
    ).one()
    track(conn, ChainKind.AGENDA_VERSION, str(meeting_id), str(version), at, _version_digest(row))


def track_minutes(conn: Connection, meeting_id: int, at: datetime) -> None:
    row = conn.execute(
        select(meeting_minutes).where(meeting_minutes.c.meeting_id == meeting_id)
    ).one()
    key = str(meeting_id)
    track(conn, ChainKind.MINUTES, key, key, at, _minutes_digest(row))


def track_org_change(conn: Connection, change_id: int) -> None:
    row = conn.execute(select(org_changes).where(org_changes.c.id == change_id)).one()
    track(conn, ChainKind.ORG_CHANGE, ORGANISATION, str(change_id), row.at, _org_digest(row))


def _decision_digest(row: Row[Any]) -> str:
    return chains.decision_digest(
        row.id,
        row.status,
        row.outcome,
        row.decision,
        row.absent,
        row.referred_to,
        row.decided_at,
        row.decided_by,
    )


def _version_digest(row: Row[Any]) -> str:
    return chains.agenda_version_digest(
        row.meeting_id,
        row.version,
        row.published_at,
        row.published_by,
        row.change_note,
        row.snapshot,
    )


def _minutes_digest(row: Row[Any]) -> str:
    return chains.minutes_digest(row.meeting_id, row.approved_at, row.approved_by, row.note)


def _org_digest(row: Row[Any]) -> str:
    return chains.org_change_digest(
        row.id, row.at, row.actor, row.via, row.kind, row.code, row.old, row.new
    )


# -- what the verifier reads ---------------------------------------------------------------


def links_by_chain(conn: Connection) -> dict[ChainKind, dict[str, list[Link]]]:
    """Every record link, by kind and key, each chain in order."""
    found: dict[ChainKind, dict[str, list[Link]]] = {kind: {} for kind in ChainKind}
    query = select(record_links).order_by(
        record_links.c.kind, record_links.c.key, record_links.c.seq
    )
    for row in conn.execute(query):
        link = _link(row)
        found[link.kind].setdefault(link.key, []).append(link)
    return found


def _meeting_label(committee: str, starts_at: datetime | None, meeting_id: int) -> str:
    day = starts_at.date() if isinstance(starts_at, datetime) else starts_at
    return f"meeting {meeting_id} ({committee} {day.isoformat() if isinstance(day, date) else ''})"


def record_rows(conn: Connection) -> dict[ChainKind, list[RecordRow]]:
    """Every chained record as the database holds it now, with its content digest."""
    from caseflow.records.verify import RecordRow

    found: dict[ChainKind, list[RecordRow]] = {kind: [] for kind in ChainKind}
    labels = {
        row.id: _meeting_label(row.committee, row.starts_at, row.id)
        for row in conn.execute(select(meetings.c.id, meetings.c.committee, meetings.c.starts_at))
    }
    approved = set(conn.execute(select(meeting_minutes.c.meeting_id)).scalars())
    for row in conn.execute(select(agenda_versions)):
        found[ChainKind.AGENDA_VERSION].append(
            RecordRow(
                ChainKind.AGENDA_VERSION,
                str(row.meeting_id),
                str(row.version),
                _version_digest(row),
                f"agenda version {row.version} of {labels.get(row.meeting_id, row.meeting_id)}",
            )
        )
    items = select(agenda_items, cases.c.journal_no).join(
        cases, cases.c.id == agenda_items.c.case_id
    )
    for row in conn.execute(items):
        key = str(row.id)
        label = (
            f"agenda item {row.item_no} (case {row.journal_no}) of "
            f"{labels.get(row.meeting_id, row.meeting_id)}"
        )
        found[ChainKind.DECISION].append(
            RecordRow(
                ChainKind.DECISION,
                key,
                key,
                _decision_digest(row),
                label,
                row.meeting_id in approved,
            )
        )
        found[ChainKind.VISIBILITY].append(
            RecordRow(
                ChainKind.VISIBILITY,
                key,
                key,
                chains.visibility_digest(row.id, row.is_public),
                label,
            )
        )
    for row in conn.execute(select(meeting_minutes)):
        key = str(row.meeting_id)
        found[ChainKind.MINUTES].append(
            RecordRow(
                ChainKind.MINUTES,
                key,
                key,
                _minutes_digest(row),
                f"the minutes of {labels.get(row.meeting_id, row.meeting_id)}",
            )
        )
    for row in conn.execute(select(org_changes)):
        found[ChainKind.ORG_CHANGE].append(
            RecordRow(
                ChainKind.ORG_CHANGE,
                ORGANISATION,
                str(row.id),
                _org_digest(row),
                f"organisation change {row.id} ({row.kind} {row.code}, by {row.actor})",
            )
        )
    return found


CaseChain = tuple[str, dict[str, Any], str, list[AuditEntry]]
"""A case as the verifier reads it: journal number, state columns, head hash, audit rows."""

_CASE_COLUMNS = [cases.c.id, cases.c.journal_no, cases.c.audit_head] + [
    cases.c[name] for name in STATE_COLUMNS
]
_ENTRY_NAMES = (
    "seq",
    "at",
    "actor",
    "kind",
    "trigger",
    "from_state",
    "to_state",
    "changes",
    "comment",
    "prev_hash",
    "hash",
    "state_hash",
)
_AUDIT_COLUMNS = [audit_events.c.case_id] + [audit_events.c[name] for name in _ENTRY_NAMES]


def case_chains(conn: Connection, batch: int = 5000) -> Iterator[CaseChain]:
    """Every case with its audit rows, in id order, streamed (two cursors side by side:
    the cases and their rows, both by case id), so memory holds one case at a time."""
    streaming = conn.execution_options(stream_results=True, yield_per=batch)
    case_rows = streaming.execute(select(*_CASE_COLUMNS).order_by(cases.c.id))
    audit_rows = streaming.execute(
        select(*_AUDIT_COLUMNS).order_by(audit_events.c.case_id, audit_events.c.seq)
    )
    pending = next(audit_rows, None)
    new = object.__new__
    names = _ENTRY_NAMES
    for row in case_rows:
        case_id, journal_no, head = row[0], row[1], row[2]
        values = dict(zip(STATE_COLUMNS, row[3:], strict=True))
        entries: list[AuditEntry] = []
        while pending is not None and pending[0] <= case_id:
            if pending[0] == case_id:
                entry = new(AuditEntry)
                entry.__dict__.update(zip(names, pending[1:], strict=True))
                entries.append(entry)
            pending = next(audit_rows, None)
        yield journal_no, values, head, entries


def current_heads(conn: Connection) -> list[Head]:
    """The head of every chain now: each case's (its version is its newest row's number)
    and each record chain's newest link."""
    heads = [
        Head(chain_name(ChainKind.CASE, journal_no), version, head)
        for journal_no, version, head in conn.execute(
            select(cases.c.journal_no, cases.c.version, cases.c.audit_head)
        )
    ]
    newest = (
        select(record_links.c.kind, record_links.c.key, func.max(record_links.c.seq).label("seq"))
        .group_by(record_links.c.kind, record_links.c.key)
        .subquery()
    )
    query = select(
        record_links.c.kind, record_links.c.key, record_links.c.seq, record_links.c.hash
    ).join(
        newest,
        (newest.c.kind == record_links.c.kind)
        & (newest.c.key == record_links.c.key)
        & (newest.c.seq == record_links.c.seq),
    )
    heads += [
        Head(chain_name(kind, key), seq, digest) for kind, key, seq, digest in conn.execute(query)
    ]
    return heads


# -- checkpoints ------------------------------------------------------------------------------


def _checkpoint(row: Row[Any]) -> Checkpoint:
    return Checkpoint(
        CheckpointBody(row.seq, row.at, row.prev, row.heads_digest, row.heads, row.key_id),
        row.signature,
    )


def checkpoints(conn: Connection) -> list[tuple[Checkpoint, list[Head]]]:
    """Every stored checkpoint in order, each with the heads stored for it."""
    heads: dict[int, list[Head]] = {}
    for checkpoint, chain, seq, digest in conn.execute(
        select(checkpoint_heads).order_by(checkpoint_heads.c.checkpoint, checkpoint_heads.c.chain)
    ):
        heads.setdefault(checkpoint, []).append(Head(chain, seq, digest))
    rows = conn.execute(select(record_checkpoints).order_by(record_checkpoints.c.seq))
    return [(_checkpoint(row), heads.get(row.seq, [])) for row in rows]


def latest_checkpoint(conn: Connection) -> Checkpoint | None:
    row = conn.execute(
        select(record_checkpoints).order_by(record_checkpoints.c.seq.desc()).limit(1)
    ).first()
    return None if row is None else _checkpoint(row)


def insert_checkpoint(conn: Connection, checkpoint: Checkpoint, heads: Sequence[Head]) -> None:
    body = checkpoint.body
    conn.execute(
        insert(record_checkpoints).values(
            seq=body.seq,
            at=body.at,
            prev=body.prev,
            heads_digest=body.heads_digest,
            heads=body.heads,
            key_id=body.key_id,
            signature=checkpoint.signature,
        )
    )
    if heads:
        conn.execute(
            insert(checkpoint_heads),
            [
                {"checkpoint": body.seq, "chain": h.chain, "seq": h.seq, "hash": h.hash}
                for h in heads
            ],
        )
