"""Agenda items, published agenda versions and minutes approvals: rows in, records out.

Every function runs inside the caller's transaction. Meetings themselves belong
to the meeting plan (:mod:`caseflow.store.meetings`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, func, insert, select, update

from caseflow.meetings.vocabulary import ItemOutcome, ItemStatus
from caseflow.store import meetings as meeting_rows
from caseflow.store import records
from caseflow.store.meetings import MeetingRecord
from caseflow.store.tables import (
    agenda_items,
    agenda_versions,
    cases,
    meeting_minutes,
    meetings,
)


@dataclass(frozen=True)
class ItemRecord:
    """One agenda item: a case's treatment at one meeting."""

    id: int
    meeting_id: int
    case_id: int
    journal_no: str
    committee: str
    item_no: int
    position: int
    is_public: bool
    is_late: bool
    late_reason: str | None
    late_approved_by: str | None
    status: ItemStatus
    decision: str | None
    absent: tuple[str, ...]
    outcome: ItemOutcome | None
    referred_to: str | None
    decided_at: datetime | None
    decided_by: str | None
    created_at: datetime
    created_by: str


@dataclass(frozen=True)
class VersionRecord:
    """A published version of a meeting's agenda, frozen."""

    meeting_id: int
    version: int
    published_at: datetime
    published_by: str
    change_note: str | None
    snapshot: dict[str, Any]


@dataclass(frozen=True)
class MinutesApproval:
    meeting_id: int
    approved_at: datetime
    approved_by: str
    note: str | None


# --- items ------------------------------------------------------------------------------


def _item(row: Row[Any]) -> ItemRecord:
    return ItemRecord(
        id=row.id,
        meeting_id=row.meeting_id,
        case_id=row.case_id,
        journal_no=row.journal_no,
        committee=row.committee,
        item_no=row.item_no,
        position=row.position,
        is_public=row.is_public,
        is_late=row.is_late,
        late_reason=row.late_reason,
        late_approved_by=row.late_approved_by,
        status=ItemStatus(row.status),
        decision=row.decision,
        absent=tuple(row.absent or ()),
        outcome=ItemOutcome(row.outcome) if row.outcome is not None else None,
        referred_to=row.referred_to,
        decided_at=row.decided_at,
        decided_by=row.decided_by,
        created_at=row.created_at,
        created_by=row.created_by,
    )


def _items_query() -> Any:
    return select(agenda_items, cases.c.journal_no).join(
        cases, cases.c.id == agenda_items.c.case_id
    )


def insert_item(
    conn: Connection,
    *,
    meeting_id: int,
    case_id: int,
    committee: str,
    is_public: bool,
    late_reason: str | None,
    late_approved_by: str | None,
    is_late: bool,
    actor: str,
    now: datetime,
) -> int:
    """Append an item at the end of the meeting's agenda; returns its id.

    Its number follows the items still on the agenda (those taken off keep the number
    they had, as history), and its position comes after every row of the meeting. A
    case taken off this agenda before is put back on its old row (one row per case and
    meeting), as a new item; a row that was closed stays closed (``is_public`` is never
    overwritten here: only :func:`make_public`, an audited act of its own, opens an item).
    """
    last, count = conn.execute(
        select(
            func.max(agenda_items.c.position),
            func.count().filter(agenda_items.c.status != ItemStatus.REMOVED),
        ).where(agenda_items.c.meeting_id == meeting_id)
    ).one()
    values = {
        "meeting_id": meeting_id,
        "case_id": case_id,
        "committee": committee,
        "item_no": count + 1,
        "position": (last or 0) + 1,
        "is_public": is_public,
        "is_late": is_late,
        "late_reason": late_reason,
        "late_approved_by": late_approved_by,
        "status": ItemStatus.SCHEDULED,
        "decision": None,
        "decided_at": None,
        "absent": [],
        "created_at": now,
        "created_by": actor,
    }
    taken_off = conn.execute(
        select(agenda_items.c.id, agenda_items.c.is_public).where(
            agenda_items.c.meeting_id == meeting_id,
            agenda_items.c.case_id == case_id,
            agenda_items.c.status == ItemStatus.REMOVED,
        )
    ).first()
    if taken_off is not None:
        values["is_public"] = is_public and taken_off.is_public
        conn.execute(update(agenda_items).where(agenda_items.c.id == taken_off.id).values(values))
        records.track_item(conn, int(taken_off.id), now)
        return int(taken_off.id)
    result = conn.execute(insert(agenda_items).values(values))
    item_id = int(result.inserted_primary_key[0])  # type: ignore[index]
    records.track_item(conn, item_id, now)
    return item_id


def items_for_meeting(
    conn: Connection, meeting_id: int, *, with_removed: bool = True
) -> list[ItemRecord]:
    """The meeting's items in order; ``with_removed=False``: only those still on the agenda.

    An item taken off keeps its number and position, so it sorts beside the item
    that took its number (by id, the older first).
    """
    query = _items_query().where(agenda_items.c.meeting_id == meeting_id)
    if not with_removed:
        query = query.where(agenda_items.c.status != ItemStatus.REMOVED)
    rows = conn.execute(query.order_by(agenda_items.c.position, agenda_items.c.id))
    return [_item(row) for row in rows]


