"""Deadlines as their readers see them: a paged list of those of the cases one may see,
and how each deadline of one case was computed.

Both name a deadline by its rule's title and owner (:mod:`caseflow.deadlines.labels`,
as the reminders and the digest do); the rule id stays in the JSON, for scripts.
The list is filtered in the database (:func:`caseflow.policy.read_scope`): a reader
sees the deadlines of the cases :meth:`~caseflow.domain.Actor.may_read` allows, and
learns nothing of the others, not even how many there are.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from caseflow.calendar import COPENHAGEN, at_local, end_of_day_utc, local_date
from caseflow.context import Context
from caseflow.deadlines.labels import Label, Labels
from caseflow.deadlines.owners import Owner
from caseflow.deadlines.vocabulary import DeadlineStatus
from caseflow.domain import Actor
from caseflow.errors import ErrorCode, InvalidInput
from caseflow.meetings.agenda import timing_for
from caseflow.meetings.plan import require_committee
from caseflow.meetings.report import shown_title
from caseflow.policy import read_scope, visible_case
from caseflow.services.paging import Page, PageRequest
from caseflow.store import cases as case_rows
from caseflow.store import deadlines as deadline_rows
from caseflow.store import meetings as meeting_rows
from caseflow.store import outbox
from caseflow.store.db import read_transaction
from caseflow.store.meetings import MeetingRecord


def working_days(text: str) -> int:
    """``10d`` or ``10``: a number of working days, as a reader types a period."""
    match = re.fullmatch(r"(\d{1,4})\s*d?", text.strip())
    if match is None:
        raise InvalidInput(
            f"{text!r} is not a number of working days (e.g. 10d)",
            code=ErrorCode.INVALID_PERIOD,
            text=text,
        )
    return int(match[1])


@dataclass(frozen=True)
class DeadlineQuery:
    """Which deadlines: only overdue ones, of one committee, due within N working days."""

    overdue: bool = False
    committee: str | None = None
    due_within_days: int | None = None
    page: PageRequest = field(default_factory=PageRequest)


@dataclass(frozen=True)
class ListedDeadline:
    """One open or paused deadline in the list."""

    id: int
    journal_no: str
    title: str
    committee: str | None
    rule: str
    deadline: str  # the rule's title
    owner: Owner | None
    status: DeadlineStatus
    due_at: datetime
    overdue: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "journal_no": self.journal_no,
            "title": self.title,
            "committee": self.committee,
            "rule": self.rule,
            "deadline": self.deadline,
            "owner": self.owner,
            "status": self.status.value,
            "due_at": self.due_at.isoformat(),
            "overdue": self.overdue,
        }


def list_deadlines(ctx: Context, actor: Actor, query: DeadlineQuery) -> Page[ListedDeadline]:
    """Open and paused deadlines of the cases ``actor`` may see, soonest first, a page."""
    engine = ctx.engine
    now = engine.clock.now()
    due_before = None
    if query.due_within_days is not None:
        last_day = ctx.calendars.working.add(local_date(now), query.due_within_days)
        due_before = end_of_day_utc(last_day)
    with read_transaction(engine.db) as conn:
        found = deadline_rows.search_page(
            conn,
            read_scope(actor),
            limit=query.page.limit + 1,
            after=query.page.after(),
            committee=query.committee,
            due_before=due_before,
            overdue_at=now if query.overdue else None,
        )
        cases = case_rows.heads(conn, {record.case_id for record, *_ in found})
        labels = Labels(conn, engine.registry, ctx.language)
        listed = [
            _listed(row, labels.of(row[0].rule_id, cases[row[0].case_id]), now) for row in found
        ]
    return Page.of(listed, query.page, key=lambda d: d.id)


def _listed(row: deadline_rows.Listed, label: Label, now: datetime) -> ListedDeadline:
    record, journal_no, title, committee = row
    return ListedDeadline(
        id=record.id,
        journal_no=journal_no,
        title=title,
        committee=committee,
        rule=record.rule_id,
        deadline=label.title,
        owner=label.owner,
        status=record.status,
        due_at=record.due_at,
        overdue=record.due_at < now,
    )


class ReminderStatus(StrEnum):
    """What became of one reminder of a deadline, as ``deadlines explain`` says it."""

    SENT = "sent"
    TO_COME = "to come"
    BEFORE_START = "not sent: its date came before the deadline began"
    MISSED = "not sent: a later reminder went instead"
    CLOSED = "not sent: the deadline had ended"


@dataclass(frozen=True)
class Reminder:
    at: datetime
    status: ReminderStatus

    @property
    def sent(self) -> bool:
        return self.status is ReminderStatus.SENT


def reminder_status(
    record: deadline_rows.DeadlineRecord, number: int, at: datetime, queued: set[int]
) -> ReminderStatus:
    """Sent only when it was queued to someone; to come only while the deadline lives."""
    if number in queued:
        return ReminderStatus.SENT
    if at < record.started_at:
        return ReminderStatus.BEFORE_START
    if record.status not in (DeadlineStatus.OPEN, DeadlineStatus.PAUSED):
        return ReminderStatus.CLOSED
    if number <= record.reminders_sent:
        return ReminderStatus.MISSED
    return ReminderStatus.TO_COME


@dataclass(frozen=True)
class ExplainedDeadline:
    """One deadline of a case: its label, status, due date, how that was computed, and
    its reminders."""

    label: Label
    status: DeadlineStatus
    due_at: datetime
    explanation: tuple[str, ...]
    reminders: tuple[Reminder, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            **self.label.json(),
            "status": self.status.value,
            "due_at": self.due_at.isoformat(),
            "explanation": list(self.explanation),
            "reminders": [
                {"at": r.at.isoformat(), "sent": r.sent, "status": r.status.name.lower()}
                for r in self.reminders
            ],
        }


@dataclass(frozen=True)
class Explained:
    """Every deadline of one case, open or closed, in the order they were created."""

    journal_no: str
    deadlines: Sequence[ExplainedDeadline]

    def to_json(self) -> list[dict[str, Any]]:
        return [deadline.to_json() for deadline in self.deadlines]


def explain_deadlines(ctx: Context, actor: Actor, journal_no: str) -> Explained:
    """How each deadline of ``journal_no`` was computed; "not found or not allowed" to
    one who may not see the case."""
    engine = ctx.engine
    with read_transaction(engine.db) as conn:
        case = visible_case(conn, journal_no, actor)
        records = deadline_rows.for_case(conn, case.id)
        explained = deadline_rows.explanations(conn, [record.id for record in records])
        queued = outbox.reminders_queued(conn, [record.id for record in records])
        labels = Labels(conn, engine.registry, ctx.language)
        found = [
            ExplainedDeadline(
                labels.of(record.rule_id, case),
                record.status,
                record.due_at,
                explained.get(record.id, ()),
                tuple(
                    Reminder(
                        moment,
                        reminder_status(record, number, moment, queued.get(record.id, set())),
                    )
                    for number, moment in enumerate(record.reminders_at, start=1)
                ),
            )
            for record in records
        ]
    return Explained(case.journal_no, found)


# --- a committee's calendar ------------------------------------------------------------

COMING_MEETINGS = 12
"""How many of a committee's coming meetings its calendar shows."""


