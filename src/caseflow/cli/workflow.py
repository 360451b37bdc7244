"""``caseflow workflow ...``: validate, list, show, diagram, schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import func, select

from caseflow.cli.app import app, console, console_err, state
from caseflow.definitions import json_schema, load_directory, mermaid_diagram, validate_files
from caseflow.errors import CaseflowError, NotFound
from caseflow.store import migrate
from caseflow.store import workflows as stored
from caseflow.store.db import make_engine, read_transaction
from caseflow.store.tables import cases

workflow_app = typer.Typer(help="Workflow definitions.", no_args_is_help=True)
app.add_typer(workflow_app, name="workflow")


@workflow_app.command("validate")
def validate(paths: Annotated[list[Path], typer.Argument(help="Workflow files.")]) -> None:
    """Check workflow files; prints every problem with file and line, exits 2 on any."""
    problems = validate_files(paths)
    for problem in problems:
        console_err.print(str(problem), highlight=False, soft_wrap=True)
    if problems:
        console_err.print(f"[red]{len(problems)} problem(s) in {len(paths)} file(s)[/]")
        raise typer.Exit(2)
    console.print(f"[green]ok[/]: {len(paths)} file(s) valid")


@workflow_app.command("list")
def list_workflows() -> None:
    """Workflows in the folder, and the versions cases are running on."""
    settings = state().settings
    current = load_directory(settings.workflows_dir)
    table = Table("Workflow", "Title", "Version", "States", "Transitions", "Source")
    for workflow_id, loaded in sorted(current.items()):
        definition = loaded.definition
        table.add_row(
            workflow_id,
            definition.title.en,
            loaded.version[:12],
            str(len(definition.states)),
            str(len(definition.transitions)),
            loaded.path,
        )
    console.print(table)
    _print_stored_versions(settings.database_url, {w: lo.version for w, lo in current.items()})


def _print_stored_versions(url: str, current: dict[str, str]) -> None:
    db = make_engine(url)
    try:
        migrate.ensure_ready(db)
    except CaseflowError:
        return  # no database yet: only the folder is of interest
    with read_transaction(db) as conn:
        versions = stored.all_versions(conn)
        counts: dict[str, int] = dict(
            conn.execute(
                select(cases.c.workflow_version, func.count()).group_by(cases.c.workflow_version)
            )
            .tuples()
            .all()
        )
    db.dispose()
    if not versions:
        return
    table = Table("Workflow", "Version", "Registered", "Cases", "Current", title="Stored versions")
    for version in versions:
        table.add_row(
            version.workflow_id,
            version.version[:12],
            version.registered_at.date().isoformat(),
            str(counts.get(version.version, 0)),
            "yes" if current.get(version.workflow_id) == version.version else "",
        )
    console.print(table)


def _definition(workflow_id: str):  # type: ignore[no-untyped-def]
    current = load_directory(state().settings.workflows_dir)
    if workflow_id not in current:
        raise NotFound(f"no workflow {workflow_id!r}; known: {', '.join(sorted(current))}")
    return current[workflow_id]


@workflow_app.command("show")
def show(workflow_id: str) -> None:
    """States and transitions of a workflow."""
    loaded = _definition(workflow_id)
    definition = loaded.definition
    console.print(f"[bold]{definition.id}[/] — {definition.title.da} / {definition.title.en}")
    console.print(f"version {loaded.version[:12]} from {loaded.path}")
    if definition.description:
        console.print(definition.description)
    states = Table("State", "Title", "Owner", "Kind", title="States")
    for name, s in definition.states.items():
        kind = "initial" if s.initial else "final" if s.final else ""
        states.add_row(name, s.title.en if s.title else "", s.owner or "", kind)
    console.print(states)
    transitions = Table("Trigger", "From", "To", "Roles", "Guards", title="Transitions")
    for t in definition.transitions:
        guards = ", ".join(g.name + (f" {g.params}" if g.params else "") for g in t.guards)
        transitions.add_row(t.trigger, ", ".join(t.sources), t.dest, ", ".join(t.roles), guards)
    console.print(transitions)


@workflow_app.command("diagram")
def diagram(workflow_id: str) -> None:
    """Mermaid state diagram (paste into any Mermaid viewer)."""
    console.print(
        mermaid_diagram(_definition(workflow_id).definition), markup=False, highlight=False
    )


@workflow_app.command("schema")
def schema() -> None:
    """The JSON Schema of workflow files, for editors."""
    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
