"""``caseflow meeting ...`` (the meeting plan, ICS) and ``caseflow plan`` (backward planning).

Times are typed and shown in Copenhagen time and stored in UTC.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from caseflow.calendar import COPENHAGEN, local_date
from caseflow.cli.app import AsOption, JsonOption, app, console, state
from caseflow.cli.output import say, styled, write_bytes
from caseflow.cli.paging import DEFAULT_LIMIT, CursorOption, LimitOption, print_more
from caseflow.errors import InvalidInput
from caseflow.local_time import parse_clock, parse_local_datetime, strict_local
from caseflow.meetings.planning import Plan
from caseflow.services import meetings as service
from caseflow.services.paging import PageRequest

meeting_app = typer.Typer(
    help="Committee meetings: the meeting plan, imports and calendar export.",
    no_args_is_help=True,
)
app.add_typer(meeting_app, name="meeting")

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


# -- parsing and showing times ----------------------------------------------------------


def parse_local(text: str, label: str) -> datetime:
    """``2009-06-11 16:30`` (or with a T) in Copenhagen time → aware UTC (strictly: see
    :mod:`caseflow.local_time`)."""
    return parse_local_datetime(text, label)


def parse_day(text: str, label: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{label} {text!r} is not a date; write YYYY-MM-DD") from None


def show_local(moment: datetime) -> str:
    local = moment.astimezone(COPENHAGEN)
    return f"{_WEEKDAYS[local.weekday()]} {local:%Y-%m-%d %H:%M}"


def show_day(day: date) -> str:
    return f"{_WEEKDAYS[day.weekday()]} {day.isoformat()}"


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
    ctx = cli.context()
    actor = cli.actor(ctx.engine, as_user)
    starts = parse_local(at, "--at")
    ends = None
    if until is not None:
        clock = parse_clock(until)
        ends = (
            strict_local(local_date(starts), clock, "--until")
            if clock
            else parse_local(until, "--until")
        )
    request = service.NewMeeting(committee, starts, ends, place, note)
    view = service.new_meeting(ctx, actor, request)
    meeting = view.meeting
    if as_json:
        console.print_json(data=view.to_json())
        return
    console.print(
        f"meeting {meeting.id}: {meeting.committee} {show_local(meeting.starts_at)}"
        f"{', ' + meeting.place if meeting.place else ''}",
        highlight=False,
        markup=False,
    )


@meeting_app.command("list")
def list_meetings(
    committee: Annotated[str | None, typer.Option(help="Only this committee.")] = None,
    year: Annotated[int | None, typer.Option(help="Only meetings in this year.")] = None,
    as_json: JsonOption = False,
    as_user: AsOption = None,
    cursor: CursorOption = None,
    limit: LimitOption = DEFAULT_LIMIT,
) -> None:
    """List meetings by date, cancelled ones included (marked); a page at a time."""
    cli = state()
    ctx = cli.context()
    request = service.ListMeetings(committee, year, PageRequest(limit, cursor))
    found = service.list_meetings(ctx, cli.actor(ctx.engine, as_user), request)
    if as_json:
        console.print_json(data=found.to_json())
        print_more(found.page.next_cursor, as_json=True)
        return
    table = Table("ID", "Committee", "Starts", "Ends", "Place", "Status")
    for meeting in found.meetings:
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
    count = len(found.meetings)
    console.print(f"{count} meeting{'s' if count != 1 else ''}")
    print_more(found.page.next_cursor)


@meeting_app.command("show")
def show(
    meeting_id: Annotated[int, typer.Argument(metavar="ID")],
    as_json: JsonOption = False,
    as_user: AsOption = None,
) -> None:
    """A meeting, with the agenda deadline and dispatch date its committee's rules give."""
    cli = state()
    ctx = cli.context()
    request = service.ShowMeeting(meeting_id)
    dates = service.show_meeting(ctx, cli.actor(ctx.engine, as_user), request)
    meeting = dates.meeting
    if as_json:
        console.print_json(data=dates.to_json())
        return
    console.print(
        styled((f"meeting {meeting.id}", "bold"), f"  {meeting.committee} ({dates.committee_name})")
    )
    ends = f" – {meeting.ends_at.astimezone(COPENHAGEN):%H:%M}" if meeting.ends_at else ""
    console.print(f"  starts          {show_local(meeting.starts_at)}{ends}")
    console.print(f"  place           {meeting.place or '-'}")
    console.print(f"  status          {meeting.status}")
    console.print(f"  agenda deadline {show_day(dates.agenda_deadline)}")
    console.print(f"  agenda sent     {show_day(dates.agenda_sent)}")
    console.print(f"  uid             {meeting.uid} (sequence {meeting.sequence})")
    if meeting.note:
        console.print(f"  note            {meeting.note}")


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
    ctx = cli.context()
    actor = cli.actor(ctx.engine, as_user)
    clock = parse_clock(until) if until is not None and until.strip() else None
    request = service.ChangeMeeting(
        meeting_id,
        starts_at=parse_local(at, "--at") if at is not None else None,
        ends_at=parse_local(until, "--until") if until and until.strip() and not clock else None,
        ends_clock=clock,
        clear_end=until is not None and not until.strip(),
        place=place,
        note=note,
    )
    view = service.change_meeting(ctx, actor, request)
    meeting = view.meeting
    if as_json:
        console.print_json(data=view.to_json())
        return
    console.print(
        f"meeting {meeting.id}: {meeting.committee} {show_local(meeting.starts_at)}"
        f"{', ' + meeting.place if meeting.place else ''} (sequence {meeting.sequence})",
        highlight=False,
        markup=False,
    )


@meeting_app.command("import")
def import_file(
    path: Annotated[Path, typer.Argument(metavar="FILE", help="A YAML or CSV meeting plan.")],
    as_user: AsOption = None,
) -> None:
    """Import a meeting plan; importing the same file again changes nothing."""
    cli = state()
    ctx = cli.context()
    actor = cli.actor(ctx.engine, as_user)
    result = service.import_plan(ctx, actor, service.ImportPlan(path))
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
    ctx = cli.context()
    actor = cli.actor(ctx.engine, as_user)
    meeting = service.cancel_meeting(ctx, actor, service.CancelMeeting(meeting_id)).meeting
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
    ctx = state().context()
    exported = service.export_calendar(
        ctx, None, service.ExportCalendar(tuple(committee or ()), year)
    )
    data = exported.data
    if output is None:
        write_bytes(data)
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise InvalidInput(f"cannot write {output}: {exc.strerror}") from None
    console.print(f"wrote {exported.count} meeting(s) to {output}")


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
    ctx = state().context()
    request = service.PlanBackwards(
        tuple(code.strip() for code in via.split(",") if code.strip()),
        parse_day(deadline, "--deadline"),
        parse_day(today, "--today") if today else None,
        approval_days,
        handover_days,
    )
    found = service.plan_backwards(ctx, None, request)
    result = found.plan
    if as_json:
        console.print_json(data=found.to_json())
    else:
        print_plan(result)
    if not result.feasible:
        raise typer.Exit(1)


def print_plan(result: Plan) -> None:
    if result.feasible:
        say(
            ("Can be done", "green"),
            f": the latest meetings that decide by {show_day(result.deadline)}:",
        )
    else:
        say(("Cannot be done", "bold red"), f" by {show_day(result.deadline)}: {result.reason}.")
        if result.missed_by_working_days is not None:
            days = result.missed_by_working_days
            say(
                "The earliest plan the meeting calendar allows misses the deadline by ",
                (f"{days} working day{'s' if days != 1 else ''}", "bold"),
                ":",
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
