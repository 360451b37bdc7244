"""``caseflow org history``: who changed the organisation, when, and from what to what
(who may read it: :func:`caseflow.policy.org_history_kinds`)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from caseflow.cli.app import AsOption, JsonOption, console, state
from caseflow.cli.paging import DEFAULT_LIMIT, CursorOption, LimitOption, print_more
from caseflow.cli.render import local
from caseflow.cli.setup import org_app
from caseflow.services import org_history as history_service
from caseflow.services.org_history import OrgChange
from caseflow.services.paging import PageRequest


@org_app.command("history")
def history(
    committee: Annotated[str | None, typer.Option(help="Only this committee's changes.")] = None,
    administration: Annotated[
        str | None, typer.Option(help="Only this administration's changes.")
    ] = None,
    steering_group: Annotated[
        str | None, typer.Option(help="Only this steering group's changes.")
    ] = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
    cursor: CursorOption = None,
    limit: LimitOption = DEFAULT_LIMIT,
) -> None:
    """Changes to the organisation, oldest first: who, when, through what, old → new
    (--as an administrator, or a secretariat: all but the actors' changes), a page at a
    time."""
    query = history_service.HistoryQuery.of_one(
        PageRequest(limit, cursor),
        committee=committee,
        administration=administration,
        steering_group=steering_group,
    )
    cli = state()
    ctx = cli.context()
    found = history_service.org_history_of(ctx, cli.actor(ctx.engine, as_user), query)
    changes = found.changes
    if as_json:
        console.print_json(data=found.to_json())
        print_more(found.page.next_cursor, as_json=True)
        return
    table = Table("When (Copenhagen)", "Who", "What", "Change", "Via")
    for change in changes:
        table.add_row(
            local(change.at),
            Text(change.actor),
            Text(f"{change.kind.replace('_', ' ')} {change.code}"),
            Text(describe(change)),
            Text(change.via),
        )
    console.print(table)
    console.print(f"{len(changes)} change{'s' if len(changes) != 1 else ''}")
    print_more(found.page.next_cursor)


def describe(change: OrgChange) -> str:
    """``chair: Formand for BIU → Ny formand``, one line per value that changed."""
    if change.old is None:
        return "added"
    return "\n".join(f"{c.field}: {_moved(c.old, c.new)}" for c in change.differences())


def _moved(old: Any, new: Any) -> str:
    if isinstance(old, list) and isinstance(new, list):  # members, roles: what came and went
        gone = [f"-{_shown(item)}" for item in old if item not in new]
        came = [f"+{_shown(item)}" for item in new if item not in old]
        return ", ".join(came + gone) or "reordered"
    return f"{_shown(old)} → {_shown(new)}"


def _shown(value: Any) -> str:
    """A value as a person reads it; a steering-group seat as ``BIF (bif.chef)``."""
    if value is None:
        return "(none)"
    if isinstance(value, dict) and value:
        first, *rest = [_shown(v) for v in value.values() if v is not None] or ["(none)"]
        return f"{first} ({', '.join(rest)})" if rest else first
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
