"""``caseflow init``, ``caseflow org ...`` and ``caseflow actor ...``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from caseflow.cli.app import AsOption, app, console, state
from caseflow.cli.output import warn_left_out
from caseflow.services import database
from caseflow.services import organisation as services

org_app = typer.Typer(help="Administrations, committees and steering groups.", no_args_is_help=True)
actor_app = typer.Typer(help="People who act on cases, and their roles.", no_args_is_help=True)
app.add_typer(org_app, name="org")
app.add_typer(actor_app, name="actor")


@app.command("init")
def init(
    app_role: Annotated[
        str | None,
        typer.Option(
            metavar="NAME",
            help="PostgreSQL: also create/grant the application's role NAME (no DDL, "
            "insert-only on the append-only tables); run again after each upgrade.",
        ),
    ] = None,
) -> None:
    """Create the database, or upgrade it to this version's schema."""
    ctx = state().context(check_schema=False, create=True)
    done = database.initialise(ctx, app_role)
    if done.before == done.after:
        console.print(f"database {done.where} is up to date (schema {done.after})")
    else:
        console.print(
            f"database {done.where}: schema {done.before or 'empty'} → {done.after}", markup=False
        )
    for workflow_id, version, new in done.workflows:
        console.print(f"  workflow {workflow_id} @ {version[:12]}{' (new)' if new else ''}")
    if done.app_role is not None:
        console.print(
            f"application role {done.app_role} {'created' if done.app_role_created else 'exists'}"
            ": no DDL, insert-only on the append-only tables (see docs/operations.md)",
            markup=False,
        )
    if warn_left_out(ctx.engine.registry.problems):
        raise typer.Exit(2)


@org_app.command("load")
def org_load(
    path: Annotated[Path | None, typer.Argument(help="The organisation file (YAML).")] = None,
    demo: Annotated[
        bool, typer.Option("--demo", help="Copenhagen's organisation, shipped with caseflow.")
    ] = False,
    as_user: AsOption = None,
) -> None:
    """Load administrations, committees, steering groups and actors from a YAML file
    (or, with --demo, the demo's Copenhagen, wherever caseflow is installed).

    Administrators only (--as, default $CASEFLOW_USER), once the database has any actor:
    on an empty one, the first load is what creates them. What changes is recorded in
    the organisation's history (``org history``) as done by --as, else by the
    operating-system login.
    """
    if (path is None) == (not demo):
        raise typer.BadParameter("give the organisation file, or --demo (one of them)")
    cli = state()
    chosen = services.demo_organisation_path() if path is None else path
    counts = services.load_organisation(cli.context(), cli.who(as_user), chosen)
    console.print("loaded " + ", ".join(f"{n} {kind}" for kind, n in counts.items()))


@org_app.command("show")
def org_show(as_user: AsOption = None) -> None:
    """Show the organisation in the database."""
    ctx, actor = state().acting(as_user)
    view = services.show_organisation(ctx, actor)
    table = Table("Code", "Administration", "E-mail")
    for admin in view.administrations:
        table.add_row(Text(admin["code"]), Text(admin["name"]), Text(admin["email"] or ""))
    console.print(table)
    table = Table("Code", "Committee", "Kind", "Secretariat")
    for committee in view.committees:
        table.add_row(
            Text(committee["code"]),
            Text(committee["name"]),
            Text(committee["kind"]),
            Text(committee["secretariat_email"] or ""),
        )
    console.print(table)
    for group in view.steering_groups:
        members = ", ".join(m["administration"] for m in group["members"])
        console.print(f"steering group {group['code']}: {group['name']} ({members})")


@actor_app.command("add")
def actor_add(
    username: str,
    name: Annotated[str, typer.Option(help="Full name.")],
    email: Annotated[str | None, typer.Option(help="E-mail address.")] = None,
    role: Annotated[
        list[str] | None,
        typer.Option(help="ROLE or ROLE@ADMINISTRATION or ROLE@COMMITTEE (repeatable)."),
    ] = None,
    as_user: AsOption = None,
) -> None:
    """Create an actor, or replace an existing one's name, e-mail and roles.

    Administrators only (--as), once the database has any actor; the last administrator
    cannot be demoted.
    """
    cli = state()
    request = services.ActorRequest(username, name, email, role or [])
    saved = services.put_actor(cli.context(), cli.who(as_user), request)
    console.print(f"saved {saved.username} with {len(saved.grants)} role(s)")


@actor_app.command("list")
def actor_list(as_user: AsOption = None) -> None:
    """List actors and their roles (an administrator's view)."""
    ctx, actor = state().acting(as_user)
    table = Table("User", "Name", "E-mail", "Roles")
    for found in services.list_actors(ctx, actor):
        roles = ", ".join(g.text for g in found.grants)
        table.add_row(Text(found.username), Text(found.name), Text(found.email or ""), roles)
    console.print(table)
