"""The meetings service: the meeting plan, its calendar export, and backward planning.

Each function takes the context, the acting actor and a typed request and returns a
typed result whose ``to_json()`` is what ``--json`` prints. Writes are
:mod:`caseflow.meetings.plan`'s use cases (the committee's secretariat or an
administrator); reads need an actor too (the plan is no secret, but every read says
who asks). Times are aware datetimes; the interface parses what the user typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from caseflow.calendar import COPENHAGEN, at_local, local_date
from caseflow.context import Context
from caseflow.domain import Actor
from caseflow.errors import ErrorCode, InvalidInput
from caseflow.local_time import strict_local
from caseflow.meetings import plan
from caseflow.meetings.planning import Plan, PlannedMeeting, Planner, Step
from caseflow.services.paging import Page, PageRequest
from caseflow.store import meetings as rows
from caseflow.store import organisation as org_rows
from caseflow.store.db import read_transaction
from caseflow.store.meetings import MeetingRecord


def meeting_json(meeting: MeetingRecord) -> dict[str, Any]:
    return {
        "id": meeting.id,
        "committee": meeting.committee,
        "starts_at": meeting.starts_at.astimezone(COPENHAGEN).isoformat(),
        "ends_at": meeting.ends_at.astimezone(COPENHAGEN).isoformat() if meeting.ends_at else None,
        "place": meeting.place,
        "status": meeting.status.value,
        "uid": meeting.uid,
        "sequence": meeting.sequence,
        "note": meeting.note,
    }


@dataclass(frozen=True)
class MeetingView:
    meeting: MeetingRecord

    def to_json(self) -> dict[str, Any]:
        return meeting_json(self.meeting)


# --- the plan ------------------------------------------------------------------------


@dataclass(frozen=True)
class NewMeeting:
    committee: str
    starts_at: datetime
    ends_at: datetime | None = None
    place: str | None = None
    note: str | None = None


def new_meeting(ctx: Context, actor: Actor, request: NewMeeting) -> MeetingView:
    return MeetingView(
        plan.create_meeting(
            ctx.engine,
            actor,
            committee=request.committee,
            starts_at=request.starts_at,
            ends_at=request.ends_at,
            place=request.place,
            note=request.note,
        )
    )


@dataclass(frozen=True)
class ChangeMeeting:
    """What to change; None leaves a thing as it is. ``ends_clock``: a new end on the
    (new) day of the meeting; ``clear_end``, ``place=""`` and ``note=""`` clear."""

    meeting_id: int
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    ends_clock: time | None = None
    clear_end: bool = False
    place: str | None = None
    note: str | None = None


def change_meeting(ctx: Context, actor: Actor, request: ChangeMeeting) -> MeetingView:
    """Move a meeting or change its end, place or note; calendars see a new SEQUENCE."""
    changes: dict[str, Any] = {}
    if request.starts_at is not None:
        changes["starts_at"] = request.starts_at
    if request.clear_end:
        changes["ends_at"] = None
    elif request.ends_at is not None:
        changes["ends_at"] = request.ends_at
    elif request.ends_clock is not None:
        start = request.starts_at
        if start is None:
            with read_transaction(ctx.engine.db) as conn:
                start = rows.get(conn, request.meeting_id).starts_at
        changes["ends_at"] = strict_local(local_date(start), request.ends_clock, "until")
    for key, value in (("place", request.place), ("note", request.note)):
        if value is not None:
            changes[key] = value.strip() or None
    if not changes:
        raise InvalidInput(
            "nothing to change: say when, until when, where or a note",
            code=ErrorCode.MEETING_UNCHANGED,
        )
    return MeetingView(plan.change_meeting(ctx.engine, actor, request.meeting_id, **changes))


@dataclass(frozen=True)
class CancelMeeting:
    meeting_id: int


def cancel_meeting(ctx: Context, actor: Actor, request: CancelMeeting) -> MeetingView:
    return MeetingView(plan.cancel_meeting(ctx.engine, actor, request.meeting_id))


@dataclass(frozen=True)
class ImportPlan:
    path: Path


@dataclass(frozen=True)
class PlanImported:
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def import_plan(ctx: Context, actor: Actor, request: ImportPlan) -> PlanImported:
    done = plan.import_plan(ctx.engine, actor, request.path)
    return PlanImported(list(done.created), list(done.updated), list(done.unchanged))


# --- reading -------------------------------------------------------------------------


FIRST_YEAR, LAST_YEAR = 1900, 2999
"""The years a meeting plan may be asked for (a year's bounds stay inside what dates hold)."""


def year_range(year: int | None) -> tuple[datetime | None, datetime | None]:
    """A calendar year, Copenhagen time: 1 January 00:00 up to the next 1 January."""
    if year is None:
        return None, None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput(
            f"year {year} is out of range; give a year from {FIRST_YEAR} to {LAST_YEAR}, e.g. 2009"
        )
    return at_local(date(year, 1, 1), time(0)), at_local(date(year + 1, 1, 1), time(0))


@dataclass(frozen=True)
class ListMeetings:
    committee: str | None = None
    year: int | None = None
    page: PageRequest = field(default_factory=PageRequest)


@dataclass(frozen=True)
class MeetingList:
    page: Page[MeetingRecord]

    @property
    def meetings(self) -> list[MeetingRecord]:
        return list(self.page.items)

    def to_json(self) -> list[dict[str, Any]]:
        """The page's meetings (the CLI's ``--json`` shape; ``page_json`` adds the cursor)."""
        return [meeting_json(m) for m in self.page.items]

    def page_json(self) -> dict[str, Any]:
        return self.page.to_json(meeting_json)


def list_meetings(ctx: Context, actor: Actor, request: ListMeetings) -> MeetingList:
    """Meetings by date, cancelled ones included; a page of them, filtered and paged in SQL
    (cursor: the last meeting's id; the next page is what follows it in the plan)."""
    since, until = year_range(request.year)
    with read_transaction(ctx.engine.db) as conn:
        if request.committee is not None:
            plan.require_committee(conn, request.committee)
        found = rows.list_for(
            conn,
            request.committee,
            since,
            until,
            limit=request.page.limit + 1,
            after=request.page.after(),
        )
    return MeetingList(Page.of(found, request.page, key=lambda m: m.id))


@dataclass(frozen=True)
class MeetingPlan:
    """The meeting plan as one reader works with it: a page of meetings, the committees to
    choose from, and those the reader may plan meetings of (:func:`plan.may_plan`)."""

    meetings: MeetingList
    committees: list[tuple[str, str]]  # (code, name) of every committee
    plannable: list[str]  # the codes of the committees the reader may add meetings to

    def to_json(self) -> dict[str, Any]:
        return self.meetings.page_json() | {"plannable": list(self.plannable)}


def meeting_plan(ctx: Context, actor: Actor, request: ListMeetings) -> MeetingPlan:
    """:func:`list_meetings`, with the committees and which of them ``actor`` may plan."""
    found = list_meetings(ctx, actor, request)
    with read_transaction(ctx.engine.db) as conn:
        committees = [(str(c["code"]), str(c["name"])) for c in org_rows.list_committees(conn)]
    plannable = [code for code, _ in committees if plan.may_plan(actor, code)]
    return MeetingPlan(found, committees, plannable)


@dataclass(frozen=True)
class ShowMeeting:
    meeting_id: int


@dataclass(frozen=True)
class MeetingDetails:
    meeting: MeetingRecord
    committee_name: str
    agenda_deadline: date
    agenda_sent: date

    def to_json(self) -> dict[str, Any]:
        return meeting_json(self.meeting) | {
            "agenda_deadline": self.agenda_deadline.isoformat(),
            "agenda_sent": self.agenda_sent.isoformat(),
        }


def show_meeting(ctx: Context, actor: Actor, request: ShowMeeting) -> MeetingDetails:
    """A meeting, with the agenda deadline and dispatch date its committee's rules give."""
    with read_transaction(ctx.engine.db) as conn:
        meeting = rows.get(conn, request.meeting_id)
        committee = plan.require_committee(conn, meeting.committee)
    step = Step(meeting.committee, plan.agenda_rules(committee), [meeting.starts_at])
    dates = Planner(ctx.calendars).planned(step, meeting.starts_at)
    return MeetingDetails(meeting, str(committee["name"]), dates.agenda_deadline, dates.agenda_sent)


@dataclass(frozen=True)
class ExportCalendar:
    committees: tuple[str, ...] = ()  # none: every committee
    year: int | None = None


@dataclass(frozen=True)
class CalendarFile:
    data: bytes  # an iCalendar file
    count: int  # meetings in it


def export_calendar(ctx: Context, actor: Actor | None, request: ExportCalendar) -> CalendarFile:
    """The meetings as an iCalendar file (the published meeting plan: for anyone)."""
    since, until = year_range(request.year)
    codes = list(request.committees)
    with read_transaction(ctx.engine.db) as conn:
        for code in codes:
            plan.require_committee(conn, code)
        found = rows.list_for(conn, since=since, until=until, committees=codes)
        names = {c["code"]: c["name"] for c in org_rows.list_committees(conn)}
    title = f"Møder: {', '.join(codes)}" if codes else "Udvalgsmøder"
    # Imported here: icalendar is slow to import, and only this export needs it.
    from caseflow.meetings.ics import build_calendar

    return CalendarFile(build_calendar(found, names, title), len(found))


# --- backward planning ---------------------------------------------------------------


@dataclass(frozen=True)
class PlanBackwards:
    via: tuple[str, ...]
    deadline: date
    today: date | None = None  # None: today
    approval_days: int = 5
    handover_days: int = 0


def _planned_json(m: PlannedMeeting) -> dict[str, Any]:
    return {
        "committee": m.committee,
        "meeting": m.meeting.astimezone(COPENHAGEN).isoformat(),
        "agenda_deadline": m.agenda_deadline.isoformat(),
        "agenda_sent": m.agenda_sent.isoformat(),
        "draft_deadline": m.draft_deadline.isoformat(),
    }


def plan_json(result: Plan) -> dict[str, Any]:
    return {
        "deadline": result.deadline.isoformat(),
        "feasible": result.feasible,
        "missed_by_working_days": result.missed_by_working_days,
        "reason": result.reason,
        "meetings": [_planned_json(m) for m in result.meetings],
    }


@dataclass(frozen=True)
class BackwardPlan:
    plan: Plan

    def to_json(self) -> dict[str, Any]:
        return plan_json(self.plan)


def plan_backwards(ctx: Context, actor: Actor | None, request: PlanBackwards) -> BackwardPlan:
    """The last meetings that can still decide before the deadline, in the municipality's
    calendar (from the meeting plan, which is for anyone)."""
    today = request.today or local_date(ctx.engine.clock.now())
    return BackwardPlan(
        plan.plan_backwards(
            ctx.engine,
            list(request.via),
            request.deadline,
            ctx.calendars,
            today=today,
            approval_working_days=request.approval_days,
            handover_working_days=request.handover_days,
        )
    )
