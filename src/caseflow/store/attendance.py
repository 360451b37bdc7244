"""A meeting's attendance: one row per member, present or absent, replaced as a whole."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select

from caseflow.store.tables import meeting_attendance


@dataclass(frozen=True)
class AttendanceRecord:
    present: tuple[str, ...]
    absent: tuple[str, ...]
    recorded_by: str
    recorded_at: datetime


def replace(
    conn: Connection,
    meeting_id: int,
    present: Sequence[str],
    absent: Sequence[str],
    actor: str,
    now: datetime,
) -> None:
    conn.execute(delete(meeting_attendance).where(meeting_attendance.c.meeting_id == meeting_id))
    rows = [(name, True) for name in present] + [(name, False) for name in absent]
    if rows:
        conn.execute(
            insert(meeting_attendance),
            [
                {
                    "meeting_id": meeting_id,
                    "member": name,
                    "present": here,
                    "recorded_by": actor,
                    "recorded_at": now,
                }
                for name, here in rows
            ],
        )


def of_meeting(conn: Connection, meeting_id: int) -> AttendanceRecord | None:
    rows = conn.execute(
        select(meeting_attendance)
        .where(meeting_attendance.c.meeting_id == meeting_id)
        .order_by(meeting_attendance.c.member)
    ).all()
    if not rows:
        return None
    return AttendanceRecord(
        tuple(r.member for r in rows if r.present),
        tuple(r.member for r in rows if not r.present),
        rows[0].recorded_by,
        rows[0].recorded_at,
    )
