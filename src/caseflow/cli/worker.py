"""``caseflow worker``, ``caseflow deadlines ...`` and ``caseflow notifications ...``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated

import typer
from rich.text import Text

from caseflow.cli.app import AsOption, JsonOption, app, console, console_err, state
from caseflow.cli.output import print_table, say
from caseflow.cli.output import table as grid
from caseflow.cli.paging import DEFAULT_LIMIT, CursorOption, LimitOption, print_more
from caseflow.cli.render import local
from caseflow.cli.words import words
from caseflow.context import DEFAULT_LEASE, Context
from caseflow.deadlines.labels import Label
from caseflow.deadlines.owners import owner_text
from caseflow.deadlines.sole import sole_dispatcher
from caseflow.deadlines.worker import Worker, configure_logging
from caseflow.engine import Engine
from caseflow.notifications.digest import DEFAULT_DAYS, enqueue_digests
from caseflow.services import deadlines as deadline_service
from caseflow.services import notifications as notification_service
from caseflow.services.paging import PageRequest

deadlines_app = typer.Typer(help="Deadlines of cases.", no_args_is_help=True)
DAY_SECONDS = 24 * 60 * 60  # the longest poll and lease: longer is a mistake, not a setting
MAX_DIGEST_DAYS = 260  # a year of working days: a digest further ahead is no digest
notifications_app = typer.Typer(help="The notification outbox.", no_args_is_help=True)
app.add_typer(deadlines_app, name="deadlines")
app.add_typer(notifications_app, name="notifications")


@app.command("worker")
def worker(
    once: Annotated[bool, typer.Option("--once", help="Process what is due now and exit.")] = False,
    poll: Annotated[
        int, typer.Option(min=1, max=DAY_SECONDS, help="Seconds between safety polls.")
    ] = 30,
    lease: Annotated[
        float,
        typer.Option(
            min=1,
            max=DAY_SECONDS,
            help="Seconds a claim is held; a dead worker's claims free after it.",
        ),
    ] = DEFAULT_LEASE.total_seconds(),
    wait: Annotated[
        float,
        typer.Option(
            min=0,
            max=DAY_SECONDS,
            help="With --once: seconds to wait for another worker on the same SQLite "
            "database before giving up (exit code 9).",
        ),
    ] = 0,
) -> None:
    """Apply due deadlines and deliver notifications (for ever, or --once)."""
    ctx = state().context()
    engine = ctx.engine
    runner = Worker(
        ctx.dispatcher(timedelta(seconds=lease)),
        ctx.sender(timedelta(seconds=lease)),
        poll=timedelta(seconds=poll),
        daily=lambda: enqueue_digests(engine, ctx.calendars, language=ctx.language),
        checkpoint=_checkpoint_job(ctx),
    )
    with sole_dispatcher(
        engine.db.url, lambda text: console_err.print(text), wait=wait if once else None
    ):
        _run(runner, engine, once=once)


def _run(runner: Worker, engine: Engine, *, once: bool) -> None:
    if once:
        report = runner.run_once()
        for line in report.deadlines.lines + report.notifications.lines:
            console.print(line)
        d, n = report.deadlines, report.notifications
        console.print(
            f"deadlines: {d.reminders} reminder(s), {d.expired} expired, {d.stale} stale, "
            f"{d.failed} failed ({d.incidents} now incidents); notifications: {n.sent} sent, "
            f"{n.retried} to retry, {n.failed} failed"
        )
        return
    configure_logging()
    console.print(f"caseflow worker on {engine.db.url.render_as_string(hide_password=True)}")
    runner.run_forever()


@deadlines_app.command("list")
def deadlines_list(
    overdue: Annotated[bool, typer.Option("--overdue", help="Only those past due.")] = False,
    committee: Annotated[str | None, typer.Option(help="Only cases of this committee.")] = None,
    due_within: Annotated[
        str | None, typer.Option(help="Only due within N working days, e.g. 10d.")
    ] = None,
    cursor: CursorOption = None,
    limit: LimitOption = DEFAULT_LIMIT,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Open and paused deadlines of the cases you may see (--as), soonest first, by title
    and owner."""
    cli = state()
    ctx = cli.context()
    query = deadline_service.DeadlineQuery(
        overdue=overdue,
        committee=committee,
        due_within_days=None if due_within is None else deadline_service.working_days(due_within),
        page=PageRequest(limit, cursor),
    )
    page = deadline_service.list_deadlines(ctx, cli.actor(ctx.engine, as_user), query)
    if as_json:
        console.print_json(data=[deadline.to_json() for deadline in page.items])
        print_more(page.next_cursor, as_json=True)
        return
    table = grid(
        *words(
            ctx.language,
            "Journal no",
            "Title",
            "Deadline",
            "Owner",
            "Due (Copenhagen)",
            "Status",
            "Committee",
        ),
        ids=1,
    )
    for deadline in page.items:
        due = local(deadline.due_at)
        table.add_row(
            Text(deadline.journal_no),
            Text(deadline.title),
            Text(deadline.deadline),
            Text(owner_text(deadline.owner) if deadline.owner else "-"),
            Text(due, style="red") if deadline.overdue else due,
            deadline.status + (" (overdue)" if deadline.overdue else ""),
            Text(deadline.committee or ""),
        )
    print_table(table)
    console.print(f"{len(page.items)} deadline(s)")
    print_more(page.next_cursor)


