"""``caseflow notifications ...``: the outbox (list, digest, retry)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.text import Text

from caseflow.cli.app import AsOption, JsonOption, app, console, state
from caseflow.cli.output import print_table
from caseflow.cli.output import table as grid
from caseflow.cli.paging import DEFAULT_LIMIT, CursorOption, LimitOption, print_more
from caseflow.cli.words import words
from caseflow.notifications.digest import DEFAULT_DAYS
from caseflow.services import notifications as notification_service
from caseflow.services.paging import PageRequest

MAX_DIGEST_DAYS = 260  # a year of working days: a digest further ahead is no digest
notifications_app = typer.Typer(help="The notification outbox.", no_args_is_help=True)
app.add_typer(notifications_app, name="notifications")


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
