"""``caseflow worker``, ``caseflow deadlines ...`` and ``caseflow notifications ...``."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import timedelta
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy import Connection

from caseflow.calendar import end_of_day_utc, local_date
from caseflow.cli.app import AsOption, JsonOption, app, console, console_err, state
from caseflow.cli.render import local
from caseflow.context import DEFAULT_LEASE
from caseflow.deadlines.labels import Label, Labels
from caseflow.deadlines.owners import owner_text
from caseflow.deadlines.sole import sole_dispatcher
from caseflow.deadlines.worker import Worker
from caseflow.domain import Actor
from caseflow.engine import Engine
from caseflow.errors import InvalidInput
from caseflow.notifications.digest import DEFAULT_DAYS, enqueue_digests
from caseflow.policy import readable_case_ids, require_may_read, require_operator
from caseflow.store import cases as case_rows
from caseflow.store import deadlines as deadline_rows
from caseflow.store import outbox
from caseflow.store.db import read_transaction
from caseflow.store.tables import OUTBOX_FAILED

deadlines_app = typer.Typer(help="Deadlines of cases.", no_args_is_help=True)
notifications_app = typer.Typer(help="The notification outbox.", no_args_is_help=True)
app.add_typer(deadlines_app, name="deadlines")
app.add_typer(notifications_app, name="notifications")


@app.command("worker")
def worker(
    once: Annotated[bool, typer.Option("--once", help="Process what is due now and exit.")] = False,
    poll: Annotated[int, typer.Option(help="Seconds between safety polls.")] = 30,
    lease: Annotated[
        float, typer.Option(help="Seconds a claim is held; a dead worker's claims free after it.")
    ] = DEFAULT_LEASE.total_seconds(),
) -> None:
    """Apply due deadlines and deliver notifications (for ever, or --once)."""
    ctx = state().context()
    engine = ctx.engine
    runner = Worker(
        ctx.dispatcher(timedelta(seconds=lease)),
        ctx.sender(timedelta(seconds=lease)),
        poll=timedelta(seconds=poll),
        daily=lambda: enqueue_digests(engine, ctx.calendars, language=ctx.language),
    )
    with sole_dispatcher(engine.db.url, lambda text: console_err.print(text, highlight=False)):
        _run(runner, engine, once=once)


def _run(runner: Worker, engine: Engine, *, once: bool) -> None:
    if once:
        report = runner.run_once()
        for line in report.deadlines.lines + report.notifications.lines:
            console.print(line, highlight=False)
        d, n = report.deadlines, report.notifications
        console.print(
            f"deadlines: {d.reminders} reminder(s), {d.expired} expired, {d.stale} stale, "
            f"{d.failed} failed ({d.incidents} now incidents); notifications: {n.sent} sent, "
            f"{n.retried} to retry, {n.failed} failed"
        )
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    console.print(f"caseflow worker on {engine.db.url.render_as_string(hide_password=True)}")
    runner.run_forever()


def _within(text: str) -> int:
    match = re.fullmatch(r"(\d+)\s*d?", text.strip())
    if match is None:
        raise InvalidInput(f"--due-within {text!r}: give working days, e.g. 10d")
    return int(match[1])


@deadlines_app.command("list")
def deadlines_list(
    overdue: Annotated[bool, typer.Option("--overdue", help="Only those past due.")] = False,
    committee: Annotated[str | None, typer.Option(help="Only cases of this committee.")] = None,
    due_within: Annotated[
        str | None, typer.Option(help="Only due within N working days, e.g. 10d.")
    ] = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Open and paused deadlines of the cases you may see (--as), soonest first, by title
    and owner."""
    cli = state()
    engine = cli.engine()
    now = engine.clock.now()
    due_before = None
    if due_within is not None:
        last_day = engine.calendars.working.add(local_date(now), _within(due_within))
        due_before = end_of_day_utc(last_day)
    reader = cli.actor(engine, as_user)
    with read_transaction(engine.db) as conn:
        found = deadline_rows.search(
            conn,
            committee=committee,
            due_before=due_before,
            overdue_at=now if overdue else None,
        )
        cases = case_rows.heads(conn, {record.case_id for record, *_ in found})
        found = [row for row in found if reader.may_read(cases[row[0].case_id])]
        labels = Labels(conn, engine.registry, cli.settings.language)
        labelled = [(row, labels.of(row[0].rule_id, cases[row[0].case_id])) for row in found]
    if as_json:
        console.print_json(
            data=[
                {
                    "journal_no": j,
                    "title": t,
                    "committee": c,
                    "rule": r.rule_id,
                    "deadline": label.title,
                    "owner": label.owner,
                    "status": r.status,
                    "due_at": r.due_at.isoformat(),
                    "overdue": r.due_at < now,
                }
                for (r, j, t, c), label in labelled
            ]
        )
        return
    table = Table(
        "Journal no", "Title", "Deadline", "Owner", "Due (Copenhagen)", "Status", "Committee"
    )
    for (record, journal_no, title, committee_code), label in labelled:
        late = record.due_at < now
        due = local(record.due_at)
        table.add_row(
            journal_no,
            title,
            label.title,
            owner_text(label.owner) if label.owner else "-",
            f"[red]{due}[/]" if late else due,
            record.status + (" (overdue)" if late else ""),
            committee_code or "",
        )
    console.print(table)
    console.print(f"{len(found)} deadline(s)")


