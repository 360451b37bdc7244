"""When a meeting's agenda closes and when it goes out: pure dates from a committee's rules.

A committee's rules of procedure (``agenda:`` in the organisation file) say that
items must be ready ``deadline_working_days`` working days before the meeting
(the agenda deadline, dagsordensfrist) and that the agenda is sent
``send_weekdays_before`` days before it, counted in weekdays (Monday to
Saturday, "hverdage") when ``saturday_counts``, else in working days. A day
counted back that is not open moves back to the previous open day, so the time
before the meeting is never cut short (as for deadlines). The agenda deadline
ends at 23:59:59 Copenhagen time on its day; an item added later is late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from caseflow.calendar import end_of_day_utc, local_date
from caseflow.deadlines.rules import Calendars
from caseflow.organisation import AgendaRules


@dataclass(frozen=True)
class AgendaTiming:
    """The agenda deadline and dispatch day of one meeting, and why."""

    meeting_day: date
    deadline_day: date
    deadline_at: datetime  # aware UTC, end of deadline_day in Copenhagen
    send_day: date
    rules: AgendaRules

    def is_late(self, moment: datetime) -> bool:
        return moment > self.deadline_at

    def explain(self) -> str:
        unit = "weekdays (Monday to Saturday)" if self.rules.saturday_counts else "working days"
        return (
            f"agenda deadline {self.deadline_day.isoformat()} 23:59 "
            f"({self.rules.deadline_working_days} working days before the meeting on "
            f"{self.meeting_day.isoformat()}); agenda sent {self.send_day.isoformat()} "
            f"({self.rules.send_weekdays_before} {unit} before); late items: "
            f"{self.rules.late_items}"
        )


def rules_from_details(details: dict[str, Any] | None) -> AgendaRules:
    """The agenda rules stored with a committee (defaults when none were given)."""
    raw = (details or {}).get("agenda") or {}
    return AgendaRules.model_validate(raw)


def agenda_timing(starts_at: datetime, rules: AgendaRules, calendars: Calendars) -> AgendaTiming:
    meeting_day = local_date(starts_at)
    working = calendars.working
    deadline_day = working.previous_open(working.add(meeting_day, -rules.deadline_working_days))
    sending = calendars.weekdays if rules.saturday_counts else working
    send_day = sending.previous_open(sending.add(meeting_day, -rules.send_weekdays_before))
    return AgendaTiming(meeting_day, deadline_day, end_of_day_utc(deadline_day), send_day, rules)
