"""``caseflow meeting ...`` (the meeting plan, ICS) and ``caseflow plan`` (backward planning).

Times are typed and shown in Copenhagen time and stored in UTC.
"""

from __future__ import annotations

import sys
from datetime import date, datetime, time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from caseflow.calendar import COPENHAGEN, at_local, local_date
from caseflow.cli.app import AsOption, JsonOption, app, console, state
from caseflow.context import calendar_rules
from caseflow.deadlines.rules import Calendars
from caseflow.engine import Engine
from caseflow.errors import InvalidInput
from caseflow.meetings import plan as service
from caseflow.meetings.plan_file import parse_clock
from caseflow.meetings.planning import Plan, PlannedMeeting, Planner, Step
from caseflow.store import meetings as rows
from caseflow.store import organisation as org_rows
from caseflow.store.db import read_transaction

meeting_app = typer.Typer(
    help="Committee meetings: the meeting plan, imports and calendar export.",
    no_args_is_help=True,
)
app.add_typer(meeting_app, name="meeting")

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


# -- parsing and showing times ----------------------------------------------------------


def parse_local(text: str, label: str) -> datetime:
    """``2009-06-11 16:30`` (or with a T) in Copenhagen time → aware UTC."""
    day_text, _, clock_text = text.strip().replace("T", " ").partition(" ")
    clock = parse_clock(clock_text) if clock_text else None
    try:
        day = date.fromisoformat(day_text)
    except ValueError:
        day = None
    if day is None or clock is None:
        raise InvalidInput(
            f'{label} {text!r} is not a date and time; write e.g. "2009-06-11 16:30" '
            "(Copenhagen time)"
        )
    return at_local(day, clock)


