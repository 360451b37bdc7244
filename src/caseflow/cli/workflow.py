"""``caseflow workflow ...``: validate, list, show, diagram, schema; versions, publish, new,
diff, migrate and migrations."""

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
from caseflow.definitions.migration_plan import parse_mapping
from caseflow.domain import Actor
from caseflow.errors import DatabaseNotReady, InvalidInput
from caseflow.services import workflow_changes as changes
from caseflow.services import workflows as workflow_service
from caseflow.services.workflow_changes import MigrationRecord

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
        return cli.folder_context(), None, why
    try:
        ctx = cli.context()
    except DatabaseNotReady:
        why = "no database yet (`caseflow init` creates it): only the folder is shown"
        return cli.folder_context(), None, why
    return ctx, cli.actor(ctx.engine, as_user), ""


@workflow_app.command("show")
def show(workflow_id: str, as_json: JsonOption = False) -> None:
    """States and transitions of a workflow."""
    shown = workflow_service.show_workflow(state().folder_context(), None, workflow_id)
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
    text = workflow_service.workflow_diagram(state().folder_context(), None, workflow_id)
    console.print(text)


@workflow_app.command("schema")
def schema() -> None:
    """The JSON Schema of workflow files, for editors."""
    write_json(json_schema())


# --- versions, publishing, a new file, the diff and migrations (wf18) ------------------------


@workflow_app.command("versions")
def versions(workflow_id: str, as_user: AsOption = None, as_json: JsonOption = False) -> None:
    """Every stored version of a workflow: hash, first stored, file, running cases."""
    ctx, actor = state().acting(as_user)
    listed = workflow_service.versions_of(ctx, actor, workflow_id)
    if as_json:
        console.print_json(data=listed.to_json())
        return
    table = Table("Version", "First stored", "File", "Running", "Cases", "Current", "Published")
    for v in listed.versions:
        table.add_row(
            v.version[:12],
            v.registered_at.date().isoformat(),
            Text(v.source_path),
            str(v.running),
            str(v.cases),
            "yes" if v.current else "",
            v.published_at.date().isoformat() if v.published_at else "",
        )
    console.print(table)
    current = next((v for v in listed.versions if v.current), None)
    if listed.folder_version and current and current.version != listed.folder_version:
        console.print(
            f"the workflows folder holds version {listed.folder_version[:12]}, not the one "
            "new cases get: publish the file to use it",
            markup=False,
        )


