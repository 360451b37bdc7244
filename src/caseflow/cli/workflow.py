"""``caseflow workflow ...``: validate, list, show, diagram, schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from caseflow.cli.app import AsOption, JsonOption, app, console, console_err, state
from caseflow.cli.output import print_table, say, warn, warn_left_out, write_json
from caseflow.cli.output import table as grid
from caseflow.cli.words import words
from caseflow.context import Context
from caseflow.definitions import json_schema, validate_files
from caseflow.domain import Actor
from caseflow.errors import DatabaseNotReady
from caseflow.services import workflows as workflow_service

workflow_app = typer.Typer(help="Workflow definitions.", no_args_is_help=True)
app.add_typer(workflow_app, name="workflow")


@workflow_app.command("validate")
def validate(paths: Annotated[list[Path], typer.Argument(help="Workflow files.")]) -> None:
    """Check workflow files; prints every problem with file and line, exits 2 on any."""
    problems = validate_files(paths)
    for problem in problems:
        console_err.print(str(problem), highlight=False, soft_wrap=True)
    if problems:
        warn((f"{len(problems)} problem(s) in {len(paths)} file(s)", "red"))
        raise typer.Exit(2)
    say(("ok", "green"), f": {len(paths)} file(s) valid")


@workflow_app.command("list")
def list_workflows(as_user: AsOption = None, as_json: JsonOption = False) -> None:
    """Workflows in the folder; with --as (or CASEFLOW_USER), also the versions stored in
    the database and how many cases run on each."""
    ctx, actor, why = _reader(as_user)
    listed = workflow_service.list_workflows(ctx, actor)
    if as_json:
        console.print_json(data=listed.to_json())
        return
    headers = words(ctx.language, "Workflow", "Version", "Title", "States", "Transitions", "Source")
    table = grid(*headers, ids=2)
    for workflow in listed.current:
        table.add_row(
            Text(workflow.workflow_id),
            workflow.version[:12],
            Text(workflow.title),
            str(workflow.states),
            str(workflow.transitions),
            Text(workflow.path),
        )
    print_table(table)
    if warn_left_out(ctx.engine.registry.problems):
        raise typer.Exit(2)
    if listed.stored is None:
        console.print(why)
        return
    if not listed.stored:
        return
    stored = Table("Workflow", "Version", "Registered", "Cases", "Current", title="Stored versions")
    for version in listed.stored:
        stored.add_row(
            Text(version.workflow_id),
            version.version[:12],
            version.registered_at.date().isoformat(),
            str(version.cases),
            "yes" if version.current else "",
        )
    console.print(stored)


def _reader(as_user: str | None) -> tuple[Context, Actor | None, str]:
    """The context, the actor when one is named (which needs the database), and why the
    stored versions cannot be shown when there is none: without an actor or a database
    the folder alone is read, as it always could be."""
    cli = state()
    if not (as_user or cli.settings.user):
        why = "say who you are (--as USER) to see the stored versions and their cases"
        return cli.context(check_schema=False, create=True), None, why
    try:
        ctx = cli.context()
    except DatabaseNotReady:
        why = "no database yet (`caseflow init` creates it): only the folder is shown"
        return cli.context(check_schema=False, create=True), None, why
    return ctx, cli.actor(ctx.engine, as_user), ""


@workflow_app.command("show")
def show(workflow_id: str, as_json: JsonOption = False) -> None:
    """States and transitions of a workflow."""
    shown = workflow_service.show_workflow(
        state().context(check_schema=False, create=True), None, workflow_id
    )
    if as_json:
        console.print_json(data=shown.to_json())
        return
    definition = shown.loaded.definition
    console.print(
        Text.assemble((definition.id, "bold"), f" — {definition.title.da} / {definition.title.en}")
    )
    console.print(f"version {shown.loaded.version[:12]} from {shown.loaded.path}")
    if definition.description:
        console.print(definition.description)
    states = Table("State", "Title", "Owner", "Kind", title="States")
    for name, s in definition.states.items():
        kind = "initial" if s.initial else "final" if s.final else ""
        states.add_row(Text(name), Text(s.title.en if s.title else ""), Text(s.owner or ""), kind)
    console.print(states)
    transitions = Table("Trigger", "From", "To", "Roles", "Guards", title="Transitions")
    for t in definition.transitions:
        guards = ", ".join(g.name + (f" {g.params}" if g.params else "") for g in t.guards)
        transitions.add_row(
            Text(t.trigger),
            Text(", ".join(t.sources)),
            Text(t.dest),
            Text(", ".join(t.roles)),
            Text(guards),
        )
    console.print(transitions)


@workflow_app.command("diagram")
def diagram(workflow_id: str) -> None:
    """Mermaid state diagram (paste into any Mermaid viewer)."""
    text = workflow_service.workflow_diagram(
        state().context(check_schema=False, create=True), None, workflow_id
    )
    console.print(text)


@workflow_app.command("schema")
def schema() -> None:
    """The JSON Schema of workflow files, for editors."""
    write_json(json_schema())