def parse_day(text: str, label: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{label} {text!r} is not a date; write YYYY-MM-DD") from None


def _end(text: str | None, start: datetime) -> datetime | None:
    if text is None:
        return None
    clock = parse_clock(text)
    if clock is not None:
        return at_local(local_date(start), clock)
    return parse_local(text, "--until")


def year_range(year: int | None) -> tuple[datetime | None, datetime | None]:
    """``--year 2009``: from 1 January 2009 00:00 up to 1 January 2010, Copenhagen time."""
    if year is None:
        return None, None
    if not 1 <= year <= 9998:
        raise InvalidInput(f"--year {year} is out of range; give e.g. --year 2009")
    return at_local(date(year, 1, 1), time(0)), at_local(date(year + 1, 1, 1), time(0))


def show_local(moment: datetime) -> str:
    local = moment.astimezone(COPENHAGEN)
    return f"{_WEEKDAYS[local.weekday()]} {local:%Y-%m-%d %H:%M}"


def show_day(day: date) -> str:
    return f"{_WEEKDAYS[day.weekday()]} {day.isoformat()}"


def meeting_json(meeting: rows.MeetingRecord) -> dict[str, Any]:
    return {
        "id": meeting.id,
        "committee": meeting.committee,
        "starts_at": meeting.starts_at.astimezone(COPENHAGEN).isoformat(),
        "ends_at": meeting.ends_at.astimezone(COPENHAGEN).isoformat() if meeting.ends_at else None,
        "place": meeting.place,
        "status": meeting.status,
        "uid": meeting.uid,
        "sequence": meeting.sequence,
        "note": meeting.note,
    }


def _calendars() -> Calendars:
    return Calendars.for_rules(calendar_rules(state().settings))


def _today(engine: Engine) -> date:
    return local_date(engine.clock.now())


# -- commands ---------------------------------------------------------------------------


@meeting_app.command("new")
def new(
    committee: Annotated[str, typer.Option(help="The committee's code, e.g. BIU.")],
    at: Annotated[str, typer.Option(help='Start, Copenhagen time: "2009-06-11 16:30".')],
    until: Annotated[
        str | None, typer.Option(help='End: "18:30" (same day) or a date and time.')
    ] = None,
    place: Annotated[str | None, typer.Option(help="Where the committee meets.")] = None,
    note: Annotated[str | None, typer.Option(help="A note for the calendar entry.")] = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Add a meeting to a committee's plan (its secretariat or an administrator)."""
    cli = state()
    engine = cli.engine()
    actor = cli.actor(engine, as_user)
    starts = parse_local(at, "--at")
    meeting = service.create_meeting(
        engine,
        actor,
        committee=committee,
        starts_at=starts,
        ends_at=_end(until, starts),
        place=place,
        note=note,
    )
    if as_json:
        console.print_json(data=meeting_json(meeting))
        return
    console.print(
        f"meeting {meeting.id}: {meeting.committee} {show_local(meeting.starts_at)}"
        f"{', ' + meeting.place if meeting.place else ''}",
        highlight=False,
    )


@meeting_app.command("list")
def list_meetings(
    committee: Annotated[str | None, typer.Option(help="Only this committee.")] = None,
    year: Annotated[int | None, typer.Option(help="Only meetings in this year.")] = None,
    as_json: JsonOption = False,
    as_user: AsOption = None,
) -> None:
    """List meetings by date, cancelled ones included (marked)."""
    cli = state()
    engine = cli.engine()
    cli.actor(engine, as_user)
    since, until = year_range(year)
    with read_transaction(engine.db) as conn:
        if committee is not None:
            service.require_committee(conn, committee)
        found = rows.list_for(conn, committee, since, until)
    if as_json:
        console.print_json(data=[meeting_json(m) for m in found])
        return
    table = Table("ID", "Committee", "Starts", "Ends", "Place", "Status")
    for meeting in found:
        style = "strike dim" if meeting.cancelled else None
        ends = meeting.ends_at.astimezone(COPENHAGEN).strftime("%H:%M") if meeting.ends_at else ""
        table.add_row(
            str(meeting.id),
            meeting.committee,
            show_local(meeting.starts_at),
            ends,
            meeting.place or "",
            meeting.status,
            style=style,
        )
    console.print(table)


@meeting_app.command("show")
def show(
    meeting_id: Annotated[int, typer.Argument(metavar="ID")],
    as_json: JsonOption = False,
    as_user: AsOption = None,
) -> None:
    """A meeting, with the agenda deadline and dispatch date its committee's rules give."""
    cli = state()
    engine = cli.engine()
    cli.actor(engine, as_user)
    with read_transaction(engine.db) as conn:
        meeting = rows.get(conn, meeting_id)
        committee = service.require_committee(conn, meeting.committee)
    step = Step(meeting.committee, service.agenda_rules(committee), [meeting.starts_at])
    dates = Planner(_calendars()).planned(step, meeting.starts_at)
    if as_json:
        console.print_json(
            data=meeting_json(meeting)
            | {
                "agenda_deadline": dates.agenda_deadline.isoformat(),
                "agenda_sent": dates.agenda_sent.isoformat(),
            }
        )
        return
    console.print(f"[bold]meeting {meeting.id}[/]  {meeting.committee} ({committee['name']})")
    ends = f" – {meeting.ends_at.astimezone(COPENHAGEN):%H:%M}" if meeting.ends_at else ""
    console.print(f"  starts          {show_local(meeting.starts_at)}{ends}", highlight=False)
    console.print(f"  place           {meeting.place or '-'}", highlight=False)
    console.print(f"  status          {meeting.status}", highlight=False)
    console.print(f"  agenda deadline {show_day(dates.agenda_deadline)}", highlight=False)
    console.print(f"  agenda sent     {show_day(dates.agenda_sent)}", highlight=False)
    console.print(f"  uid             {meeting.uid} (sequence {meeting.sequence})", highlight=False)
    if meeting.note:
        console.print(f"  note            {meeting.note}", highlight=False)


@meeting_app.command("set")
def set_meeting(
    meeting_id: Annotated[int, typer.Argument(metavar="ID")],
    at: Annotated[
        str | None, typer.Option(help='Move it: "2009-06-18 16:30" (keeps its length).')
    ] = None,
    until: Annotated[str | None, typer.Option(help='New end: "18:30"; "" clears it.')] = None,
    place: Annotated[str | None, typer.Option(help='New place; "" clears it.')] = None,
    note: Annotated[str | None, typer.Option(help='New note; "" clears it.')] = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Move a meeting or change its end, place or note; calendars see a new SEQUENCE."""
    cli = state()
    engine = cli.engine()
    actor = cli.actor(engine, as_user)
    changes: dict[str, Any] = {}
    if at is not None:
        changes["starts_at"] = parse_local(at, "--at")
    if until is not None:
        if until.strip():
            with read_transaction(engine.db) as conn:
                start = changes.get("starts_at") or rows.get(conn, meeting_id).starts_at
            changes["ends_at"] = _end(until, start)
        else:
            changes["ends_at"] = None
    for key, value in (("place", place), ("note", note)):
        if value is not None:
            changes[key] = value.strip() or None
    if not changes:
        raise InvalidInput("nothing to change; give --at, --until, --place or --note")
    meeting = service.change_meeting(engine, actor, meeting_id, **changes)
    if as_json:
        console.print_json(data=meeting_json(meeting))
        return
    console.print(
        f"meeting {meeting.id}: {meeting.committee} {show_local(meeting.starts_at)}"
        f"{', ' + meeting.place if meeting.place else ''} (sequence {meeting.sequence})",
        highlight=False,
    )


@meeting_app.command("import")
def import_file(
    path: Annotated[Path, typer.Argument(metavar="FILE", help="A YAML or CSV meeting plan.")],
    as_user: AsOption = None,
) -> None:
    """Import a meeting plan; importing the same file again changes nothing."""
    cli = state()
    engine = cli.engine()
    actor = cli.actor(engine, as_user)
    result = service.import_plan(engine, actor, path)
    console.print(
        f"{len(result.created)} created, {len(result.updated)} updated, "
        f"{len(result.unchanged)} unchanged",
        highlight=False,
    )


@meeting_app.command("cancel")
def cancel(
    meeting_id: Annotated[int, typer.Argument(metavar="ID")], as_user: AsOption = None
) -> None:
    """Cancel a meeting (it stays in the plan, and in calendars as cancelled)."""
    cli = state()
    engine = cli.engine()
    actor = cli.actor(engine, as_user)
    meeting = service.cancel_meeting(engine, actor, meeting_id)
    console.print(
        f"meeting {meeting.id} of {meeting.committee} on {show_local(meeting.starts_at)} cancelled",
        highlight=False,
    )


@meeting_app.command("ics")
def ics(
    committee: Annotated[
        list[str] | None, typer.Option(help="This committee's meetings (repeatable; default all).")
    ] = None,
    year: Annotated[int | None, typer.Option(help="Only meetings in this year.")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (default: stdout).")
    ] = None,
) -> None:
    """Export meetings as an iCalendar (.ics) file for calendar programs."""
    engine = state().engine()
    since, until = year_range(year)
    with read_transaction(engine.db) as conn:
        codes = committee or []
        for code in codes:
            service.require_committee(conn, code)
        found = [
            m
            for m in rows.list_for(conn, since=since, until=until)
            if not codes or m.committee in codes
        ]
        names = {c["code"]: c["name"] for c in org_rows.list_committees(conn)}
    title = f"Møder: {', '.join(codes)}" if codes else "Udvalgsmøder"
    # Imported here: icalendar is slow to import, and only this command needs it.
    from caseflow.meetings.ics import build_calendar

    data = build_calendar(found, names, title)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise InvalidInput(f"cannot write {output}: {exc.strerror}") from None
    console.print(f"wrote {len(found)} meeting(s) to {output}", highlight=False)


# -- caseflow plan ----------------------------------------------------------------------


@app.command("plan")
def plan(
    deadline: Annotated[str, typer.Option(help="The external deadline, YYYY-MM-DD.")],
    via: Annotated[str, typer.Option(help="Committees in order of treatment: BIU,ØU,BR.")],
    approval_days: Annotated[
        int, typer.Option(help="Working days management needs to approve a draft.")
    ] = 5,
    handover_days: Annotated[
        int, typer.Option(help="Working days to pass a decision on to the next step.")
    ] = 0,
    today: Annotated[
        str | None, typer.Option(help="Plan as of this date (default: today).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Backward planning: the last meetings that can still decide before DEADLINE.

    Exits with 1 when it cannot be done, and says by how many working days it misses.
    """
    engine = state().engine()
    chain = [code.strip() for code in via.split(",") if code.strip()]
    result = service.plan_backwards(
        engine,
        chain,
        parse_day(deadline, "--deadline"),
        _calendars(),
        today=parse_day(today, "--today") if today else _today(engine),
        approval_working_days=approval_days,
        handover_working_days=handover_days,
    )
    if as_json:
        console.print_json(data=plan_json(result))
    else:
        print_plan(result)
    if not result.feasible:
        raise typer.Exit(1)


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


def print_plan(result: Plan) -> None:
    if result.feasible:
        console.print(
            f"[green]Can be done[/]: the latest meetings that decide by "
            f"{show_day(result.deadline)}:"
        )
    else:
        console.print(
            f"[bold red]Cannot be done[/] by {show_day(result.deadline)}: {result.reason}."
        )
        if result.missed_by_working_days is not None:
            days = result.missed_by_working_days
            console.print(
                f"The earliest plan the meeting calendar allows misses the deadline by "
                f"[bold]{days} working day{'s' if days != 1 else ''}[/]:"
            )
    if not result.meetings:
        return
    table = Table("Committee", "Meeting", "Agenda deadline", "Agenda sent", "Draft deadline")
    for m in result.meetings:
        table.add_row(
            m.committee,
            show_local(m.meeting),
            show_day(m.agenda_deadline),
            show_day(m.agenda_sent),
            show_day(m.draft_deadline),
        )
    console.print(table)
