"""``caseflow org history``: who changed the organisation, when, and from what to what."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from caseflow.cli.app import JsonOption, console, state
from caseflow.cli.render import local
from caseflow.cli.setup import org_app
from caseflow.errors import InvalidInput
from caseflow.store import org_history
from caseflow.store.db import read_transaction


@org_app.command("history")
def history(
    committee: Annotated[str | None, typer.Option(help="Only this committee's changes.")] = None,
    administration: Annotated[
        str | None, typer.Option(help="Only this administration's changes.")
    ] = None,
    steering_group: Annotated[
        str | None, typer.Option(help="Only this steering group's changes.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Changes to the organisation, oldest first: who, when, through what, old → new."""
    wanted = [
        (kind, code)
        for kind, code in (
            ("committee", committee),
            ("administration", administration),
            ("steering_group", steering_group),
        )
        if code
    ]
    if len(wanted) > 1:
        raise InvalidInput("give one of --committee, --administration and --steering-group")
    kind, code = wanted[0] if wanted else (None, None)
    engine = state().engine()
    with read_transaction(engine.db) as conn:
        changes = org_history.search(conn, kind=kind, code=code)
    if as_json:
        console.print_json(data=[change_json(change) for change in changes])
        return
    table = Table("When (Copenhagen)", "Who", "What", "Change", "Via")
    for change in changes:
        table.add_row(
            local(change.at),
            escape(change.actor),
            f"{change.kind.replace('_', ' ')} {escape(change.code)}",
            escape(describe(change)),
            escape(change.via),
        )
    console.print(table)
    console.print(f"{len(changes)} change{'s' if len(changes) != 1 else ''}")


def change_json(change: org_history.OrgChange) -> dict[str, Any]:
    return {
        "id": change.id,
        "at": change.at.isoformat(),
        "actor": change.actor,
        "via": change.via,
        "kind": change.kind,
        "code": change.code,
        "old": change.old,
        "new": change.new,
        "changes": [{"field": d.field, "old": d.old, "new": d.new} for d in change.differences()],
    }


def describe(change: org_history.OrgChange) -> str:
    """``chair: Formand for BIU → Ny formand``, one line per value that changed."""
    if change.old is None:
        return "added"
    return "\n".join(f"{d.field}: {_moved(d.old, d.new)}" for d in change.differences())


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
