"""``caseflow agenda ...`` and ``caseflow minutes ...``: build, publish and record meetings.

Also ``caseflow case course JOURNAL_NO``: the case's course through the committees.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from caseflow.calendar import COPENHAGEN
from caseflow.cli.app import AsOption, JsonOption, app, console, state
from caseflow.cli.output import say, styled
from caseflow.cli.paging import DEFAULT_LIMIT, CursorOption, LimitOption, print_more
from caseflow.domain import Actor
from caseflow.engine import Engine
from caseflow.services import agenda as service
from caseflow.services.paging import PageRequest

agenda_app = typer.Typer(help="Build and publish a meeting's agenda.", no_args_is_help=True)
minutes_app = typer.Typer(help="Record decisions and approve the minutes.", no_args_is_help=True)
app.add_typer(agenda_app, name="agenda")
app.add_typer(minutes_app, name="minutes")

NoteOption = Annotated[
    str | None,
    typer.Option("--note", help="What changed (required once the agenda is published)."),
]


@agenda_app.command("add")
def add(
    meeting_id: int,
    journal_no: str,
    closed: Annotated[
        bool, typer.Option("--closed", help="A closed item (lukket punkt): never published.")
    ] = False,
    late_reason: Annotated[
        str | None,
        typer.Option("--late-reason", help="Why a late item is accepted (its approval)."),
    ] = None,
    note: NoteOption = None,
    as_user: AsOption = None,
) -> None:
    """Put a ready case on a meeting's agenda as its next item (a closed case's item is
    closed whatever is asked: closed stays closed until `agenda open-item`)."""
    cli = state()
    ctx = cli.context()
    request = service.AddItem(meeting_id, journal_no, closed, late_reason, note)
    added = service.add_item(ctx, cli.actor(ctx.engine, as_user), request)
    kind = "public" if added.is_public else "closed"
    if added.inherited_closed:
        kind += ": the case is closed; `caseflow agenda open-item` makes it public"
    late = f", late (approved: {added.late_reason})" if added.is_late else ""
    console.print(
        f"{journal_no} is item {added.item_no} ({kind}{late}) of meeting {meeting_id}; "
        f"{added.timing}",
        markup=False,
    )
    if added.published_version is not None:
        console.print(f"published as version {added.published_version}")


@agenda_app.command("move")
def move(
    meeting_id: int,
    item_no: int,
    position: int,
    note: NoteOption = None,
    as_user: AsOption = None,
) -> None:
    """Move item ITEM_NO to POSITION; the items are renumbered."""
    cli = state()
    ctx = cli.context()
    request = service.MoveItem(meeting_id, item_no, position, note)
    _print_order(service.move_item(ctx, cli.actor(ctx.engine, as_user), request))


@agenda_app.command("withdraw")
def withdraw(
    meeting_id: int,
    journal_no: Annotated[str, typer.Argument(help="The case's journal number, or the item's.")],
    reason: Annotated[
        str | None,
        typer.Option(
            "--reason",
            help="Why the item is taken off (required; in the case's history, and for a "
            "public item in the change note of the next published version).",
        ),
    ] = None,
    as_user: AsOption = None,
) -> None:
    """Take a case's item off the agenda before the meeting; the case waits for another."""
    cli = state()
    ctx = cli.context()
    request = service.WithdrawItem(meeting_id, journal_no, reason)
    done = service.withdraw_item(ctx, cli.actor(ctx.engine, as_user), request)
    console.print(
        f"{done.journal_no} (item {done.item_no}) taken off the agenda of meeting {meeting_id}; "
        f"the case is {done.case_state}",
        highlight=False,
        markup=False,
    )
    _print_order(done.remaining)
    if done.published_version is not None:
        console.print(f"published as version {done.published_version}")


@agenda_app.command("open-item")
def open_item(
    meeting_id: int,
    journal_no: str,
    reason: Annotated[
        str | None,
        typer.Option(
            "--reason",
            help="Why the closed item may be public (required; in the case's history, and "
            "in the change note of the next published version).",
        ),
    ] = None,
    note: NoteOption = None,
    as_user: AsOption = None,
) -> None:
    """Make a closed item public: an explicit, audited act of the committee's secretariat."""
    cli = state()
    ctx = cli.context()
    request = service.OpenItem(meeting_id, journal_no, reason, note)
    opened = service.open_item(ctx, cli.actor(ctx.engine, as_user), request)
    console.print(
        f"{journal_no} (item {opened.item_no}) of meeting {meeting_id} is public now",
        highlight=False,
        markup=False,
    )
    if opened.published_version is not None:
        console.print(f"published as version {opened.published_version}")


