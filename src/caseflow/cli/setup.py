"""``caseflow init``, ``caseflow org ...`` and ``caseflow actor ...``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from caseflow import organisation
from caseflow.cli.app import AsOption, app, console, state
from caseflow.meetings.committees import require_administrator_once_set_up
from caseflow.store import migrate
from caseflow.store import organisation as org_rows
from caseflow.store.db import read_transaction, write_transaction
from caseflow.store.org_history import Stamp

org_app = typer.Typer(help="Administrations, committees and steering groups.", no_args_is_help=True)
actor_app = typer.Typer(help="People who act on cases, and their roles.", no_args_is_help=True)
app.add_typer(org_app, name="org")
app.add_typer(actor_app, name="actor")


@app.command("init")
def init() -> None:
    """Create the database, or upgrade it to this version's schema."""
    engine = state().engine(check_schema=False)
    before, after = migrate.upgrade(engine.db)
    registered = engine.register_workflows()
    where = engine.db.url.render_as_string(hide_password=True)
    if before == after:
        console.print(f"database {where} is up to date (schema {after})")
    else:
        console.print(f"database {where}: schema {before or 'empty'} → {after}")
    for workflow_id, version, new in registered:
        console.print(f"  workflow {workflow_id} @ {version[:12]}{' (new)' if new else ''}")


@org_app.command("load")
def org_load(path: Path, as_user: AsOption = None) -> None:
    """Load administrations, committees, steering groups and actors from a YAML file.

    Administrators only (--as, default $CASEFLOW_USER), once the database has one:
    the first load is what creates them. What changes is recorded in the
    organisation's history (``org history``) as done by --as, else by the
    operating-system login.
    """
    spec = organisation.load_file(path)
    cli = state()
    engine = cli.engine()
    who = cli.who(as_user)
    stamp = Stamp(who, engine.clock.now(), f"org load {path}")
    with write_transaction(engine.db) as conn:
        require_administrator_once_set_up(conn, who, "load the organisation file")
        counts = organisation.store(conn, spec, stamp)
    console.print("loaded " + ", ".join(f"{n} {kind}" for kind, n in counts.items()))


@org_app.command("show")
def org_show() -> None:
    """Show the organisation in the database."""
    engine = state().engine()
    with read_transaction(engine.db) as conn:
        admins = org_rows.list_administrations(conn)
        committees = org_rows.list_committees(conn)
        groups = org_rows.list_steering_groups(conn)
    table = Table("Code", "Administration", "E-mail")
    for admin in admins:
        table.add_row(admin["code"], admin["name"], admin["email"] or "")
    console.print(table)
    table = Table("Code", "Committee", "Kind", "Secretariat")
    for committee in committees:
        table.add_row(
            committee["code"],
            committee["name"],
            committee["kind"],
            committee["secretariat_email"] or "",
        )
    console.print(table)
    for group in groups:
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

    Administrators only (--as), once the database has one.
    """
    cli = state()
    engine = cli.engine()
    who = cli.who(as_user)
    stamp = Stamp(who, engine.clock.now(), "actor add")
    with write_transaction(engine.db) as conn:
        require_administrator_once_set_up(conn, who, f"add or change actor {username}")
        grants = organisation.grants_from_cli(conn, role or [])
        organisation.put_actor(conn, username, name, email, grants, stamp)
    console.print(f"saved {username} with {len(grants)} role(s)")


@actor_app.command("list")
def actor_list() -> None:
    """List actors and their roles."""
    engine = state().engine()
    with read_transaction(engine.db) as conn:
        actors = org_rows.list_actors(conn)
    table = Table("User", "Name", "E-mail", "Roles")
    for actor in actors:
        roles = ", ".join(g.text for g in actor.grants)
        table.add_row(actor.username, actor.name, actor.email or "", roles)
    console.print(table)
