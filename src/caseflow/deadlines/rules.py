"""From a deadline rule to a due moment: pure maths, every date explained.

The engine asks this module, inside its transaction, which rules a fire or an
edit starts (:func:`rules_starting`), what a fire does to a deadline already
open (:func:`ends_rule`), when a new deadline falls due (:func:`compute_due`),
and how a paused clock restarts (:func:`remaining_working_days`,
:func:`resume_due`). Nothing here reads a clock or a database: "now" and the
case's fields come in as arguments, so every answer can be checked by hand.

How a due date is found (Copenhagen dates, "Calendars" below):

* ``within N working days`` counts open days after the start date (the day the
  deadline starts is not counted, like the day a request is received);
  ``within N weekdays`` counts Monday–Saturday, ``within N days`` calendar days.
* ``N working days before field F`` counts back from the date in field F.
* ``at field F`` is the date in field F; ``by 2009-12-31`` that date;
  ``by end of 2009`` / ``month`` / ``quarter`` / ``year`` the last day of the
  period; ``during 2010`` is due on 31 December and not before 1 January.

One rule for days off, so nobody has to guess:

* a due date that was counted forward or written as an exact date and is not
  a working day moves FORWARD to the next working day, as Danish practice
  extends a time limit that ends on a day off;
* a due date counted BACK from a field ("8 working days before field
  meeting_date") that is not a working day moves BACK to the previous working
  day, so the time left before the meeting is never cut short;
* the end of a period ("end of 2009", "during 2010", end of month/quarter/
  year, also when a field holds it) is the political deadline and is KEPT,
  even on a day off; the explanation then says so.

A deadline is due at the end of its day, 23:59:59 Copenhagen time, and each
reminder at 08:00 Copenhagen time N working days before the due date (which
may lie before the start when a field is set late; the dispatcher decides
what a reminder already past means).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

from caseflow.calendar import (
    COPENHAGEN,
    BusinessCalendar,
    Calendars,
    at_local,
    end_of_day_utc,
    local_date,
)
from caseflow.definitions.due import DueSpec, FieldDate, parse_due, parse_field_date

if TYPE_CHECKING:
    # Annotations only: a definition's models (pydantic) load with the first workflow,
    # not with every process that imports this module (an idle worker loads none).
    from caseflow.definitions.schema import DeadlineRule, WorkflowDefinition

__all__ = [
    "Calendars",
    "DueDate",
    "DueSpec",
    "compute_due",
    "ends_rule",
    "parse_due",
    "remaining_working_days",
    "resume_due",
    "rules_starting",
]

REMINDER_TIME = time(8, 0)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

Direction = Literal["forward", "back", "keep"]
RuleEffect = Literal["satisfied", "cancelled", "paused", "running"]


@dataclass(frozen=True)
class DueDate:
    """When a deadline falls due, its reminders, and why, in words."""

    due_at: datetime  # aware UTC
    not_before: datetime | None  # aware UTC, for a period ("during 2010")
    reminders: tuple[datetime, ...]  # aware UTC, one per rule.reminders entry, same order
    explanation: tuple[str, ...]


@lru_cache(maxsize=1024)
def _spec(text: str) -> DueSpec:
    return parse_due(text)


@dataclass(frozen=True)
class _Found:
    """A due date before the day-off rule: the day, how it may move, and why."""

    day: date
    direction: Direction
    lines: tuple[str, ...]
    first: date | None = None  # a period's first day


# --- compute ------------------------------------------------------------------------


def compute_due(
    rule: DeadlineRule, *, start: datetime, fields: Mapping[str, Any], calendars: Calendars
) -> DueDate | None:
    """When a deadline of ``rule`` that starts at ``start`` falls due.

    None when the due date needs a case field that is missing or blank (the
    deadline cannot run, or stops running when the field is cleared);
    ValueError when the field holds something that is not a date.
    """
    spec = _spec(rule.due)
    found = _find(spec, local_date(start), fields, calendars)
    if found is None:
        return None
    started = start.astimezone(COPENHAGEN)
    head = (
        f"Rule '{rule.id}' ({rule.title.en}): {spec.describe()}.",
        f"Started {started:%Y-%m-%d %H:%M} Copenhagen time, a {_weekday(started.date())}.",
        _calendar_line(calendars.counting(spec.unit) if spec.unit else calendars.working),
    )
    return _finish(rule, found, calendars, head, start)


def _find(
    spec: DueSpec, start_day: date, fields: Mapping[str, Any], calendars: Calendars
) -> _Found | None:
    if spec.kind == "within":
        return _count(spec, start_day, calendars)
    if spec.kind == "by":
        return _by(spec, start_day)
    if spec.kind == "during":
        year = spec.year or start_day.year
        text = f"The period is the year {year}: not before 1 January, due on 31 December."
        return _Found(date(year, 12, 31), "keep", (text,), first=date(year, 1, 1))
    field = spec.field or ""
    value = parse_field_date(fields.get(field), field)
    if value is None:
        return None
    if spec.kind == "at_field":
        return _at_field(field, value)
    return _before_field(spec, field, value, calendars)


def _count(spec: DueSpec, start_day: date, calendars: Calendars) -> _Found:
    amount = spec.amount or 0
    calendar = calendars.counting(spec.unit)
    if calendar is None:
        day = start_day + timedelta(days=amount)
        skipped = ""
    else:
        day = calendar.add(start_day, amount)
        skipped = _skipped(calendar, start_day, day)
    line = (
        f"{spec.describe().removeprefix('within ')} after {_show(start_day)} "
        f"(that day not counted) is {_show(day)}{skipped}."
    )
    return _Found(day, "forward", (line,))


def _by(spec: DueSpec, start_day: date) -> _Found:
    if spec.on is not None:
        return _Found(spec.on, "forward", (f"The date is {_show(spec.on)}.",))
    if spec.year is not None:
        day = date(spec.year, 12, 31)
        return _Found(day, "keep", (f"The end of {spec.year} is {_show(day)}.",))
    ends = {
        "month": BusinessCalendar.end_of_month,
        "quarter": BusinessCalendar.end_of_quarter,
        "year": BusinessCalendar.end_of_year,
    }
    day = ends[spec.period or "year"](start_day)
    line = f"The end of the {spec.period} the deadline started in is {_show(day)}."
    return _Found(day, "keep", (line,))


def _at_field(field: str, value: FieldDate) -> _Found:
    read = f"Field '{field}' holds {value.text!r}"
    if value.first is not None:
        line = f"{read}: the period {_show(value.first)} to {_show(value.last)}."
        return _Found(value.last, "keep", (line,), first=value.first)
    if value.political:
        return _Found(value.last, "keep", (f"{read}: the end of a period, {_show(value.last)}.",))
    return _Found(value.last, "forward", (f"{read}: {_show(value.last)}.",))


def _before_field(spec: DueSpec, field: str, value: FieldDate, calendars: Calendars) -> _Found:
    amount = spec.amount or 0
    read = f"Field '{field}' holds {value.text!r}, read as {_show(value.last)}."
    calendar = calendars.counting(spec.unit)
    if calendar is None:
        day = value.last - timedelta(days=amount)
        skipped = ""
    else:
        day = calendar.add(value.last, -amount)
        skipped = _skipped(calendar, day, value.last)
    unit = spec.describe().split(" before ")[0]
    count = f"{unit} before {_show(value.last)} is {_show(day)}{skipped}."
    return _Found(day, "back", (read, count))


# --- the day-off rule, reminders and the words -----------------------------------------


def _finish(
    rule: DeadlineRule,
    found: _Found,
    calendars: Calendars,
    head: tuple[str, ...],
    start: datetime,
) -> DueDate:
    day, moved = _apply_day_off_rule(found, calendars.working)
    due_at = end_of_day_utc(day)
    not_before = at_local(found.first, time(0)) if found.first is not None else None
    reminders = tuple(
        at_local(calendars.working.add(day, -n), REMINDER_TIME) for n in rule.reminders
    )
    lines = [*head, *found.lines, *moved]
    if not_before is not None:
        lines.append(f"Not before {_show(found.first or day)}, 00:00 Copenhagen time.")
    lines.append(
        f"Due at the end of {_show(day)}: 23:59:59 Copenhagen time ({due_at:%H:%M:%S} UTC)."
    )
    if due_at <= start:
        lines.append("The due date had already passed when the deadline started.")
    if reminders:
        shown = ", ".join(
            f"{_show(local_date(r))} ({n} working day{'s' if n != 1 else ''} before)"
            for n, r in zip(rule.reminders, reminders, strict=True)
        )
        lines.append(f"Reminders at 08:00 Copenhagen time on {shown}.")
    if rule.legal_source:
        lines.append(f"Legal source: {rule.legal_source}.")
    return DueDate(due_at, not_before, reminders, tuple(lines))


def _apply_day_off_rule(found: _Found, working: BusinessCalendar) -> tuple[date, list[str]]:
    day = found.day
    if working.is_open(day):
        return day, []
    why = f"{_show(day)} is not a working day ({_day_off_name(working, day)})"
    if found.direction == "keep":
        return day, [f"{why}; it is kept, as the end of the period the deadline names."]
    if found.direction == "back":
        earlier = working.previous_open(day)
        return earlier, [f"{why}; moved back to the previous working day, {_show(earlier)}."]
    later = working.next_open(day)
    return later, [f"{why}; moved to the next working day, {_show(later)}."]


def _skipped(calendar: BusinessCalendar, after: date, until: date) -> str:
    """'; days off skipped: 2009-04-09 Skærtorsdag, ...' for the named days in (after, until]."""
    days = [
        (d, name)
        for year in range(after.year, until.year + 1)
        for d, name in calendar.holidays(year)
        if after < d <= until and d.weekday() < (5 if calendar.kind == "working" else 6)
    ]
    if not days:
        return ""
    return "; days off skipped: " + ", ".join(f"{d.isoformat()} {name}" for d, name in days)


def _day_off_name(calendar: BusinessCalendar, day: date) -> str:
    names = dict(calendar.holidays(day.year))
    return names.get(day, f"a {_weekday(day)}")


def _calendar_line(calendar: BusinessCalendar | None) -> str:
    if calendar is None:
        return "Counted in calendar days; working days decide only where a day off moves to."
    days = "Monday to Friday" if calendar.kind == "working" else "Monday to Saturday"
    return (
        f"Calendar: {calendar.rules.name}, {calendar.kind} days ({days}, "
        "without public holidays and the municipality's days off)."
    )


def _weekday(day: date) -> str:
    return _WEEKDAYS[day.weekday()]


def _show(day: date) -> str:
    return f"{_weekday(day)[:3]} {day.isoformat()}"


# --- pausing ----------------------------------------------------------------------------


def remaining_working_days(due_at: datetime, paused_at: datetime, calendars: Calendars) -> int:
    """Working days left on the clock when it stopped (0 when it was already due).

    The day the clock stops counts as used, as the day it started did not: a
    deadline due Wednesday and paused on the Monday before has 2 days left.
    """
    left = calendars.working.between(local_date(paused_at), local_date(due_at))
    return max(0, left)


def resume_due(
    remaining: int, resumed_at: datetime, rule: DeadlineRule, calendars: Calendars
) -> DueDate:
    """The new due date when a paused clock restarts with ``remaining`` working days.

    The day it restarts is not counted (like the day it first started); with
    nothing left it is due at the end of the day it restarts (or of the next
    working day, if that is a day off).
    """
    if remaining < 0:
        raise ValueError(f"remaining working days cannot be negative, got {remaining}")
    resumed_day = local_date(resumed_at)
    day = calendars.working.add(resumed_day, remaining)
    resumed = resumed_at.astimezone(COPENHAGEN)
    head = (
        f"Rule '{rule.id}' ({rule.title.en}): {_spec(rule.due).describe()}, paused and resumed.",
        f"Resumed {resumed:%Y-%m-%d %H:%M} Copenhagen time, a {_weekday(resumed_day)}, "
        f"with {remaining} working day{'s' if remaining != 1 else ''} left.",
        _calendar_line(calendars.working),
    )
    count = (
        f"{remaining} working days after {_show(resumed_day)} (that day not counted) is "
        f"{_show(day)}{_skipped(calendars.working, resumed_day, day)}."
    )
    return _finish(rule, _Found(day, "forward", (count,)), calendars, head, resumed_at)


# --- which rules a fire or an edit touches ----------------------------------------------


def rules_starting(
    definition: WorkflowDefinition,
    *,
    entered: str | None,
    trigger: str | None,
    changed_fields: Iterable[str],
    state: str | None = None,
) -> list[DeadlineRule]:
    """The rules a fire or an edit starts, in file order.

    ``entered`` is the state the case moved into (the initial state on opening),
    ``trigger`` the trigger fired, ``changed_fields`` the keys of case.fields the
    operation set, changed or cleared. Given ``state`` (where the case is now),
    rules that do not run there are left out. A rule returned while a deadline
    of it is open replaces that deadline: compute it anew, and if
    :func:`compute_due` says None (the field was cleared) cancel it.
    """
    changed = set(changed_fields)
    started = []
    for rule in definition.deadlines:
        kind, name = rule.anchor.kind, rule.anchor.name
        hit = (
            (kind == "entering" and name == entered)
            or (kind == "transition" and name == trigger)
            or (kind == "field" and name in changed)
        )
        if hit and (state is None or state in rule.active_in):
            started.append(rule)
    return started


def ends_rule(rule: DeadlineRule, *, new_state: str, trigger: str | None) -> RuleEffect:
    """What a fire into ``new_state`` does to an open deadline of ``rule``.

    A trigger in ``satisfied_by`` meets it wherever it leads; otherwise it pauses
    in ``paused_in``, runs (or resumes, if it was paused) in ``active_in``, and is
    cancelled anywhere else.
    """
    if trigger is not None and trigger in rule.satisfied_by:
        return "satisfied"
    if new_state in rule.paused_in:
        return "paused"
    if new_state in rule.active_in:
        return "running"
    return "cancelled"
