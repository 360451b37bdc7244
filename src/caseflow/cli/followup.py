"""``caseflow followup ...``: actions after a decision, with their deadlines."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from caseflow.cli.app import AsOption, JsonOption, app, console, state
from caseflow.cli.paging import DEFAULT_LIMIT, CursorOption, LimitOption, print_more
from caseflow.services import followup as service
from caseflow.services.paging import PageRequest

followup_app = typer.Typer(
    help="Follow-up actions for steering groups and administrations.", no_args_is_help=True
)
app.add_typer(followup_app, name="followup")


@followup_app.command("add")
def add(
    journal_no: str,
    owner: Annotated[
        str,
        typer.Option(help="steering_group:CODE or administration:CODE, e.g. steering_group:OMR."),
    ],
    due: Annotated[
        str, typer.Option(help="'by end of 2009', 'during 2010', 'within 10 working days'.")
    ],
    text: Annotated[str, typer.Option(help="What is to be done.")],
    as_user: AsOption = None,
    allow_past: Annotated[
        bool, typer.Option("--allow-past", help="Accept a due date already past (--reason).")
    ] = False,
    reason: Annotated[
        str | None, typer.Option(help="Why a past due date is right (kept in the audit).")
    ] = None,
) -> None:
    """Add a follow-up action on a case; the worker reminds and escalates it."""
    cli = state()
    ctx = cli.context()
    request = service.AddFollowup(journal_no, owner, due, text, allow_past, reason)
    added = service.add(ctx, cli.actor(ctx.engine, as_user), request)
    console.print(
        f"follow-up {added.record.id} on {journal_no}: {added.record.owner}, due {added.due_day}",
        markup=False,
    )


@followup_app.command("list")
def list_followups(
    overdue: Annotated[bool, typer.Option("--overdue", help="Only those past due.")] = False,
    all_: Annotated[bool, typer.Option("--all", help="Done and cancelled ones too.")] = False,
    case: Annotated[str | None, typer.Option(help="Only this case's.")] = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
    cursor: CursorOption = None,
    limit: LimitOption = DEFAULT_LIMIT,
) -> None:
    """Open follow-up actions of the cases you may see (--as), soonest due first; a page
    at a time."""
    cli = state()
    ctx = cli.context()
    request = service.ListFollowups(overdue, all_, case, PageRequest(limit, cursor))
    found = service.list_followups(ctx, cli.actor(ctx.engine, as_user), request)
    if as_json:
        console.print_json(data=found.to_json())
        print_more(found.page.next_cursor, as_json=True)
        return
    table = Table("Id", "Case", "Action", "Owner", "Due", "Status")
    for view in found.items:
        record = view.record
        late = " overdue" if view.overdue else ""
        table.add_row(
            str(record.id),
            record.journal_no,
            record.description,
            record.owner,
            f"{record.due} ({view.due_day}){late}",
            record.status,
        )
    console.print(table)
    count = len(found.items)
    console.print(f"{count} follow-up action{'s' if count != 1 else ''}")
    print_more(found.page.next_cursor)


@followup_app.command("done")
def done(
    followup_id: int,
    note: Annotated[str | None, typer.Option(help="How it was done.")] = None,
    cancel: Annotated[
        bool, typer.Option("--cancel", help="Cancel it instead (no longer needed).")
    ] = False,
    as_user: AsOption = None,
) -> None:
    """Mark a follow-up action done; its deadline is met (an action on a case you may not
    see is not found or not allowed)."""
    cli = state()
    ctx = cli.context()
    request = service.FinishFollowup(followup_id, cancel, note)
    finished = service.finish(ctx, cli.actor(ctx.engine, as_user), request)
    record = finished.record
    console.print(f"follow-up {record.id} on {record.journal_no}: {record.status}")
