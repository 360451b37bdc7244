"""``caseflow approval ...``: the approval steps that wait for you, and your actions."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from caseflow.approvals.chain import Action
from caseflow.calendar import COPENHAGEN
from caseflow.cli.app import AsOption, JsonOption, app, console, state
from caseflow.services import approvals as service

approval_app = typer.Typer(
    help="Approval chains: steps waiting for you; approve, return, skip.", no_args_is_help=True
)
app.add_typer(approval_app, name="approval")

ForOption = Annotated[
    str | None,
    typer.Option("--for", help="Whom you stand in for, when you stand in for several."),
]
ChainOption = Annotated[
    str | None, typer.Option("--chain", help="The chain's trigger, if the case has several.")
]


@approval_app.command("list")
def list_pending(as_user: AsOption = None, as_json: JsonOption = False) -> None:
    """Steps that wait for you (--as): yours, and those of people you stand in for."""
    cli = state()
    ctx = cli.context()
    found = service.pending_for(ctx, cli.actor(ctx.engine, as_user))
    if as_json:
        console.print_json(data=[p.to_json() for p in found])
        return
    table = Table("Case", "Title", "Step", "For", "Due")
    for pending in found:
        due = pending.due_at.astimezone(COPENHAGEN).date().isoformat() if pending.due_at else ""
        table.add_row(
            pending.journal_no,
            pending.title,
            pending.step + (" (may be skipped)" if pending.skippable else ""),
            ", ".join(pending.for_whom),
            due,
        )
    console.print(table)
    console.print(f"{len(found)} step{'s' if len(found) != 1 else ''} waiting")


def _act(
    journal_no: str,
    action: Action,
    text: str | None,
    on_behalf_of: str | None,
    chain: str | None,
    as_user: str | None,
    as_json: bool,
) -> None:
    cli = state()
    ctx = cli.context()
    request = service.ActOnStep(journal_no, action, text, on_behalf_of, chain)
    result = service.act(ctx, cli.actor(ctx.engine, as_user), request)
    if as_json:
        console.print_json(data=result.to_json())
        return
    then = {
        "recorded": "the step waits for more approvals",
        "step_done": f"next step: {result.next_step}",
        "chain_done": f"the chain is complete; the case is now {result.state}",
        "returned": f"returned to the drafter; the case is now {result.state}",
    }[result.outcome.value]
    console.print(
        f"{journal_no}: step {result.step} — {action.value} by {result.by}; {then}", markup=False
    )


@approval_app.command("approve")
def approve(
    journal_no: str,
    condition: Annotated[
        str | None, typer.Option(help="Approve with this condition (recorded and shown).")
    ] = None,
    for_: ForOption = None,
    chain: ChainOption = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Approve the case's open step (with --condition: approve with a condition)."""
    action = Action.APPROVE if condition is None else Action.APPROVE_WITH_CONDITION
    _act(journal_no, action, condition, for_, chain, as_user, as_json)


@approval_app.command("return")
def return_(
    journal_no: str,
    comment: Annotated[str, typer.Option(help="Why it goes back (required).")],
    for_: ForOption = None,
    chain: ChainOption = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Return the draft to its drafter; the chain restarts where the workflow says."""
    _act(journal_no, Action.RETURN, comment, for_, chain, as_user, as_json)


@approval_app.command("skip")
def skip(
    journal_no: str,
    comment: Annotated[str | None, typer.Option(help="Why it is skipped.")] = None,
    for_: ForOption = None,
    chain: ChainOption = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Skip the open step, where the workflow allows it."""
    _act(journal_no, Action.SKIP, comment, for_, chain, as_user, as_json)


@approval_app.command("show")
def show(journal_no: str, as_user: AsOption = None, as_json: JsonOption = False) -> None:
    """The case's approval chains: each step, its approvers, and every action taken."""
    cli = state()
    ctx = cli.context()
    chains = service.chains_of_case(ctx, cli.actor(ctx.engine, as_user), journal_no)
    if as_json:
        console.print_json(data=[c.to_json() for c in chains])
        return
    for view in chains:
        table = Table(
            "Step",
            "Status",
            "Approvers",
            "Mode",
            "Actions",
            title=f"{journal_no}: approval of {view.trigger} (round {view.round}, {view.status})",
        )
        for step in view.steps:
            actions = "; ".join(
                f"{v.action.value} by {v.by}" + (f": {v.text}" if v.text else "")
                for v in step.votes
            )
            table.add_row(step.name, step.status, ", ".join(step.approvers), step.mode, actions)
        console.print(table)
    if not chains:
        console.print(f"{journal_no} has no approval chain", markup=False)