@workflow_app.command("publish")
def publish(
    path: Annotated[Path, typer.Argument(help="The workflow file.")],
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Validate a file and make it the version new cases get (no restart needed)."""
    ctx, actor = state().acting(as_user)
    text = _read_text(path)
    published = workflow_service.publish_workflow(
        ctx, actor, workflow_service.PublishWorkflow(text, str(path))
    )
    if as_json:
        console.print_json(data=published.to_json())
        return
    was = f" (was {published.previous[:12]})" if published.previous else ""
    console.print(
        f"published {published.workflow_id} version {published.version[:12]}{was}; new cases "
        "get it now, running ones stay (caseflow workflow migrate moves them)",
        markup=False,
    )


@workflow_app.command("new")
def new(
    workflow_id: str,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Where to write it (default: ID.yaml).")
    ] = None,
) -> None:
    """Write a commented starting file for a new workflow (it validates as it stands)."""
    text = workflow_service.starter_workflow(workflow_id)
    target = output or Path(f"{workflow_id}.yaml")
    if target.exists():
        raise InvalidInput(f"{target} exists already; give another --output or remove it")
    target.write_text(text, encoding="utf-8")
    console.print(
        f"wrote {target}; check it with `caseflow workflow validate {target}`", markup=False
    )


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read {path}: {exc}") from None


def _source(ref: str) -> changes.VersionSource:
    """A file's text if ``ref`` is a file, else a stored version's name."""
    path = Path(ref)
    if path.is_file():
        return changes.WorkflowText(_read_text(path), ref)
    return ref


@workflow_app.command("diff")
def diff(
    old: Annotated[str, typer.Argument(help="A file, a workflow id, ID@HASH or HASH.")],
    new: Annotated[str, typer.Argument(help="A file, a workflow id, ID@HASH or HASH.")],
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """What NEW changes against OLD, by kind, and the running cases in the states it
    removes or changes."""
    ctx, actor = state().acting(as_user)
    result = changes.diff_versions(ctx, actor, _source(old), _source(new))
    if as_json:
        console.print_json(data=result.to_json())
        return
    d = result.diff
    console.print(f"{d.workflow_id}: {d.old_version[:12]} → {d.new_version[:12]}", markup=False)
    if d.identical:
        console.print("no changes", markup=False)
        return
    table = Table("Kind", "Entry", "Change", "Fields")
    for c in d.changes:
        fields = "; ".join(f"{f.field}: {f.old!r} → {f.new!r}" for f in c.fields)
        table.add_row(c.category, Text(c.key), str(c.kind), Text(fields))
    console.print(table)
    for state_name, count in result.cases_in_touched_states.items():
        console.print(f"running cases in {state_name}: {count}", markup=False)


MapOption = Annotated[
    list[str] | None, typer.Option("--map", help="OLD=NEW: where the cases of a state go.")
]


@workflow_app.command("migrate")
def migrate(
    workflow_id: Annotated[str | None, typer.Argument(help="The workflow.")] = None,
    to: Annotated[str | None, typer.Option("--to", help="Version (default: current).")] = None,
    from_: Annotated[
        list[str] | None, typer.Option("--from", help="Only from this version.")
    ] = None,
    mapping: MapOption = None,
    where: Annotated[
        list[str] | None, typer.Option("--where", help="state=S: only cases in S.")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show, change nothing.")] = False,
    batch_size: Annotated[int, typer.Option("--batch-size")] = changes.DEFAULT_BATCH,
    batches: Annotated[
        int | None,
        typer.Option("--batches", help="Stop after N batches (a run paused, a revert reverting)."),
    ] = None,
    resume: Annotated[int | None, typer.Option("--resume", help="Go on with MIGRATION.")] = None,
    pause: Annotated[int | None, typer.Option("--pause", help="Pause MIGRATION.")] = None,
    revert: Annotated[
        int | None, typer.Option("--revert", help="Move MIGRATION's cases back.")
    ] = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Move running cases onto another version (a dry run first), or pause, resume or
    revert a migration."""
    ctx, actor = state().acting(as_user)
    if revert is not None:
        reverted = changes.revert_migration(ctx, actor, revert, max_batches=batches)
        if as_json:
            console.print_json(data=reverted.to_json())
            return
        going_on = (
            f"; status reverting: --revert {revert} again goes on"
            if reverted.migration.status == "reverting"
            else ""
        )
        console.print(
            f"migration {revert}: {len(reverted.reverted)} case(s) moved back{going_on}",
            markup=False,
        )
        for journal_no, why in reverted.kept:
            console.print(f"  kept {journal_no}: {why}", markup=False)
        return
    if pause is not None:
        record = changes.pause_migration(ctx, actor, pause)
        console.print(f"migration {record.id} is {record.status}", markup=False)
        return
    if resume is not None:
        _print_report(changes.resume_migration(ctx, actor, resume, max_batches=batches), as_json)
        return
    if workflow_id is None:
        raise InvalidInput("name the workflow to migrate, or give --resume, --pause or --revert")
    request = changes.MigrateRequest(
        workflow_id,
        to,
        tuple(from_ or ()),
        parse_mapping(mapping or ()),
        tuple(_where_state(w) for w in where or ()),
        batch_size,
    )
    if dry_run:
        _print_preview(changes.preview_migration(ctx, actor, request), as_json)
        return
    _print_report(changes.start_migration(ctx, actor, request, max_batches=batches), as_json)


def _where_state(text: str) -> str:
    key, sep, value = text.partition("=")
    if key.strip() != "state" or not sep or not value.strip():
        raise InvalidInput(f"--where {text!r}: write --where state=STATE")
    return value.strip()


def _print_preview(preview: changes.MigrationPreview, as_json: bool) -> None:
    if as_json:
        console.print_json(data=preview.to_json())
        return
    table = Table("Case", "From", "To", "Result", "Why / warnings", title="Dry run")
    for c in preview.cases:
        notes = "; ".join(n.text for n in (*c.reasons, *c.warnings))
        table.add_row(
            Text(c.journal_no),
            Text(c.from_state),
            Text(c.to_state or "—"),
            str(c.verdict),
            Text(notes),
        )
    console.print(table)
    t = preview.totals
    console.print(
        f"{t['cases']} case(s): {t['ok']} ok, {t['blocked']} blocked, "
        f"{t['with_warnings']} with warnings; nothing was changed",
        markup=False,
    )
    if preview.refused:
        console.print("the run would be refused: map every state marked blocked", markup=False)


def _print_report(report: changes.MigrationReport, as_json: bool) -> None:
    if as_json:
        console.print_json(data=report.to_json())
        return
    m = report.migration
    console.print(
        f"migration {m.id}: {report.moved} case(s) moved in {report.batches} batch(es), "
        f"{len(report.failed)} failed; status {m.status}",
        markup=False,
    )
    for journal_no, why in report.failed:
        console.print(f"  failed {journal_no}: {why}", markup=False)


@workflow_app.command("migrations")
def migrations(
    migration_id: Annotated[int | None, typer.Argument(help="Show one, with its cases.")] = None,
    workflow: Annotated[str | None, typer.Option("--workflow")] = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Migrations: plan, who ran it, status and counts; one with its per-case log."""
    ctx, actor = state().acting(as_user)
    if migration_id is not None:
        shown = changes.show_migration(ctx, actor, migration_id)
        if as_json:
            console.print_json(data=shown.to_json())
            return
        _print_migrations([shown.migration])
        log = Table("Case", "Outcome", "From", "To", "Note", title="Cases")
        for c in shown.cases:
            note = "; ".join((*([c.message] if c.message else []), *(n.text for n in c.warnings)))
            log.add_row(
                Text(c.journal_no), str(c.outcome), Text(c.from_state), Text(c.to_state), Text(note)
            )
        console.print(log)
        return
    found = changes.list_migrations(ctx, actor, workflow)
    if as_json:
        console.print_json(data=[changes.migration_json(m) for m in found])
        return
    _print_migrations(found)


def _print_migrations(found: list[MigrationRecord]) -> None:
    table = Table("#", "Workflow", "To", "Plan", "By", "Status", "Moved", "Failed", "When")
    for m in found:
        plan = ", ".join(f"{k}={v}" for k, v in dict(m.plan.get("map", {})).items()) or "same names"
        table.add_row(
            str(m.id),
            Text(m.workflow_id),
            m.to_version[:12],
            Text(plan),
            Text(m.actor),
            str(m.status),
            str(m.moved),
            str(m.failed),
            m.created_at.date().isoformat(),
        )
    console.print(table)