@deadlines_app.command("explain")
def deadlines_explain(
    journal_no: str, as_user: AsOption = None, as_json: JsonOption = False
) -> None:
    """How each deadline of a case was computed: rule, owner, calendar, legal source (--as:
    one who may see the case)."""
    cli = state()
    engine = cli.engine()
    reader = cli.actor(engine, as_user)
    with read_transaction(engine.db) as conn:
        case = case_rows.get(conn, journal_no)
        require_may_read(case, reader)
        records = deadline_rows.for_case(conn, case.id)
        explained = deadline_rows.explanations(conn, [record.id for record in records])
        labels = Labels(conn, engine.registry, cli.settings.language)
        labelled = [(record, labels.of(record.rule_id, case)) for record in records]
    if as_json:
        console.print_json(
            data=[
                _explained(record, label, explained.get(record.id, ()))
                for record, label in labelled
            ]
        )
        return
    if not records:
        console.print(f"{journal_no} has no deadlines")
    for record, label in labelled:
        console.print(
            f"[bold]{escape(label.title)}[/] — {record.status}, "
            f"due {local(record.due_at)} Copenhagen time"
        )
        if label.owner is not None:
            console.print(f"  owner: {owner_text(label.owner)}", highlight=False)
            console.print(f"  mail to: {_mail_to(label)}", highlight=False)
        for line in explained.get(record.id, ()):
            console.print(f"  {line}", highlight=False)
        for number, moment in enumerate(record.reminders_at, start=1):
            sent = "sent" if number <= record.reminders_sent else "to come"
            console.print(f"  reminder {number}: {local(moment)} ({sent})")


def _explained(
    record: deadline_rows.DeadlineRecord, label: Label, explanation: Sequence[str]
) -> dict[str, Any]:
    return {
        **label.json(),
        "status": record.status,
        "due_at": record.due_at.isoformat(),
        "explanation": list(explanation),
        "reminders": [
            {"at": moment.isoformat(), "sent": number <= record.reminders_sent}
            for number, moment in enumerate(record.reminders_at, start=1)
        ],
    }


def _mail_to(label: Label) -> str:
    """Where the owner's reminders go, and why there when it is not the owner's own box."""
    found = ", ".join(
        f"{a['name']} <{a['address']}>" if a.get("name") else str(a["address"])
        for a in label.notified
    )
    found = found or "nobody with an e-mail address"
    return f"{found} ({label.fallback})" if label.fallback else found


@notifications_app.command("list")
def notifications_list(
    failed: Annotated[bool, typer.Option("--failed", help="Only those that failed.")] = False,
    as_user: AsOption = None,
) -> None:
    """Notifications in the outbox, newest first (an administrator's or a secretariat's
    view: of the cases you may see)."""
    cli = state()
    engine = cli.engine()
    reader = cli.actor(engine, as_user)
    require_operator(reader, "look into the outbox")
    with read_transaction(engine.db) as conn:
        records = visible_notifications(conn, reader, [OUTBOX_FAILED] if failed else [])
    table = Table("Key", "Template", "To", "Status", "Tries", "Last error")
    for record in records:
        to = ", ".join(str(r["address"]) for r in record.recipients)
        table.add_row(
            record.key,
            record.template,
            to,
            record.status,
            str(record.attempts),
            record.last_error or "",
        )
    console.print(table)
    console.print(f"{len(records)} notification(s)")


def visible_notifications(
    conn: Connection, reader: Actor, statuses: list[str], limit: int = 200
) -> list[outbox.OutboxRecord]:
    """The newest ``limit`` outbox rows of ``statuses`` that ``reader`` may see: those of
    the cases it may see; rows of no case (digests) only with a role without scope."""
    if reader.sees_every_case:
        return outbox.search(conn, statuses=statuses, limit=limit)
    shown: list[outbox.OutboxRecord] = []
    offset = 0
    while len(shown) < limit:
        page = outbox.search(conn, statuses=statuses, limit=limit, offset=offset)
        readable = readable_case_ids(conn, reader, (record.case_id for record in page))
        shown += [record for record in page if record.case_id in readable]
        if len(page) < limit:
            break
        offset += limit
    return shown[:limit]


@notifications_app.command("digest")
def notifications_digest(
    days: Annotated[int, typer.Option(help="Working days ahead.")] = DEFAULT_DAYS,
    committee: Annotated[
        list[str] | None, typer.Option(help="Only this committee (repeatable).")
    ] = None,
) -> None:
    """Queue today's deadline digest for each committee secretariat (the worker sends it)."""
    cli = state()
    engine = cli.engine()
    keys = enqueue_digests(
        engine, engine.calendars, days=days, committees=committee, language=cli.settings.language
    )
    for key in keys:
        console.print(f"queued {key}")
    console.print(f"{len(keys)} digest(s) queued")


@notifications_app.command("retry")
def notifications_retry(
    keys: Annotated[
        list[str] | None, typer.Argument(help="Keys to retry; default: all failed.")
    ] = None,
    as_user: AsOption = None,
) -> None:
    """Put failed notifications back in the queue for the worker (administrator or
    secretariat: those of the cases you may see)."""
    cli = state()
    engine = cli.engine()
    actor = cli.actor(engine, as_user)
    require_operator(actor, "retry notifications")
    with engine.transaction() as conn:
        ids = None
        if not actor.sees_every_case:
            failed = visible_notifications(conn, actor, [OUTBOX_FAILED], limit=1_000_000)
            ids = [record.id for record in failed]
        count = outbox.retry_failed(conn, engine.clock.now(), keys, ids=ids)
    console.print(f"{count} notification(s) queued again")
