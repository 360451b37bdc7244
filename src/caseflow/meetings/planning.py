"""Backward planning: which meetings can still decide before an external deadline.

Landsbyggefonden sets an application date; the application needs a decision
of BIU, then of Økonomiudvalget, then of the city council. Which are the last
meetings that still make it, and when must the administration's draft be
ready? Or, if it cannot be done, by how much does it miss?

Pure: the committees' rules, their meetings, the calendars, the deadline and
"today" all come in as arguments; nothing here reads a clock or a database.

The rules, each a date in Copenhagen, counted with caseflow's calendars:

* **Agenda deadline** of a meeting: ``deadline_working_days`` working days
  before the meeting day (the item must be ready then; counted like the
  workflow rule "N working days before field meeting_date", so it is always a
  working day).
* **Agenda dispatch**: ``send_weekdays_before`` days before the meeting,
  counted Monday–Saturday when the committee's rules say Saturday counts,
  else Monday–Friday (holidays never count).
* **Draft deadline**: ``approval_working_days`` working days before the agenda
  deadline: the time management needs to approve the draft.
* **The last committee** must meet no later than the external deadline
  (a deadline on a date is met by anything done that day, as everywhere in
  caseflow), with ``handover_working_days`` working days to spare when the
  decision still has to be sent on.
* **An earlier committee** must decide no later than the next committee's
  agenda deadline (again with the handover days to spare): the next item
  carries its decision.
* Nothing can be asked of the past: the earliest draft deadline must be
  today or later.

Choosing, for the last committee, its latest meeting that meets the deadline,
then for each earlier committee its latest meeting that meets the next one's
agenda deadline, gives the latest plan there is: a later meeting anywhere
would only tighten the limits before it. When that plan starts in the past or
some committee has no meeting early enough, the plan is impossible; the same
rules run forwards from today then give the earliest plan the meeting
calendar allows, and the miss is the number of working days from the
external deadline to the day that plan would need.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from caseflow.calendar import BusinessCalendar, local_date
from caseflow.deadlines.rules import Calendars


class AgendaTiming(Protocol):
    """A committee's agenda rules (``caseflow.organisation.AgendaRules`` fits)."""

    @property
    def deadline_working_days(self) -> int: ...

    @property
    def send_weekdays_before(self) -> int: ...

    @property
    def saturday_counts(self) -> bool: ...


@dataclass(frozen=True)
class Step:
    """One committee of the chain: its code, agenda rules and meetings (any order)."""

    committee: str
    rules: AgendaTiming
    meetings: Sequence[datetime]  # aware; cancelled meetings left out by the caller


@dataclass(frozen=True)
class PlannedMeeting:
    """A committee's meeting in a plan, and the dates that follow from it."""

    committee: str
    meeting: datetime  # aware, as given
    meeting_day: date  # Copenhagen date
    agenda_deadline: date  # the item must be ready on the agenda
    agenda_sent: date  # the agenda goes to the members
    draft_deadline: date  # the administration's draft goes for approval


@dataclass(frozen=True)
class Plan:
    """The answer: a plan that works, or why none does and by how much it misses.

    ``meetings`` is the latest plan that works when ``feasible``; otherwise
    the earliest plan the calendar allows (empty when some committee has no
    meeting late enough at all). ``missed_by_working_days`` counts the
    working days after the external deadline up to the day that earliest plan
    would need (None when feasible or when no plan exists).
    """

    deadline: date
    feasible: bool
    meetings: tuple[PlannedMeeting, ...]
    missed_by_working_days: int | None
    reason: str | None


