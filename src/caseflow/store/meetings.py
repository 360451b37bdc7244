"""Meeting rows: a committee's meeting plan.

The small API agenda items build on: :func:`create`, :func:`get`, :func:`find`,
:func:`list_for`, :func:`next_after`, :func:`update`, :func:`set_status` and
:func:`cancel`. Every function takes the caller's connection, so it runs in
the caller's transaction; times are aware datetimes in, aware UTC out.

A meeting's ``uid`` is fixed when the row is made and never recomputed, so a
calendar program that imported the meeting updates it when it moves instead
of showing it twice. ``sequence`` (RFC 5545 SEQUENCE) goes up whenever the
time, place or status changes, which is how those programs know which copy is
newer.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Row, insert, select

from caseflow.calendar import COPENHAGEN
from caseflow.errors import Conflict, ErrorCode, InvalidInput, NotFound
from caseflow.meetings.vocabulary import MeetingStatus
from caseflow.store.tables import meetings

# Which status may follow which: the minutes close a held meeting; a cancelled one
# may be put back in the plan, a closed one is history.
NEXT_STATUSES: dict[MeetingStatus, frozenset[MeetingStatus]] = {
    MeetingStatus.PLANNED: frozenset({MeetingStatus.HELD, MeetingStatus.CANCELLED}),
    MeetingStatus.HELD: frozenset({MeetingStatus.CLOSED}),
    MeetingStatus.CANCELLED: frozenset({MeetingStatus.PLANNED}),
    MeetingStatus.CLOSED: frozenset(),
}

# uuid5 namespace for meeting UIDs (a fixed random value: never change it).
_UID_NAMESPACE = uuid.UUID("6c0b7f0e-3f7e-4b8e-9a51-2f0d8a4c9e11")
UID_DOMAIN = "caseflow"


@dataclass(frozen=True)
class MeetingRecord:
    """One meeting as stored; times are aware UTC."""

    id: int
    committee: str
    starts_at: datetime
    ends_at: datetime | None
    place: str | None
    status: MeetingStatus
    uid: str
    sequence: int
    note: str | None
    created_at: datetime
    updated_at: datetime

    @property
    def cancelled(self) -> bool:
        return self.status is MeetingStatus.CANCELLED


def _record(row: Row[Any]) -> MeetingRecord:
    m = row._mapping
    return MeetingRecord(
        id=m["id"],
        committee=m["committee"],
        starts_at=m["starts_at"],
        ends_at=m["ends_at"],
        place=m["place"],
        status=MeetingStatus(m["status"]),
        uid=m["uid"],
        sequence=m["sequence"],
        note=m["note"],
        created_at=m["created_at"],
        updated_at=m["updated_at"],
    )


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("meeting times must be aware datetimes")
    return moment.astimezone(UTC)


def _check_times(starts_at: datetime, ends_at: datetime | None) -> None:
    if ends_at is not None and ends_at <= starts_at:
        local = starts_at.astimezone(COPENHAGEN)
        raise InvalidInput(
            f"a meeting must end after it starts ({local:%Y-%m-%d %H:%M} Copenhagen time); "
            "check the end time"
        )


def new_uid(committee: str, starts_at: datetime, attempt: int = 0) -> str:
    """A UID derived from the committee and the first planned start.

    Derived rather than random so that importing the same plan into a fresh
    database gives the same UIDs (a subscribed calendar does not fill with
    copies); ``attempt`` makes another one when a meeting that moved away
    still holds the first.
    """
    name = f"{committee}/{_utc(starts_at).isoformat()}/{attempt}"
    return f"{uuid.uuid5(_UID_NAMESPACE, name)}@{UID_DOMAIN}"


def create(
    conn: Connection,
    *,
    committee: str,
    starts_at: datetime,
    now: datetime,
    ends_at: datetime | None = None,
    place: str | None = None,
    note: str | None = None,
) -> MeetingRecord:
    """Insert a planned meeting; Conflict if the committee already meets then."""
    starts_at = _utc(starts_at)
    ends_at = _utc(ends_at) if ends_at is not None else None
    _check_times(starts_at, ends_at)
    existing = find(conn, committee, starts_at)
    if existing is not None:
        raise Conflict(
            f"{committee} already has meeting {existing.id} at that time ({existing.status})",
            code=ErrorCode.MEETING_EXISTS,
            meeting_id=existing.id,
        )
    attempt = 0
    uid = new_uid(committee, starts_at)
    while conn.execute(select(meetings.c.id).where(meetings.c.uid == uid)).first() is not None:
        attempt += 1
        uid = new_uid(committee, starts_at, attempt)
    now = _utc(now)
    meeting_id = conn.execute(
        insert(meetings).values(
            committee=committee,
            starts_at=starts_at,
            ends_at=ends_at,
            place=place,
            status=MeetingStatus.PLANNED,
            uid=uid,
            sequence=0,
            note=note,
            created_at=now,
            updated_at=now,
        )
    ).inserted_primary_key[0]  # type: ignore[index]
    return get(conn, int(meeting_id))


def get(conn: Connection, meeting_id: int, *, for_update: bool = False) -> MeetingRecord:
    """A meeting; ``for_update`` locks its row on PostgreSQL, so that changes to one
    meeting's agenda and minutes queue up (SQLite's write transactions already do)."""
    query = select(meetings).where(meetings.c.id == meeting_id)
    if for_update and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).first()
    if row is None:
        raise NotFound(
            f"no meeting {meeting_id}", code=ErrorCode.UNKNOWN_MEETING, meeting_id=meeting_id
        )
    return _record(row)


def find(conn: Connection, committee: str, starts_at: datetime) -> MeetingRecord | None:
    """The committee's meeting starting at exactly ``starts_at``, if any."""
    row = conn.execute(
        select(meetings).where(
            meetings.c.committee == committee, meetings.c.starts_at == _utc(starts_at)
        )
    ).first()
    return _record(row) if row is not None else None


