"""``caseflow delegate ...``: rights to act on behalf of another (administrators)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from caseflow.approvals.routing import DelegationScope
from caseflow.cli.absence import parse_day
from caseflow.cli.app import AsOption, JsonOption, app, console, state
from caseflow.services import absence as service

delegate_app = typer.Typer(
    help="On behalf of: grant, list and revoke rights to act for another.", no_args_is_help=True
)
app.add_typer(delegate_app, name="delegate")


@delegate_app.command("grant")
def grant(
    principal: Annotated[str, typer.Argument(help="On whose behalf (a username).")],
    delegate: Annotated[str, typer.Argument(help="Who may act (a username).")],
    from_: Annotated[str, typer.Option("--from", help="First day (YYYY-MM-DD).")],
    to: Annotated[str, typer.Option(help="Last day (YYYY-MM-DD).")],
    scope: Annotated[
        DelegationScope, typer.Option(help="all actions, or approvals only.")
    ] = DelegationScope.APPROVALS,
    as_user: AsOption = None,
) -> None:
    """Grant DELEGATE the right to act on behalf of PRINCIPAL for a period."""
    cli = state()
    ctx = cli.context()
    request = service.GrantDelegation(
        principal, delegate, scope, parse_day(from_, "--from"), parse_day(to, "--to")
    )
    record = service.grant_delegation(ctx, cli.actor(ctx.engine, as_user), request)
    d = record.delegation
    console.print(
        f"delegation {d.id}: {d.delegate} may act on behalf of {d.principal} "
        f"({d.scope.value}) from {d.starts_on} to {d.ends_on}",
        markup=False,
    )


@delegate_app.command("list")
def list_grants(as_user: AsOption = None, as_json: JsonOption = False) -> None:
    """Grants in force or to come (all for an administrator; yours otherwise)."""
    cli = state()
    ctx = cli.context()
    found = service.list_delegations(ctx, cli.actor(ctx.engine, as_user))
    if as_json:
        console.print_json(data=[service.delegation_json(r) for r in found])
        return
    table = Table("Id", "On behalf of", "Delegate", "Scope", "From", "To", "Granted by")
    for record in found:
        d = record.delegation
        table.add_row(
            str(d.id),
            d.principal,
            d.delegate,
            d.scope.value,
            str(d.starts_on),
            str(d.ends_on),
            record.granted_by,
        )
    console.print(table)


@delegate_app.command("revoke")
def revoke(delegation_id: int, as_user: AsOption = None) -> None:
    """Revoke a grant now."""
    cli = state()
    ctx = cli.context()
    service.revoke_delegation(ctx, cli.actor(ctx.engine, as_user), delegation_id)
    console.print(f"delegation {delegation_id} revoked", markup=False)
