"""``caseflow deadlines ...``: the open deadlines of the cases you may see, and how each
was computed."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.text import Text

from caseflow.cli.app import AsOption, JsonOption, app, console, state
from caseflow.cli.output import print_table, say
from caseflow.cli.output import table as grid
from caseflow.cli.paging import DEFAULT_LIMIT, CursorOption, LimitOption, print_more
from caseflow.cli.render import local
from caseflow.cli.words import words
from caseflow.deadlines.labels import Label
from caseflow.deadlines.owners import owner_text
from caseflow.services import deadlines as deadline_service
from caseflow.services.paging import PageRequest

deadlines_app = typer.Typer(help="Deadlines of cases.", no_args_is_help=True)
app.add_typer(deadlines_app, name="deadlines")


@deadlines_app.command("list")
def deadlines_list(
    overdue: Annotated[bool, typer.Option("--overdue", help="Only those past due.")] = False,
    committee: Annotated[str | None, typer.Option(help="Only cases of this committee.")] = None,
    due_within: Annotated[
        str | None, typer.Option(help="Only due within N working days, e.g. 10d.")
    ] = None,
    cursor: CursorOption = None,
    limit: LimitOption = DEFAULT_LIMIT,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Open and paused deadlines of the cases you may see (--as), soonest first, by title
    and owner."""
    cli = state()
    ctx = cli.context()
    query = deadline_service.DeadlineQuery(
        overdue=overdue,
        committee=committee,
        due_within_days=None if due_within is None else deadline_service.working_days(due_within),
        page=PageRequest(limit, cursor),
    )
    page = deadline_service.list_deadlines(ctx, cli.actor(ctx.engine, as_user), query)
    if as_json:
        console.print_json(data=[deadline.to_json() for deadline in page.items])
        print_more(page.next_cursor, as_json=True)
        return
    table = grid(
        *words(
            ctx.language,
            "Journal no",
            "Title",
            "Deadline",
            "Owner",
            "Due (Copenhagen)",
            "Status",
            "Committee",
        ),
        ids=1,
    )
    for deadline in page.items:
        due = local(deadline.due_at)
        table.add_row(
            Text(deadline.journal_no),
            Text(deadline.title),
            Text(deadline.deadline),
            Text(owner_text(deadline.owner) if deadline.owner else "-"),
            Text(due, style="red") if deadline.overdue else due,
            deadline.status + (" (overdue)" if deadline.overdue else ""),
            Text(deadline.committee or ""),
        )
    print_table(table)
    console.print(f"{len(page.items)} deadline(s)")
    print_more(page.next_cursor)


@deadlines_app.command("explain")
def deadlines_explain(
    journal_no: str, as_user: AsOption = None, as_json: JsonOption = False
) -> None:
    """How each deadline of a case was computed: rule, owner, calendar, legal source (--as:
    one who may see the case)."""
    cli = state()
    ctx = cli.context()
    explained = deadline_service.explain_deadlines(ctx, cli.actor(ctx.engine, as_user), journal_no)
    if as_json:
        console.print_json(data=explained.to_json())
        return
    if not explained.deadlines:
        console.print(f"{explained.journal_no} has no deadlines")
    for deadline in explained.deadlines:
        label = deadline.label
        say(
            (label.title, "bold"),
            f" — {deadline.status}, due {local(deadline.due_at)} Copenhagen time",
        )
        if label.owner is not None:
            console.print(f"  owner: {owner_text(label.owner)}")
            console.print(f"  mail to: {_mail_to(label)}")
        for line in deadline.explanation:
            console.print(f"  {line}")
        for number, reminder in enumerate(deadline.reminders, start=1):
            console.print(f"  reminder {number}: {local(reminder.at)} ({reminder.status})")


def _mail_to(label: Label) -> str:
    """Where the owner's reminders go, and why there when it is not the owner's own box."""
    found = ", ".join(
        f"{a['name']} <{a['address']}>" if a.get("name") else str(a["address"])
        for a in label.notified
    )
    found = found or "nobody with an e-mail address"
    return f"{found} ({label.fallback})" if label.fallback else found