@deadlines_app.command("explain")
def deadlines_explain(
    journal_no: str, as_user: AsOption = None, as_json: JsonOption = False
) -> None:
    """How each deadline of a case was computed: rule, owner, calendar, legal source (--as:
    one who may see the case)."""
    cli = state()
    ctx = cli.context()
    explained = deadline_service.explain_deadlines(ctx, cli.actor(ctx.engine, as_user), journal_no)
    if as_json:
        console.print_json(data=explained.to_json())
        return
    if not explained.deadlines:
        console.print(f"{explained.journal_no} has no deadlines")
    for deadline in explained.deadlines:
        label = deadline.label
        say(
            (label.title, "bold"),
            f" — {deadline.status}, due {local(deadline.due_at)} Copenhagen time",
        )
        if label.owner is not None:
            console.print(f"  owner: {owner_text(label.owner)}")
            console.print(f"  mail to: {_mail_to(label)}")
        for line in deadline.explanation:
            console.print(f"  {line}")
        for number, reminder in enumerate(deadline.reminders, start=1):
            console.print(f"  reminder {number}: {local(reminder.at)} ({reminder.status})")


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
    cursor: CursorOption = None,
    limit: LimitOption = DEFAULT_LIMIT,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Notifications in the outbox, newest first (an administrator's or a secretariat's
    view: of the cases you may see)."""
    cli = state()
    ctx = cli.context()
    page = notification_service.list_notifications(
        ctx,
        cli.actor(ctx.engine, as_user),
        notification_service.NotificationQuery(failed, PageRequest(limit, cursor)),
    )
    if as_json:
        console.print_json(data=[notification.to_json() for notification in page.items])
        print_more(page.next_cursor, as_json=True)
        return
    table = grid(
        *words(ctx.language, "Key", "Template", "To", "Status", "Tries", "Last error"), ids=1
    )
    for notification in page.items:
        table.add_row(
            Text(notification.key),
            Text(notification.template),
            Text(", ".join(notification.to)),
            notification.status,
            str(notification.attempts),
            Text(notification.last_error or ""),
        )
    print_table(table)
    console.print(f"{len(page.items)} notification(s)")
    print_more(page.next_cursor)


@notifications_app.command("digest")
def notifications_digest(
    days: Annotated[
        int, typer.Option(min=1, max=MAX_DIGEST_DAYS, help="Working days ahead (1 to 260).")
    ] = DEFAULT_DAYS,
    committee: Annotated[
        list[str] | None, typer.Option(help="Only this committee (repeatable).")
    ] = None,
    as_user: AsOption = None,
) -> None:
    """Queue today's deadline digest for each committee secretariat (the worker sends it;
    --as an administrator, or a secretariat for its own committees)."""
    cli = state()
    ctx = cli.context()
    queued = notification_service.queue_digests(
        ctx,
        cli.actor(ctx.engine, as_user),
        notification_service.DigestRequest(days, tuple(committee or ())),
    )
    for key in queued.keys:
        console.print(f"queued {key}")
    console.print(f"{len(queued.keys)} digest(s) queued")


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
    ctx = cli.context()
    retried = notification_service.retry_notifications(
        ctx, cli.actor(ctx.engine, as_user), notification_service.RetryRequest(tuple(keys or ()))
    )
    console.print(f"{retried.queued} notification(s) queued again")
    if retried.not_failed:
        console.print(
            f"not failed, so left as they are: {', '.join(retried.not_failed)}",
            markup=False,
            highlight=False,
        )


def _checkpoint_job(ctx: Context) -> tuple[Callable[[], object], timedelta] | None:
    """The records checkpoint on the settings' schedule (records_checkpoint_minutes)."""
    minutes = ctx.settings.records_checkpoint_minutes
    if minutes is None:
        return None
    from caseflow.services import records

    return (lambda: records.scheduled_checkpoint(ctx)), timedelta(minutes=minutes)
