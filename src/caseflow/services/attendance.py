"""A meeting's attendance, recorded once for the whole meeting: who attended and who was
absent (the minutes' "Fraværende" for the meeting), from meeting mode or with
``caseflow minutes attendance``.

The committee's secretariat or members record it while the meeting is planned or held
(a closed meeting's minutes do not change), and may correct it until then; absent names
must be members when the organisation lists the committee's members, and those not
absent are present. Each item's decision keeps its own absences (someone may leave
during the meeting); meeting mode ticks the meeting's absentees for each item to start.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from caseflow.context import Context
from caseflow.domain import Actor
from caseflow.errors import ErrorCode, InvalidInput, NotAllowed
from caseflow.meetings.vocabulary import MeetingStatus
from caseflow.policy import require_committee_role
from caseflow.store import attendance as rows
from caseflow.store import meetings as meeting_rows
from caseflow.store import organisation
from caseflow.store.db import read_transaction

RECORDERS = ("secretariat", "committee")
_OPEN = (MeetingStatus.PLANNED, MeetingStatus.HELD)


@dataclass(frozen=True)
class RecordAttendance:
    meeting_id: int
    absent: Sequence[str] = ()
    present: Sequence[str] | None = None  # None: every listed member not absent


@dataclass(frozen=True)
class Attendance:
    meeting_id: int
    committee: str
    present: Sequence[str]
    absent: Sequence[str]
    recorded_by: str
    recorded_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "meeting_id": self.meeting_id,
            "committee": self.committee,
            "present": list(self.present),
            "absent": list(self.absent),
            "recorded_by": self.recorded_by,
            "recorded_at": self.recorded_at.isoformat(),
        }


def _names(values: Sequence[str]) -> list[str]:
    seen: list[str] = []
    for value in values:
        name = value.strip()
        if name and name not in seen:
            seen.append(name)
    return seen


def record_attendance(ctx: Context, actor: Actor, request: RecordAttendance) -> Attendance:
    """Record (or correct) who attended the meeting and who was absent."""
    absent = _names(request.absent)
    engine = ctx.engine
    now = engine.clock.now()
    with engine.transaction() as conn:
        meeting = meeting_rows.get(conn, request.meeting_id, for_update=True)
        require_committee_role(actor, meeting.committee, RECORDERS, "record the attendance")
        if meeting.status not in _OPEN:
            raise NotAllowed(
                f"meeting {request.meeting_id} is {meeting.status}; its minutes can no longer "
                "change"
            )
        row = organisation.committee(conn, meeting.committee)
        members = [str(m) for m in (row or {}).get("details", {}).get("members") or []]
        present = _names(request.present) if request.present is not None else None
        if present is None:
            present = [m for m in members if m not in absent]
        both = sorted(set(present) & set(absent))
        if both:
            raise InvalidInput(
                f"{', '.join(both)} cannot be both present and absent", field="absent"
            )
        unknown = [name for name in [*present, *absent] if members and name not in members]
        if unknown:
            raise InvalidInput(
                f"{', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not a member of "
                f"{meeting.committee}; its members: {', '.join(members)}",
                code=ErrorCode.NOT_A_MEMBER,
                field="absent",
                committee=meeting.committee,
                names=unknown,
                members=members,
            )
        rows.replace(conn, meeting.id, present, absent, actor.username, now)
    return Attendance(meeting.id, meeting.committee, present, absent, actor.username, now)


def attendance(ctx: Context, actor: Actor, meeting_id: int) -> Attendance | None:
    """The meeting's recorded attendance (None: not recorded). Like the minutes it is
    printed in, it is for anyone in the organisation."""
    del actor  # who attended a meeting is in its public minutes
    with read_transaction(ctx.engine.db) as conn:
        meeting = meeting_rows.get(conn, meeting_id)
        found = rows.of_meeting(conn, meeting_id)
    if found is None:
        return None
    return Attendance(
        meeting.id,
        meeting.committee,
        found.present,
        found.absent,
        found.recorded_by,
        found.recorded_at,
    )