def _print_order(order: service.AgendaOrder) -> None:
    """The items on the agenda, as NUMBER: JOURNAL_NO in order."""
    console.print(
        ", ".join(f"{i.item_no}: {i.journal_no}" for i in order.items) or "no items left",
        markup=False,
    )


@agenda_app.command("show")
def show(
    meeting_id: int,
    public: Annotated[
        bool, typer.Option("--public", help="As the public sees it: closed items left out.")
    ] = False,
    as_json: JsonOption = False,
    as_user: AsOption = None,
) -> None:
    """The agenda of a meeting, items in order (the full one for the committee's insiders)."""
    ctx = state().context()
    request = service.ShowAgenda(meeting_id, public)
    view = service.show(ctx, viewer(ctx.engine, as_user, public), request)
    if as_json:
        console.print_json(data=view.to_json())
        return
    _print_agenda(view.to_json())


agenda_app.command("list", help="The agenda of a meeting, items in order (as show).")(show)


def viewer(engine: Engine, as_user: str | None, public: bool) -> Actor | None:
    """Who asks for a full (non-public) view; nobody need say for the public one."""
    cli = state()
    if public or not (as_user or cli.settings.user):
        return None
    return cli.actor(engine, as_user)


@agenda_app.command("publish")
def publish(meeting_id: int, note: NoteOption = None, as_user: AsOption = None) -> None:
    """Freeze the agenda as its next version."""
    cli = state()
    ctx = cli.context()
    done = service.publish(ctx, cli.actor(ctx.engine, as_user), service.Publish(meeting_id, note))
    console.print(f"meeting {meeting_id}: agenda version {done.version} published")


@agenda_app.command("versions")
def versions(
    meeting_id: int,
    public: Annotated[bool, typer.Option("--public", help="Closed items left out.")] = False,
    as_json: JsonOption = False,
    as_user: AsOption = None,
) -> None:
    """The published versions of a meeting's agenda, with their change notes."""
    ctx = state().context()
    request = service.ShowAgenda(meeting_id, public)
    found = service.versions(ctx, viewer(ctx.engine, as_user, public), request)
    if as_json:
        console.print_json(data=found.to_json())
        return
    table = Table("Version", "Published", "By", "Items", "Change note")
    for version in found.versions:
        table.add_row(
            str(version["version"]),
            _local(version["published_at"]),
            version["published_by"],
            str(len(version["agenda"]["items"])),
            version["change_note"] or "",
        )
    console.print(table)


@agenda_app.command("report")
def secretariat_report(
    committee: Annotated[str | None, typer.Option(help="Only this committee's cases.")] = None,
    as_json: JsonOption = False,
    as_user: AsOption = None,
) -> None:
    """Cases meant for a meeting that are not ready; referred or postponed cases without one
    (those you may see: --as)."""
    cli = state()
    ctx = cli.context()
    found = service.secretariat_report(
        ctx, cli.actor(ctx.engine, as_user), service.Report(committee)
    )
    data = found.to_json()
    if as_json:
        console.print_json(data=data)
        return
    table = Table(
        "Journal no",
        "Title",
        "Committee",
        "State",
        "Meeting",
        "Agenda deadline",
        title="Meant for a meeting, not ready",
    )
    for line in data["not_ready"]:
        passed = " (passed)" if line["deadline_passed"] else ""
        table.add_row(
            line["journal_no"],
            line["title"],
            line["committee"] or "",
            line["state"],
            line["meeting_date"],
            line["agenda_deadline"] + passed,
        )
    if data["not_ready"]:
        console.print(table)
    else:
        console.print("No case meant for a coming meeting is behind.")
    table = Table("Journal no", "Title", "Committee", "Why", "From", title="Without a meeting")
    for line in data["without_meeting"]:
        table.add_row(
            line["journal_no"],
            line["title"],
            line["committee"] or "",
            line["reason"],
            f"{line['from_committee']} {line['from_meeting']} item {line['item_no']}",
        )
    if data["without_meeting"]:
        console.print(table)
    else:
        console.print("No referred, postponed, sent-on or taken-off case waits without a meeting.")


