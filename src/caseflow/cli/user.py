"""``caseflow user``: sign-in for the web app: passwords, API tokens, sessions.

The rules (who may do what, the password rules, the lock): :mod:`caseflow.services.accounts`.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from caseflow.cli.app import AsOption, JsonOption, app, console, console_err, state
from caseflow.cli.render import local
from caseflow.services import accounts

user_app = typer.Typer(
    help="Sign-in for the web app: passwords, API tokens, sessions.", no_args_is_help=True
)
token_app = typer.Typer(help="API tokens: for scripts and other systems.", no_args_is_help=True)
app.add_typer(user_app, name="user")
user_app.add_typer(token_app, name="token")

ForOption = Annotated[
    str | None,
    typer.Option("--for", help="Another user's (an administrator's; default: your own)."),
]
AllOption = Annotated[bool, typer.Option("--all", help="Every user's (an administrator's).")]


@user_app.command("set-password")
def set_password(
    username: Annotated[str, typer.Argument(help="Whose password: yours, or (administrator) any.")],
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the password from one line of standard input."),
    ] = False,
    as_user: AsOption = None,
) -> None:
    """Set a password for the web app: your own, or (an administrator) anyone's.

    At least 12 characters, not the username, not one character repeated. It ends the
    user's sessions and lifts a lock. Without --password-stdin it asks twice, hidden.
    """
    ctx, actor = state().acting(as_user)
    if password_stdin:
        password = sys.stdin.readline().removesuffix("\n").removesuffix("\r")
    else:
        password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    accounts.set_password(ctx, actor, username, password, client="caseflow user set-password")
    console.print(f"password of {username} set")


@user_app.command("disable")
def disable(username: str, as_user: AsOption = None) -> None:
    """Disable a user (an administrator's): sessions end, API tokens are revoked.

    Both at once; the user cannot sign in until enabled again. The last enabled
    administrator cannot be disabled.
    """
    ctx, actor = state().acting(as_user)
    accounts.disable_user(ctx, actor, username, client="caseflow user disable")
    console.print(f"{username} is disabled: sessions ended, API tokens revoked")


@user_app.command("enable")
def enable(username: str, as_user: AsOption = None) -> None:
    """Let a disabled user sign in again (an administrator's); revoked tokens stay revoked."""
    ctx, actor = state().acting(as_user)
    accounts.enable_user(ctx, actor, username, client="caseflow user enable")
    console.print(f"{username} is enabled")


@user_app.command("sessions")
def sessions(
    for_user: ForOption = None,
    every_user: AllOption = False,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """The open web sessions, newest first (yours, or an administrator's choice)."""
    ctx, actor = state().acting(as_user)
    found = accounts.list_sessions(ctx, actor, for_user, every_user=every_user)
    if as_json:
        console.print_json(data=[s.to_json() for s in found])
        return
    table = Table("ID", "User", "Via", "Signed in", "Last seen", "Ends", "Client")
    for s in found:
        table.add_row(
            str(s.id),
            Text(s.username),
            str(s.via),
            local(s.created_at),
            local(s.last_seen_at),
            local(s.expires_at),
            Text(s.client),
        )
    console.print(table)
    console.print(f"{len(found)} open session(s)")


@user_app.command("sign-out-everywhere")
def sign_out_everywhere(
    username: Annotated[
        str | None, typer.Argument(help="Whose (an administrator's; default: yours).")
    ] = None,
    as_user: AsOption = None,
) -> None:
    """End every web session of yours (or, an administrator, of USER)."""
    ctx, actor = state().acting(as_user)
    ended = accounts.sign_out_everywhere(
        ctx, actor, username, client="caseflow user sign-out-everywhere"
    )
    console.print(f"{ended} session(s) of {username or actor.username} ended")


@user_app.command("events")
def events(
    username: Annotated[
        str | None, typer.Argument(help="Whose (an administrator's; default: yours).")
    ] = None,
    every_user: AllOption = False,
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 100,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Account events, newest first (yours, or an administrator's choice).

    Passwords set, sign-ins and failed ones, locks, sign-outs, tokens issued and
    revoked, users disabled and enabled: who, when, from where.
    """
    ctx, actor = state().acting(as_user)
    found = accounts.account_events(ctx, actor, username, limit, every_user=every_user)
    if as_json:
        console.print_json(data=[e.to_json() for e in found])
        return
    table = Table("When (Copenhagen)", "What", "User", "By", "Client", "Detail")
    for event in found:
        table.add_row(
            local(event.at),
            str(event.kind).replace("_", " "),
            Text(event.username),
            Text(event.actor),
            Text(event.client),
            Text(event.detail or ""),
        )
    console.print(table)
    console.print(f"{len(found)} event(s)")


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Argument(help="What it is for, e.g. 'nightly report'.")],
    days: Annotated[int, typer.Option(help="Valid for this many days (1 to 365).")] = 90,
    for_user: ForOption = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Issue an API token and print its secret, once: it cannot be shown again."""
    ctx, actor = state().acting(as_user)
    issued = accounts.issue_token(
        ctx, actor, name, days=days, username=for_user, client="caseflow user token create"
    )
    if as_json:
        console.print_json(
            data={
                "id": issued.id,
                "name": issued.name,
                "secret": issued.secret,
                "expires_at": issued.expires_at.isoformat(),
            }
        )
    else:
        console.print(issued.secret, markup=False, highlight=False, soft_wrap=True)
    console_err.print(
        f"API token {issued.id} {issued.name!r} for {for_user or actor.username}, valid until "
        f"{local(issued.expires_at)}. Copy the secret now: it is not stored and cannot be "
        "shown again.",
        markup=False,
        highlight=False,
    )


@token_app.command("list")
def token_list(
    for_user: ForOption = None,
    every_user: AllOption = False,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """API tokens without their secrets, newest first (yours, or an administrator's)."""
    ctx, actor = state().acting(as_user)
    found = accounts.list_tokens(ctx, actor, for_user, every_user=every_user)
    now = datetime.now(UTC)
    if as_json:
        console.print_json(data=[t.to_json() | {"status": t.status(now)} for t in found])
        return
    table = Table("ID", "User", "Name", "Status", "Created", "Expires", "Last used")
    for t in found:
        table.add_row(
            str(t.id),
            Text(t.username),
            Text(t.name),
            t.status(now),
            local(t.created_at),
            local(t.expires_at),
            local(t.last_used_at) if t.last_used_at else "never",
        )
    console.print(table)
    console.print(f"{len(found)} token(s)")


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[int, typer.Argument(metavar="ID", help="As `token list` shows it.")],
    as_user: AsOption = None,
) -> None:
    """Revoke an API token (yours, or an administrator: anyone's); it works no more."""
    ctx, actor = state().acting(as_user)
    accounts.revoke_token(ctx, actor, token_id, client="caseflow user token revoke")
    console.print(f"API token {token_id} revoked")
