"""The API's documents of meetings, agendas, minutes, the report, a committee's deadlines
and the digest: each mirrors the ``to_json`` of the service result it carries."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from caseflow.web.api.models import AttachmentOut


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


Note = Field(default=None, max_length=10_000)

# --- the meeting plan ------------------------------------------------------------------


class MeetingOut(_Out):
    id: int
    committee: str
    starts_at: str
    ends_at: str | None
    place: str | None
    status: str
    uid: str
    sequence: int
    note: str | None


class MeetingPlanOut(_Out):
    items: list[MeetingOut]
    next_cursor: str | None
    plannable: list[str] = Field(description="The committees the caller may add meetings to.")


class NewMeetingIn(_In):
    committee: str = Field(min_length=1, max_length=16)
    starts_at: datetime = Field(description="A time without an offset is Copenhagen time.")
    ends_at: datetime | None = None
    place: str | None = Field(default=None, max_length=500)
    note: str | None = Note


# --- the agenda ------------------------------------------------------------------------


class DecisionOut(_Out):
    outcome: str
    text: str | None
    absent: list[str]
    referred_to: str | None
    decided_at: str | None


class AgendaItemOut(_Out):
    """An item; a closed one seen from outside its committee has only number and title."""

    item_no: int
    is_public: bool
    title: str
    item_id: int | None = None
    journal_no: str | None = None
    summary: str | None = None
    lead_administration: str | None = None
    recommending_administration: Any = None
    participating_administrations: list[str] | None = None
    recommendations: list[str] | None = None
    sections: dict[str, str] | None = None
    section_headings: dict[str, Any] | None = None
    attachments: list[AttachmentOut] | None = None
    is_late: bool | None = None
    late_reason: str | None = None
    status: str | None = None
    decision: DecisionOut | None = None
    taken_off: str | None = None


class AgendaMeetingOut(_Out):
    id: int
    committee: str
    starts_at: str
    date: str
    time: str
    place: str | None
    status: str | None = None


class AgendaCommitteeOut(_Out):
    code: str
    name: str | None
    name_en: str | None


class AgendaOut(_Out):
    meeting: AgendaMeetingOut
    committee: AgendaCommitteeOut
    published_version: int | None = None
    items: list[AgendaItemOut]
    public: bool | None = None


class VersionOut(_Out):
    version: int
    published_at: str
    published_by: str
    change_note: str | None
    agenda: AgendaOut


class QueueLineOut(_Out):
    journal_no: str
    title: str
    state: str
    ready: bool


class QueueOut(_Out):
    items: list[QueueLineOut]
    next_cursor: str | None


class BoardCommitteeOut(_Out):
    code: str
    name: str


class MinutesOut(_Out):
    approved_at: str
    approved_by: str
    note: str | None


class BoardOut(_Out):
    """A meeting as the caller may see it: the full agenda for the committee's insiders,
    the published public one (or none) for anyone else."""

    meeting: MeetingOut
    committee: BoardCommitteeOut
    members: list[str]
    agenda_deadline: str
    agenda_sent: str
    deadline_passed: bool
    late_items: str
    insider: bool
    may_build: bool
    may_record: bool
    agenda: AgendaOut | None
    versions: list[VersionOut]
    queue: QueueOut
    minutes: MinutesOut | None


class AddItemIn(_In):
    journal_no: str = Field(min_length=1, max_length=32)
    closed: bool = False
    late_reason: str | None = Note
    note: str | None = Note


class ItemAddedOut(_Out):
    meeting_id: int
    journal_no: str
    item_no: int
    is_public: bool
    inherited_closed: bool
    is_late: bool
    late_reason: str | None
    timing: str
    published_version: int | None


class MoveIn(_In):
    position: int = Field(ge=1, le=10_000)
    note: str | None = Note


class NumberedOut(_Out):
    item_no: int
    journal_no: str


class ReasonIn(_In):
    reason: str | None = Note


class WithdrawnOut(_Out):
    meeting_id: int
    journal_no: str
    item_no: int
    case_state: str
    remaining: list[NumberedOut]
    published_version: int | None


class OpenIn(_In):
    reason: str | None = Note
    note: str | None = Note


class OpenedOut(_Out):
    meeting_id: int
    journal_no: str
    item_no: int
    published_version: int | None


class NoteIn(_In):
    note: str | None = Note


class PublishedOut(_Out):
    meeting_id: int
    version: int


# --- the minutes -----------------------------------------------------------------------


class DecideIn(_In):
    outcome: Literal["decided", "postponed", "referred"]
    text: str | None = Field(default=None, max_length=100_000)
    absent: list[str] = Field(default_factory=list, max_length=100)
    to: str | None = Field(default=None, max_length=16)


class DecidedOut(_Out):
    meeting_id: int
    item_no: int
    outcome: str
    journal_no: str
    case_state: str


class ApprovedOut(_Out):
    meeting_id: int


# --- the report, a committee's deadlines, the digest ------------------------------------


class NotReadyOut(_Out):
    journal_no: str
    title: str
    committee: str | None
    state: str
    meeting_date: str
    agenda_deadline: str
    deadline_passed: bool
    case_officer: str | None


class WaitingOut(_Out):
    journal_no: str
    title: str
    committee: str | None
    reason: str
    from_committee: str
    from_meeting: str
    item_no: int


class ReportOut(_Out):
    committee: str | None
    today: str
    not_ready: list[NotReadyOut]
    without_meeting: list[WaitingOut]


class CalendarMeetingOut(_Out):
    id: int
    starts_at: str
    place: str | None
    status: str
    agenda_deadline: str
    agenda_sent: str


class DeadlineOut(_Out):
    journal_no: str
    title: str
    committee: str | None
    rule: str
    deadline: str
    owner: dict[str, str | None] | None
    status: str
    due_at: str
    overdue: bool


class DeadlinePage(_Out):
    items: list[DeadlineOut]
    next_cursor: str | None


class CommitteeDeadlinesOut(_Out):
    committee: str
    committee_name: str
    meetings: list[CalendarMeetingOut]
    deadlines: DeadlinePage


class DigestItemOut(_Out):
    journal_no: str
    title: str
    rule: str
    due_at: str
    owner: str | None
    overdue: bool


class DigestRecipientOut(_Out):
    name: str | None


class DigestCommitteeOut(_Out):
    code: str
    name: str


class DigestPeriodOut(_Out):
    working_days: int
    first_day: str
    last_day: str


class DigestOut(_Out):
    recipient: DigestRecipientOut
    committee: DigestCommitteeOut
    period: DigestPeriodOut
    items: list[DigestItemOut]
    secretariat_email: str | None


class DigestsOut(_Out):
    digests: list[DigestOut]