@agenda_app.command("queue")
def queue(
    meeting_id: int,
    as_json: JsonOption = False,
    as_user: AsOption = None,
    cursor: CursorOption = None,
    limit: LimitOption = DEFAULT_LIMIT,
) -> None:
    """Cases meant for this meeting that are not on its agenda yet (those you may see: --as),
    newest first, a page at a time."""
    cli = state()
    ctx = cli.context()
    request = service.Queue(meeting_id, PageRequest(limit, cursor))
    found = service.queue(ctx, cli.actor(ctx.engine, as_user), request)
    if as_json:
        console.print_json(data=found.to_json())
        print_more(found.page.next_cursor, as_json=True)
        return
    for line in found.lines:
        mark = "ready" if line.ready else f"not ready ({line.state})"
        console.print(f"{line.journal_no}  {line.title}  {mark}")
    console.print(f"{len(found.lines)} case(s) waiting")
    print_more(found.page.next_cursor)


@minutes_app.command("decide")
def decide(
    meeting_id: int,
    item_no: Annotated[str, typer.Argument(help="The item's number, or its journal number.")],
    outcome: Annotated[str, typer.Option(help="decided, postponed or referred.")],
    text: Annotated[str | None, typer.Option(help="The decision as recorded.")] = None,
    absent: Annotated[
        str | None, typer.Option(help="Absent members, comma-separated: A,B.")
    ] = None,
    to: Annotated[
        str | None,
        typer.Option(
            "--to", help="The committee the case goes to (referred, or decided and sent on)."
        ),
    ] = None,
    as_user: AsOption = None,
) -> None:
    """Record an item's decision, absent members and outcome; the case moves on."""
    cli = state()
    ctx = cli.context()
    item: int | str = int(item_no) if item_no.strip().isdigit() else item_no
    request = service.Decide(meeting_id, item, outcome, text, tuple((absent or "").split(",")), to)
    done = service.decide(ctx, cli.actor(ctx.engine, as_user), request)
    console.print(
        f"item {done.item_no}: {done.outcome}; case {done.journal_no} is now {done.case_state}",
        markup=False,
    )


@minutes_app.command("approve")
def approve(
    meeting_id: int,
    note: Annotated[str | None, typer.Option(help="A note with the approval.")] = None,
    as_user: AsOption = None,
) -> None:
    """Approve the minutes; this closes the meeting."""
    cli = state()
    ctx = cli.context()
    service.approve_minutes(
        ctx, cli.actor(ctx.engine, as_user), service.ApproveMinutes(meeting_id, note)
    )
    console.print(f"meeting {meeting_id}: minutes approved, meeting closed")


def print_course(data: dict[str, Any]) -> None:
    """The course as a table: date, committee, item, outcome, decision, who was absent."""
    say((data["journal_no"], "bold"), f"  {data['title']}  ({data['state']})")
    table = Table("Date", "Committee", "Item", "Outcome", "Decision", "Absent")
    for t in data["treatments"]:
        access = "" if t["is_public"] else " (lukket)"
        decision = "(withheld: a closed item)" if t["withheld"] else t["decision"] or ""
        outcome = t["outcome"] or t["status"]
        if t["referred_to"]:
            outcome += f" → {t['referred_to']}"
        table.add_row(
            t["meeting_date"],
            t["committee"],
            f"{t['item_no']}{access}",
            outcome,
            decision,
            ", ".join(t["absent"]),
        )
    console.print(table)


def _print_agenda(data: dict[str, Any]) -> None:
    meeting, committee = data["meeting"], data["committee"]
    version = data.get("published_version")
    console.print(
        styled(
            (committee["name"] or committee["code"], "bold"),
            f" — meeting {meeting['id']}, {meeting['date']} {meeting['time']}, "
            f"{meeting['place'] or ''} ({meeting['status']})"
            + (f", published version {version}" if version else ", not published"),
        )
    )
    for item in data["items"]:
        if not item.get("journal_no"):
            console.print(f"  {item['item_no']}. {item['title']}")
            continue
        flags = [] if item["is_public"] else ["lukket"]
        if item.get("is_late"):
            flags.append("late")
        if item.get("taken_off"):
            flags.append(f"taken off: {item['taken_off']}")
        shown = f" [{', '.join(flags)}]" if flags else ""
        console.print(
            f"  {item['item_no']}. {item['title']} ({item['journal_no']}){shown}",
            highlight=False,
            markup=False,
        )
        decision = item.get("decision")
        if decision:
            absent = f" (absent: {', '.join(decision['absent'])})" if decision["absent"] else ""
            console.print(
                f"     {decision['outcome']}: {decision['text'] or ''}{absent}",
                highlight=False,
                markup=False,
            )


def _local(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(COPENHAGEN).strftime("%Y-%m-%d %H:%M")