def item_on_meeting(conn: Connection, meeting_id: int, case_id: int) -> ItemRecord | None:
    row = conn.execute(
        _items_query().where(
            agenda_items.c.meeting_id == meeting_id, agenda_items.c.case_id == case_id
        )
    ).first()
    return _item(row) if row is not None else None


def items_for_case(conn: Connection, case_id: int) -> list[tuple[ItemRecord, MeetingRecord]]:
    """Every treatment of a case, in the order of the meetings."""
    rows = conn.execute(
        select(agenda_items, cases.c.journal_no)
        .join(cases, cases.c.id == agenda_items.c.case_id)
        .join(meetings, meetings.c.id == agenda_items.c.meeting_id)
        .where(agenda_items.c.case_id == case_id)
        .order_by(meetings.c.starts_at, agenda_items.c.id)
    )
    return [(_item(row), meeting_rows.get(conn, row.meeting_id)) for row in rows]


def renumber(conn: Connection, ordered_ids: Sequence[int]) -> None:
    """Give the items positions and numbers 1..n in the order given."""
    for number, item_id in enumerate(ordered_ids, start=1):
        conn.execute(
            update(agenda_items)
            .where(agenda_items.c.id == item_id)
            .values(position=number, item_no=number)
        )


def make_public(conn: Connection, item_id: int, now: datetime | None = None) -> None:
    """Open a closed item: the one write that sets ``is_public``, for the audited act
    (:func:`caseflow.meetings.agenda.open_item`); ``now`` dates its record link."""
    conn.execute(update(agenda_items).where(agenda_items.c.id == item_id).values(is_public=True))
    records.track_item(conn, item_id, now or datetime.now(UTC))


def mark_removed(conn: Connection, item_id: int, note: str, now: datetime) -> None:
    """An item whose case left the agenda outside the minutes (withdrawn, sent back)."""
    conn.execute(
        update(agenda_items)
        .where(agenda_items.c.id == item_id)
        .values(status=ItemStatus.REMOVED, decision=note, decided_at=now)
    )
    records.track_item(conn, item_id, now)


def record_outcome(
    conn: Connection,
    item_id: int,
    *,
    outcome: ItemOutcome,
    decision: str | None,
    absent: Sequence[str],
    referred_to: str | None,
    actor: str,
    now: datetime,
) -> None:
    conn.execute(
        update(agenda_items)
        .where(agenda_items.c.id == item_id)
        .values(
            status=outcome.status,
            outcome=outcome,
            decision=decision,
            absent=list(absent),
            referred_to=referred_to,
            decided_at=now,
            decided_by=actor,
        )
    )
    records.track_item(conn, item_id, now)


# --- published versions -------------------------------------------------------------------


def _version(row: Row[Any]) -> VersionRecord:
    return VersionRecord(
        row.meeting_id,
        row.version,
        row.published_at,
        row.published_by,
        row.change_note,
        dict(row.snapshot),
    )


def versions(conn: Connection, meeting_id: int) -> list[VersionRecord]:
    rows = conn.execute(
        select(agenda_versions)
        .where(agenda_versions.c.meeting_id == meeting_id)
        .order_by(agenda_versions.c.version)
    )
    return [_version(row) for row in rows]


def latest_version(conn: Connection, meeting_id: int) -> VersionRecord | None:
    row = conn.execute(
        select(agenda_versions)
        .where(agenda_versions.c.meeting_id == meeting_id)
        .order_by(agenda_versions.c.version.desc())
        .limit(1)
    ).first()
    return _version(row) if row is not None else None


def insert_version(
    conn: Connection,
    *,
    meeting_id: int,
    version: int,
    snapshot: dict[str, Any],
    note: str | None,
    actor: str,
    now: datetime,
) -> None:
    conn.execute(
        insert(agenda_versions).values(
            meeting_id=meeting_id,
            version=version,
            published_at=now,
            published_by=actor,
            change_note=note,
            snapshot=snapshot,
        )
    )
    records.track_agenda_version(conn, meeting_id, version, now)


# --- minutes ------------------------------------------------------------------------------


def minutes_approval(conn: Connection, meeting_id: int) -> MinutesApproval | None:
    row = conn.execute(
        select(meeting_minutes).where(meeting_minutes.c.meeting_id == meeting_id)
    ).first()
    if row is None:
        return None
    return MinutesApproval(row.meeting_id, row.approved_at, row.approved_by, row.note)


def insert_minutes_approval(
    conn: Connection, meeting_id: int, actor: str, note: str | None, now: datetime
) -> None:
    conn.execute(
        insert(meeting_minutes).values(
            meeting_id=meeting_id, approved_at=now, approved_by=actor, note=note
        )
    )
    records.track_minutes(conn, meeting_id, now)