@dataclass(frozen=True)
class CommitteeCalendar:
    """A committee's deadline calendar; ``language`` names the rules' titles (None: the
    municipality's)."""

    committee: str
    language: str | None = None
    page: PageRequest = field(default_factory=PageRequest)


@dataclass(frozen=True)
class CalendarMeeting:
    """A coming meeting with the agenda deadline and dispatch day its committee's rules give."""

    meeting: MeetingRecord
    agenda_deadline: date
    agenda_sent: date

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.meeting.id,
            "starts_at": self.meeting.starts_at.astimezone(COPENHAGEN).isoformat(),
            "place": self.meeting.place,
            "status": self.meeting.status,
            "agenda_deadline": self.agenda_deadline.isoformat(),
            "agenda_sent": self.agenda_sent.isoformat(),
        }


@dataclass(frozen=True)
class CommitteeDeadlines:
    """A committee's coming meetings and agenda deadlines, and a page of the open deadlines
    of its cases that the reader may see, soonest first."""

    committee: str
    committee_name: str
    meetings: list[CalendarMeeting]
    deadlines: Page[ListedDeadline]

    def to_json(self) -> dict[str, Any]:
        return {
            "committee": self.committee,
            "committee_name": self.committee_name,
            "meetings": [m.to_json() for m in self.meetings],
            "deadlines": self.deadlines.to_json(ListedDeadline.to_json),
        }


def committee_calendar(
    ctx: Context, actor: Actor, request: CommitteeCalendar
) -> CommitteeDeadlines:
    """The deadline calendar of one committee: its next meetings (the plan is no secret)
    with their agenda deadlines, and the deadlines of its cases as :func:`list_deadlines`
    shows them to ``actor``, a closed item's title withheld from one outside the committee
    where it was closed (:func:`caseflow.meetings.report.shown_title`)."""
    engine = ctx.engine
    now = engine.clock.now()
    page = request.page
    with read_transaction(engine.db) as conn:
        committee = require_committee(conn, request.committee)
        today = at_local(local_date(now), time(0))
        coming = [
            m
            for m in meeting_rows.list_for(conn, request.committee, since=today)
            if not m.cancelled
        ][:COMING_MEETINGS]
        meetings = []
        for meeting in coming:
            timing = timing_for(conn, engine, meeting)
            meetings.append(CalendarMeeting(meeting, timing.deadline_day, timing.send_day))
        found = deadline_rows.search_page(
            conn,
            read_scope(actor),
            limit=page.limit + 1,
            after=page.after(),
            committee=request.committee,
        )
        cases = case_rows.heads(conn, {record.case_id for record, *_ in found})
        labels = Labels(conn, engine.registry, request.language or ctx.language)
        listed = []
        for row in found:
            case = cases[row[0].case_id]
            shown = _listed(row, labels.of(row[0].rule_id, case), now)
            listed.append(_retitled(shown, shown_title(conn, actor, case)))
    return CommitteeDeadlines(
        request.committee,
        str(committee["name"]),
        meetings,
        Page.of(listed, page, key=lambda d: d.id),
    )


def _retitled(deadline: ListedDeadline, title: str) -> ListedDeadline:
    return deadline if title == deadline.title else dataclasses.replace(deadline, title=title)