def list_for(
    conn: Connection,
    committee: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    *,
    include_cancelled: bool = True,
    committees: Sequence[str] = (),
    limit: int | None = None,
    after: int | None = None,
) -> list[MeetingRecord]:
    """Meetings by start time (then committee): of one committee (or of ``committees``, or
    all), starting in [since, until); ``limit`` of them after meeting ``after`` in that
    order, when given: one page of the plan, read in SQL."""
    query = select(meetings).order_by(meetings.c.starts_at, meetings.c.committee, meetings.c.id)
    if committee is not None:
        query = query.where(meetings.c.committee == committee)
    if committees:
        query = query.where(meetings.c.committee.in_(list(committees)))
    if since is not None:
        query = query.where(meetings.c.starts_at >= _utc(since))
    if until is not None:
        query = query.where(meetings.c.starts_at < _utc(until))
    if not include_cancelled:
        query = query.where(meetings.c.status != MeetingStatus.CANCELLED)
    if after is not None:
        query = query.where(_after(after))
    if limit is not None:
        query = query.limit(limit)
    return [_record(row) for row in conn.execute(query)]


def _after(meeting_id: int) -> sa.ColumnElement[bool]:
    """Meetings later in the plan's order (start, committee, id) than ``meeting_id``."""
    last = meetings.alias("last")
    at = select(last.c.starts_at).where(last.c.id == meeting_id).scalar_subquery()
    committee = select(last.c.committee).where(last.c.id == meeting_id).scalar_subquery()
    return sa.or_(
        meetings.c.starts_at > at,
        sa.and_(
            meetings.c.starts_at == at,
            sa.or_(
                meetings.c.committee > committee,
                sa.and_(meetings.c.committee == committee, meetings.c.id > meeting_id),
            ),
        ),
    )


def next_after(
    conn: Connection,
    committee: str,
    moment: datetime,
    *,
    statuses: Sequence[MeetingStatus] | None = None,
) -> MeetingRecord | None:
    """The committee's first meeting that starts after ``moment``: with one of
    ``statuses`` if given, else any that is not cancelled."""
    status = (
        meetings.c.status.in_(list(statuses))
        if statuses is not None
        else meetings.c.status != MeetingStatus.CANCELLED
    )
    row = conn.execute(
        select(meetings)
        .where(meetings.c.committee == committee, meetings.c.starts_at > _utc(moment), status)
        .order_by(meetings.c.starts_at)
        .limit(1)
    ).first()
    return _record(row) if row is not None else None


_UNSET: Any = object()


def update(
    conn: Connection,
    meeting_id: int,
    *,
    now: datetime,
    starts_at: datetime | None = None,
    ends_at: datetime | None = _UNSET,
    place: str | None = _UNSET,
    note: str | None = _UNSET,
) -> MeetingRecord:
    """Change time, end, place or note; ``sequence`` goes up if anything visible changed.

    Arguments left out stay as they are (``ends_at=None`` clears the end).
    """
    before = get(conn, meeting_id)
    values: dict[str, Any] = {}
    if starts_at is not None and _utc(starts_at) != before.starts_at:
        values["starts_at"] = _utc(starts_at)
    if ends_at is not _UNSET and (ends_at and _utc(ends_at)) != before.ends_at:
        values["ends_at"] = _utc(ends_at) if ends_at is not None else None
    if place is not _UNSET and place != before.place:
        values["place"] = place
    if note is not _UNSET and note != before.note:
        values["note"] = note
    if not values:
        return before
    _check_times(values.get("starts_at", before.starts_at), values.get("ends_at", before.ends_at))
    if "starts_at" in values:
        clash = find(conn, before.committee, values["starts_at"])
        if clash is not None:
            raise Conflict(f"{before.committee} already has meeting {clash.id} at that time")
    visible = set(values) - {"note"}
    values["updated_at"] = _utc(now)
    values["sequence"] = before.sequence + (1 if visible else 0)
    conn.execute(sa.update(meetings).where(meetings.c.id == meeting_id).values(values))
    return get(conn, meeting_id)


def set_status(
    conn: Connection, meeting_id: int, status: MeetingStatus, *, now: datetime
) -> MeetingRecord:
    """Move a meeting to ``status`` if :data:`NEXT_STATUSES` allows it."""
    before = get(conn, meeting_id)
    if status == before.status:
        return before
    if status not in NEXT_STATUSES[before.status]:
        allowed = ", ".join(sorted(NEXT_STATUSES[before.status])) or "none (it is final)"
        raise InvalidInput(
            f"meeting {meeting_id} is {before.status} and cannot become {status}; "
            f"allowed: {allowed}"
        )
    conn.execute(
        sa.update(meetings)
        .where(meetings.c.id == meeting_id)
        .values(status=status, sequence=before.sequence + 1, updated_at=_utc(now))
    )
    return get(conn, meeting_id)


def cancel(conn: Connection, meeting_id: int, *, now: datetime) -> MeetingRecord:
    """Cancel a planned meeting; it stays in the table (and in the ICS, as cancelled)."""
    return set_status(conn, meeting_id, MeetingStatus.CANCELLED, now=now)