@dataclass(frozen=True)
class Planner:
    """The calendars and the two lead times every plan uses."""

    calendars: Calendars
    approval_working_days: int = 5
    handover_working_days: int = 0

    def __post_init__(self) -> None:
        if self.approval_working_days < 0 or self.handover_working_days < 0:
            raise ValueError("approval and handover working days cannot be negative")

    @property
    def working(self) -> BusinessCalendar:
        return self.calendars.working

    # -- the dates that follow from a meeting

    def planned(self, step: Step, meeting: datetime) -> PlannedMeeting:
        day = local_date(meeting)
        agenda_deadline = self.working.add(day, -step.rules.deadline_working_days)
        sending = self.calendars.weekdays if step.rules.saturday_counts else self.working
        agenda_sent = sending.add(day, -step.rules.send_weekdays_before)
        draft = self.working.add(agenda_deadline, -self.approval_working_days)
        return PlannedMeeting(step.committee, meeting, day, agenda_deadline, agenda_sent, draft)

    def decided_in_time(self, meeting_day: date, limit: date) -> bool:
        """Whether a decision on ``meeting_day`` leaves the handover days before ``limit``."""
        if self.handover_working_days == 0:
            return meeting_day <= limit
        return self.working.add(meeting_day, self.handover_working_days) <= limit

    def needed_by(self, meeting_day: date) -> date:
        """The first day a limit may fall on for a decision on ``meeting_day`` to meet it."""
        if self.handover_working_days == 0:
            return meeting_day
        return self.working.add(meeting_day, self.handover_working_days)

    # -- planning

    def plan(self, chain: Sequence[Step], deadline: date, today: date) -> Plan:
        """The latest meetings of ``chain`` (in order of treatment) that meet ``deadline``."""
        if not chain:
            raise ValueError("a plan needs at least one committee")
        if deadline < today:  # no meeting to come can help: say so, and offer none
            late = self.working.between(deadline, today)
            reason = (
                f"the deadline {deadline.isoformat()} has already passed (today is "
                f"{today.isoformat()}, {late} working day{'s' if late != 1 else ''} later)"
            )
            return Plan(deadline, False, (), None, reason)
        latest = self._backward(chain, deadline)
        if isinstance(latest, tuple) and latest[0].draft_deadline >= today:
            return Plan(deadline, True, latest, None, None)
        earliest = self._forward(chain, today)
        if isinstance(earliest, str):
            reason = earliest
            if isinstance(latest, str):
                reason = f"{latest}; and {earliest}"
            return Plan(deadline, False, (), None, reason)
        needed = self.needed_by(earliest[-1].meeting_day)
        missed = self.working.between(deadline, needed)
        if isinstance(latest, str):
            reason = latest
        else:
            first = latest[0]
            late = self.working.between(first.draft_deadline, today)
            reason = (
                f"the latest plan needs the draft for {first.committee} by "
                f"{first.draft_deadline.isoformat()}, {late} working day"
                f"{'s' if late != 1 else ''} before today ({today.isoformat()})"
            )
        return Plan(deadline, False, earliest, missed, reason)

    def _backward(self, chain: Sequence[Step], deadline: date) -> tuple[PlannedMeeting, ...] | str:
        """The latest meeting of each committee, last committee first; or why there is none."""
        limit, what = deadline, f"the deadline {deadline.isoformat()}"
        found: list[PlannedMeeting] = []
        for step in reversed(chain):
            fitting = [m for m in step.meetings if self.decided_in_time(local_date(m), limit)]
            if not fitting:
                return f"{step.committee} has no meeting in the plan that decides by {what}"
            chosen = self.planned(step, max(fitting))
            found.append(chosen)
            limit = chosen.agenda_deadline
            what = (
                f"{chosen.committee}'s agenda deadline {limit.isoformat()} "
                f"(for its meeting on {chosen.meeting_day.isoformat()})"
            )
        return tuple(reversed(found))

    def _forward(self, chain: Sequence[Step], today: date) -> tuple[PlannedMeeting, ...] | str:
        """The earliest meeting of each committee from today on; or why there is none."""
        found: list[PlannedMeeting] = []
        for step in chain:
            candidates = sorted(step.meetings)
            chosen = None
            for meeting in candidates:
                planned = self.planned(step, meeting)
                if not found:
                    ok = planned.draft_deadline >= today
                else:
                    ok = self.decided_in_time(found[-1].meeting_day, planned.agenda_deadline)
                if ok:
                    chosen = planned
                    break
            if chosen is None:
                after = found[-1].meeting_day.isoformat() if found else today.isoformat()
                return (
                    f"{step.committee} has no meeting in the plan late enough "
                    f"to follow {after}; add meetings to its plan"
                )
            found.append(chosen)
        return tuple(found)
