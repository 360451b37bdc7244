"""``caseflow demo``: replay case 2009-68440 on a fresh embedded database."""

from __future__ import annotations

import tempfile
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from caseflow import organisation
from caseflow.calendar import COPENHAGEN_RULES
from caseflow.cli.app import app, console, state
from caseflow.cli.render import describe_entry, local, print_case, print_history
from caseflow.clock import FakeClock
from caseflow.demo import scenario
from caseflow.engine import Engine
from caseflow.registry import WorkflowRegistry
from caseflow.runtime import with_deadlines
from caseflow.store import migrate
from caseflow.store import organisation as org_rows
from caseflow.store.db import make_engine, read_transaction, write_transaction

DATA_FILE = "copenhagen.yaml"


@app.command("demo")
def demo(
    db: Annotated[
        Path | None,
        typer.Option("--db", help="SQLite file to use (default: one in a new temporary folder)."),
    ] = None,
) -> None:
    """Replay the reference scenario (case 2009-68440, May-November 2009) and print it."""
    folder = Path(tempfile.mkdtemp(prefix="caseflow-demo-")) if db is None else db.parent
    path = db or folder / "caseflow.db"
    if path.exists():
        raise typer.BadParameter(
            f"{path} exists; the demo needs a fresh database file", param_hint="--db"
        )
    folder.mkdir(parents=True, exist_ok=True)
    sa_engine = make_engine(f"sqlite:///{path.resolve()}")
    migrate.upgrade(sa_engine)
    data = resources.files("caseflow.demo").joinpath(DATA_FILE)
    with resources.as_file(data) as data_path:
        spec = organisation.load_file(data_path)
    with write_transaction(sa_engine) as conn:
        organisation.store(conn, spec)
    clock = FakeClock(scenario.STEPS[0].at)
    engine = Engine(sa_engine, WorkflowRegistry(state().settings.workflows_dir), clock)
    with_deadlines(engine, COPENHAGEN_RULES)
    console.rule("caseflow demo: case 2009-68440, City of Copenhagen")
    console.print(
        f"database {path}\nloaded {len(spec.administrations)} administrations, "
        f"{len(spec.committees)} committees, {len(spec.steering_groups)} steering group, "
        f"{len(spec.actors)} people from {DATA_FILE}\n"
    )
    timeline = Table("When (Copenhagen)", "Who", "What happened", "Recorded by the engine")
    prior = None
    for step, case in scenario.run(engine, clock):
        if prior is None:
            prior = case.fields.get("prior_discussions", [])
            for discussion in prior:
                timeline.add_row(
                    discussion["date"],
                    discussion["committee"],
                    "discussed the issue first",
                    "(prior discussion, kept on the case)",
                )
        entry = engine.history(case.journal_no)[-1]
        who = engine.actor(step.actor).name
        timeline.add_row(
            local(entry.at), who, step.narration, f"{describe_entry(entry)} [v{case.version}]"
        )
    console.print(timeline)
    final = engine.get_case(scenario.JOURNAL_NO)
    with read_transaction(sa_engine) as conn:
        groups = {g["code"]: g for g in org_rows.list_steering_groups(conn)}
    group = groups.get(str(final.fields.get("steering_group")))
    if group is not None:
        members = ", ".join(m["administration"] for m in group["members"])
        console.print(f"\nFollow-up by {group['name']} ({len(group['members'])}: {members})")
    console.print()
    print_case(console, final, engine.workflow_of(final).definition)
    console.print()
    print_history(console, final.journal_no, engine.history(final.journal_no))
    report = engine.verify_audit([final.journal_no])[0]
    verdict = "intact" if report.ok else "; ".join(report.problems)
    console.print(f"audit chain of {final.journal_no}: {verdict} ({report.rows} rows)")
    console.print(
        f"\nThe case is now in [bold cyan]{final.state}[/]. Explore it further with:\n"
        f"  caseflow --db {path} case show {final.journal_no} --as tmf.styregruppe"
    )
    engine.close()
