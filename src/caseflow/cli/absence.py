"""``caseflow absence ...``: record that you are away, and who does your approvals."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.table import Table

from caseflow.cli.app import AsOption, JsonOption, app, console, state
from caseflow.errors import ErrorCode, InvalidInput
from caseflow.services import absence as service

absence_app = typer.Typer(
    help="Absence: a substitute does your approvals while you are away.", no_args_is_help=True
)
app.add_typer(absence_app, name="absence")


def parse_day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"{option} {text!r} is not a date; write it as YYYY-MM-DD, e.g. 2009-07-06",
            code=ErrorCode.INVALID_INPUT,
        ) from None


@absence_app.command("set")
def set_absence(
    substitute: Annotated[str, typer.Option(help="Who does your approvals (a username).")],
    from_: Annotated[str, typer.Option("--from", help="First day away (YYYY-MM-DD).")],
    to: Annotated[str, typer.Option(help="Last day away (YYYY-MM-DD).")],
    user: Annotated[
        str | None, typer.Option(help="Record it for this person (administrators only).")
    ] = None,
    as_user: AsOption = None,
) -> None:
    """Record an absence: new and pending approvals go to the substitute."""
    cli = state()
    ctx = cli.context()
    request = service.SetAbsence(
        substitute, parse_day(from_, "--from"), parse_day(to, "--to"), user
    )
    record = service.set_absence(ctx, cli.actor(ctx.engine, as_user), request)
    a = record.absence
    console.print(
        f"absence {a.id}: {a.username} away {a.starts_on} to {a.ends_on}; "
        f"substitute {a.substitute}",
        markup=False,
    )


@absence_app.command("list")
def list_absences(
    all_: Annotated[bool, typer.Option("--all", help="Everyone's (administrators).")] = False,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Your absences and those you stand in for (not past ones)."""
    cli = state()
    ctx = cli.context()
    found = service.list_absences(ctx, cli.actor(ctx.engine, as_user), everyone=all_)
    if as_json:
        console.print_json(data=[service.absence_json(r) for r in found])
        return
    table = Table("Id", "Who", "Substitute", "From", "To")
    for record in found:
        a = record.absence
        table.add_row(str(a.id), a.username, a.substitute, str(a.starts_on), str(a.ends_on))
    console.print(table)


@absence_app.command("end")
def end_absence(absence_id: int, as_user: AsOption = None) -> None:
    """End an absence now (back early)."""
    cli = state()
    ctx = cli.context()
    record = service.end_absence(ctx, cli.actor(ctx.engine, as_user), absence_id)
    console.print(f"absence {absence_id} of {record.absence.username} ended", markup=False)
