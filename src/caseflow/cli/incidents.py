"""``caseflow incidents``: deadlines and notifications that failed too often, and retrying them.

What an incident is, who may see and re-open it: :mod:`caseflow.services.incidents`.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from caseflow.cli.app import AsOption, JsonOption, app, console, state
from caseflow.cli.paging import DEFAULT_LIMIT, CursorOption, LimitOption, print_more
from caseflow.services import incidents as incident_service
from caseflow.services.paging import PageRequest

incidents_app = typer.Typer(
    help="Deadlines and notifications that need a person.", no_args_is_help=True
)
app.add_typer(incidents_app, name="incidents")


@incidents_app.command("list")
def incidents_list(
    as_user: AsOption = None,
    as_json: JsonOption = False,
    cursor: CursorOption = None,
    limit: LimitOption = DEFAULT_LIMIT,
) -> None:
    """Deadlines in incident and notifications that failed, with their last error
    (administrator or secretariat: of the cases you may see), a page at a time."""
    cli = state()
    ctx = cli.context()
    page = PageRequest(limit, cursor)
    found = incident_service.list_incidents(ctx, cli.actor(ctx.engine, as_user), page)
    if as_json:
        console.print_json(data=found.to_json())
        print_more(found.page.next_cursor, as_json=True)
        return
    table = Table("ID", "Case", "What", "Tries", "Last error")
    for incident in found.items:
        table.add_row(
            incident.id,
            Text(incident.journal_no or ""),
            Text(incident.what),
            str(incident.attempts),
            Text(incident.last_error or ""),
        )
    console.print(table)
    console.print(
        f"{len(found.items)} incident(s); `caseflow incidents retry ID|--all` re-opens them",
        markup=False,
    )
    print_more(found.page.next_cursor)


@incidents_app.command("retry")
def incidents_retry(
    ids: Annotated[
        list[str] | None, typer.Argument(help="Incidents to retry, e.g. D-42 N-17.")
    ] = None,
    retry_all: Annotated[bool, typer.Option("--all", help="Retry every incident.")] = False,
    as_user: AsOption = None,
) -> None:
    """Re-open incidents for the worker (administrator or secretariat: those of the cases
    you may see)."""
    cli = state()
    request = incident_service.IncidentRetry(tuple(ids or ()), every=retry_all)  # checked
    ctx = cli.context()
    done = incident_service.retry_incidents(ctx, cli.actor(ctx.engine, as_user), request)
    console.print(
        f"{done.deadlines} deadline(s) re-opened, {done.notifications} notification(s) queued "
        "again; the worker takes them up on its next round"
    )
