"""``caseflow demo``: replay case 2009-68440 on a fresh embedded database."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from caseflow.cli.agenda import print_course
from caseflow.cli.app import app, console, state
from caseflow.cli.render import describe_entry, local, print_case, print_history
from caseflow.clock import FakeClock
from caseflow.context import Context
from caseflow.deadlines.worker import CycleReport, Worker
from caseflow.demo import scenario, setup
from caseflow.documents.config import load_config
from caseflow.documents.render import DocumentRenderer
from caseflow.documents.service import meeting_documents
from caseflow.engine import Engine
from caseflow.meetings import report
from caseflow.notifications.channels import Channel, FileChannel, SmtpSettings
from caseflow.notifications.message import Recipient


@app.command("demo")
def demo(
    db: Annotated[
        Path | None,
        typer.Option("--db", help="SQLite file to use (default: one in a new temporary folder)."),
    ] = None,
) -> None:
    """Replay the reference scenario (case 2009-68440, May 2009 to December 2010) and print it."""
    folder = Path(tempfile.mkdtemp(prefix="caseflow-demo-")) if db is None else db.parent
    path = db or folder / "caseflow.db"
    if path.exists():
        raise typer.BadParameter(
            f"{path} exists; the demo needs a fresh database file", param_hint="--db"
        )
    folder.mkdir(parents=True, exist_ok=True)
    clock = FakeClock(scenario.STEPS[0].at)
    prepared = setup.prepare(state().settings, f"sqlite:///{path.resolve()}", clock)
    ctx, spec = prepared.ctx, prepared.organisation
    engine = ctx.engine
    console.rule("caseflow demo: case 2009-68440, City of Copenhagen")
    console.print(
        f"database {path}\nloaded {len(spec.administrations)} administrations, "
        f"{len(spec.committees)} committees, {len(spec.steering_groups)} steering group, "
        f"{len(spec.actors)} people from {setup.DATA_FILE}; "
        f"{prepared.meetings} meetings of BIU, TMU, ØU and BR from {setup.PLAN_FILE}\n"
    )
    mail_dir = folder / "mail"
    worker = _demo_worker(ctx, mail_dir)
    timeline = Table("When (Copenhagen)", "Who", "What happened", "Recorded by the engine")
    prior = None
    for step, case in scenario.run(
        ctx, clock, lambda: _add_worker_rows(timeline, worker.run_once(), clock)
    ):
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
        _add_worker_rows(timeline, worker.run_once(), clock)
    for moment in scenario.LATER:
        clock.set(moment)
        _add_worker_rows(timeline, worker.run_once(), clock)
    console.print(timeline)
    mails = sorted(mail_dir.glob("*.eml")) if mail_dir.is_dir() else []
    console.print(f"{len(mails)} e-mail(s) delivered to {mail_dir} (or to SMTP if configured)")
    final = engine.get_case(scenario.JOURNAL_NO)
    group = setup.steering_group(ctx, str(final.fields.get("steering_group")))
    if group is not None:
        seats = [str(m["administration"]) for m in group["members"]]
        console.print(
            f"\nFollow-up by {group['name']} ({len(seats)}: {', '.join(seats)})", markup=False
        )
    console.print()
    print_case(console, final, engine.workflow_of(final).definition)
    console.print()
    print_history(console, final.journal_no, engine.history(final.journal_no))
    console.print("\nThe case's course (sagens gang):")
    print_course(report.course(engine, final.journal_no, engine.actor("admin")))
    _print_documents(engine, folder)
    audit = engine.verify_audit([final.journal_no])[0]
    verdict = "intact" if audit.ok else "; ".join(audit.problems)
    console.print(f"audit chain of {final.journal_no}: {verdict} ({audit.rows} rows)")
    console.print(
        f"\nThe case is now in {final.state}. Explore it further with:\n"
        f"  caseflow --db {path} case show {final.journal_no} --as tmf.styregruppe"
    )
    _print_sign_in(path, prepared.users)
    engine.close()


def _print_sign_in(path: Path, users: Sequence[setup.DemoUser]) -> None:
    """How to open the web app on the demo database, and whom to sign in as."""
    console.print("\nOr in the web app, signed in as one of the demo users below:")
    console.print(f"caseflow serve --db {path}", markup=False, highlight=False, soft_wrap=True)
    table = Table(title="Demo users (public passwords)")
    table.add_column("User", no_wrap=True)
    table.add_column("Role", overflow="fold")
    table.add_column("Password", no_wrap=True)  # never cut short: it is to be typed
    for user in users:
        table.add_row(Text(user.username), Text(", ".join(user.roles)), Text(user.password))
    console.print(table)


def _print_documents(engine: Engine, folder: Path) -> None:
    """The first treatment as the public reads it, and both agendas and minutes as files."""
    config = load_config()
    first = scenario.meeting_id(engine, "BIU 2009-06-11")
    renderer = DocumentRenderer(config=config)
    for name in ("BIU 2009-06-11", "BIU 2009-11-05"):
        meeting = scenario.meeting_id(engine, name)
        document = meeting_documents(engine, meeting, config, public=True)
        stem = name.replace(" ", "-")
        (folder / f"{stem}-dagsorden.html").write_text(
            str(renderer.agenda(document.agenda, "html", "da", public=True)), encoding="utf-8"
        )
        (folder / f"{stem}-referat.html").write_text(
            str(renderer.minutes(document, "html", "da", public=True)), encoding="utf-8"
        )
        if meeting == first:
            (item,) = [i for i in document.agenda.items if i.journal_no == scenario.JOURNAL_NO]
            console.rule(f"The item on {name}, as the public version prints it")
            console.print(
                str(renderer.item(item, "md", "da", public=True)), markup=False, highlight=False
            )
    console.print(f"agendas and minutes of both meetings as HTML in {folder}")


def _demo_worker(ctx: Context, mail_dir: Path) -> Worker:
    """The worker the demo runs after each step: mail to files unless SMTP is configured."""
    if SmtpSettings.from_env(os.environ) is None:
        channel: Channel = FileChannel(mail_dir)
        sender = Recipient("caseflow@kk.example", "caseflow")
    else:
        channel, sender = ctx.channel()
    return Worker(ctx.dispatcher(owner="demo"), ctx.sender(channel=channel, sender=sender))


def _add_worker_rows(timeline: Table, report: CycleReport, clock: FakeClock) -> None:
    for line in report.deadlines.lines:
        timeline.add_row(local(clock.now()), "caseflow worker", "a deadline needed attention", line)
    sent = report.notifications
    if sent.sent or sent.failed:
        timeline.add_row(
            local(clock.now()),
            "caseflow worker",
            "notifications delivered",
            f"{sent.sent} sent, {sent.failed} failed",
        )
