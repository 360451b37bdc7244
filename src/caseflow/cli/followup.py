"""``caseflow followup ...``: actions after a decision, with their deadlines."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from caseflow.calendar import COPENHAGEN
from caseflow.cli.app import AsOption, JsonOption, app, console, state
from caseflow.meetings import followup

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
) -> None:
    """Add a follow-up action on a case; the worker reminds and escalates it."""
    cli = state()
    engine = cli.engine()
    record = followup.add_followup(
        engine, journal_no, cli.actor(engine, as_user), owner=owner, due=due, text=text
    )
    due_day = record.due_at.astimezone(COPENHAGEN).date().isoformat()
    console.print(f"follow-up {record.id} on {journal_no}: {record.owner}, due {due_day}")


@followup_app.command("list")
def list_followups(
    overdue: Annotated[bool, typer.Option("--overdue", help="Only those past due.")] = False,
    all_: Annotated[bool, typer.Option("--all", help="Done and cancelled ones too.")] = False,
    case: Annotated[str | None, typer.Option(help="Only this case's.")] = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Open follow-up actions of the cases you may see (--as), soonest due first."""
    cli = state()
    engine = cli.engine()
    found = followup.list_followups(
        engine,
        cli.actor(engine, as_user),
        overdue=overdue,
        include_finished=all_,
        journal_no=case,
    )
    now = engine.clock.now()
    if as_json:
        console.print_json(data=[followup.followup_json(r, now) for r in found])
        return
    table = Table("Id", "Case", "Action", "Owner", "Due", "Status")
    for record in found:
        due_day = record.due_at.astimezone(COPENHAGEN).date().isoformat()
        late = " [red]overdue[/]" if record.status == "open" and record.due_at < now else ""
        table.add_row(
            str(record.id),
            record.journal_no,
            record.description,
            record.owner,
            f"{record.due} ({due_day}){late}",
            record.status,
        )
    console.print(table)
    console.print(f"{len(found)} follow-up action{'s' if len(found) != 1 else ''}")


@followup_app.command("done")
def done(
    followup_id: int,
    note: Annotated[str | None, typer.Option(help="How it was done.")] = None,
    cancel: Annotated[
        bool, typer.Option("--cancel", help="Cancel it instead (no longer needed).")
    ] = False,
    as_user: AsOption = None,
) -> None:
    """Mark a follow-up action done; its deadline is met."""
    cli = state()
    engine = cli.engine()
    record = followup.finish_followup(
        engine,
        followup_id,
        cli.actor(engine, as_user),
        status="cancelled" if cancel else "done",
        note=note,
    )
    console.print(f"follow-up {record.id} on {record.journal_no}: {record.status}")
