"""``caseflow worker``: apply due deadlines and deliver notifications, once or for ever.

A worker runs for months, so it imports only what it uses: the commands that read what
it works on (``caseflow deadlines``, ``caseflow notifications``) are modules of their
own, and the digest's machinery is imported when the morning's digest is due.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated

import typer

from caseflow.cli.app import app, console, console_err, state
from caseflow.context import DEFAULT_LEASE, Context
from caseflow.deadlines.sole import sole_dispatcher
from caseflow.deadlines.worker import Worker, configure_logging
from caseflow.engine import Engine

DAY_SECONDS = 24 * 60 * 60  # the longest poll and lease: longer is a mistake, not a setting


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
        daily=_daily_job(ctx),
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


def _daily_job(ctx: Context) -> Callable[[], object]:
    """The secretariats' digests, queued each morning."""

    def queue_digests() -> object:
        # Imported when the morning comes: the digest brings the agenda and the
        # organisation file's reader, which an idle worker does not need.
        from caseflow.notifications.digest import enqueue_digests

        return enqueue_digests(ctx.engine, ctx.calendars, language=ctx.language)

    return queue_digests


def _checkpoint_job(ctx: Context) -> tuple[Callable[[], object], timedelta] | None:
    """The records checkpoint on the settings' schedule (records_checkpoint_minutes)."""
    minutes = ctx.settings.records_checkpoint_minutes
    if minutes is None:
        return None
    from caseflow.services import records

    return (lambda: records.scheduled_checkpoint(ctx)), timedelta(minutes=minutes)
