"""``caseflow incidents``: deadlines and notifications that failed too often, and retrying them.

A deadline whose application keeps failing (an unloadable workflow version, an
error in a hook) becomes an incident after CASEFLOW_MAX_ATTEMPTS tries, and a
notification that cannot be delivered is marked failed; the worker leaves both
alone from then on. They are listed here with their last error, and re-opened
by an administrator or a secretariat once the cause is fixed.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import Connection

from caseflow.cli.app import AsOption, JsonOption, app, console, state
from caseflow.cli.worker import visible_notifications
from caseflow.domain import Actor
from caseflow.errors import InvalidInput, NotFound
from caseflow.policy import readable_case_ids, require_operator
from caseflow.store import cases as case_rows
from caseflow.store import deadlines as deadline_rows
from caseflow.store import outbox
from caseflow.store.db import read_transaction
from caseflow.store.tables import OUTBOX_FAILED

incidents_app = typer.Typer(
    help="Deadlines and notifications that need a person.", no_args_is_help=True
)
app.add_typer(incidents_app, name="incidents")

_ID = re.compile(r"([DN])-?(\d+)", re.IGNORECASE)


@dataclass(frozen=True)
class Incident:
    id: str  # D-42 (deadline 42) or N-17 (outbox row 17)
    kind: str  # deadline | notification
    journal_no: str | None
    what: str
    attempts: int
    last_error: str | None


def find(conn: Connection, reader: Actor) -> list[Incident]:
    """The incidents of the cases ``reader`` may see (those of no case: only with a role
    without scope)."""
    deadlines = deadline_rows.incidents(conn)
    if not reader.sees_every_case:
        readable = readable_case_ids(conn, reader, (r.case_id for r, _ in deadlines))
        deadlines = [(r, journal_no) for r, journal_no in deadlines if r.case_id in readable]
    failed = reversed(visible_notifications(conn, reader, [OUTBOX_FAILED], limit=10_000))
    found = [
        Incident(
            f"D-{record.id}",
            "deadline",
            journal_no,
            f"deadline '{record.rule_id}'",
            record.attempts,
            record.last_error,
        )
        for record, journal_no in deadlines
    ]
    journal_nos: dict[int, str] = {}
    for record in failed:
        journal_no = None
        if record.case_id is not None:
            if record.case_id not in journal_nos:
                journal_nos[record.case_id] = case_rows.get_by_id(conn, record.case_id).journal_no
            journal_no = journal_nos[record.case_id]
        to = ", ".join(str(r["address"]) for r in record.recipients)
        found.append(
            Incident(
                f"N-{record.id}",
                "notification",
                journal_no,
                f"{record.template} to {to} ({record.key})",
                record.attempts,
                record.last_error,
            )
        )
    return found


@incidents_app.command("list")
def incidents_list(as_user: AsOption = None, as_json: JsonOption = False) -> None:
    """Deadlines in incident and notifications that failed, with their last error
    (administrator or secretariat: of the cases you may see)."""
    cli = state()
    engine = cli.engine()
    reader = cli.actor(engine, as_user)
    require_operator(reader, "look into incidents")
    with read_transaction(engine.db) as conn:
        found = find(conn, reader)
    if as_json:
        console.print_json(data=[asdict(incident) for incident in found])
        return
    table = Table("ID", "Case", "What", "Tries", "Last error")
    for incident in found:
        table.add_row(
            incident.id,
            incident.journal_no or "",
            incident.what,
            str(incident.attempts),
            incident.last_error or "",
        )
    console.print(table)
    console.print(f"{len(found)} incident(s); `caseflow incidents retry ID|--all` re-opens them")


@incidents_app.command("retry")
def incidents_retry(
    ids: Annotated[
        list[str] | None, typer.Argument(help="Incidents to retry, e.g. D-42 N-17.")
    ] = None,
    retry_all: Annotated[bool, typer.Option("--all", help="Retry every incident.")] = False,
    as_user: AsOption = None,
) -> None:
    """Re-open incidents for the worker (administrator or secretariat: those of the cases
    you may see)."""
    if not ids and not retry_all:
        raise InvalidInput("say which incidents to retry (e.g. D-42 N-17), or give --all")
    cli = state()
    engine = cli.engine()
    actor = cli.actor(engine, as_user)
    require_operator(actor, "retry incidents")
    deadlines, notifications = (None, None) if retry_all else parse_ids(ids or [])
    asked = len(deadlines or []) + len(notifications or [])
    now = engine.clock.now()
    with engine.transaction() as conn:
        if not actor.sees_every_case:
            deadlines, notifications = _within_sight(conn, actor, deadlines, notifications)
        reopened = deadline_rows.reopen_incidents(conn, now, deadlines) if deadlines != [] else []
        queued = outbox.retry_failed(conn, now, ids=notifications) if notifications != [] else 0
        if not retry_all and len(reopened) + queued < asked:
            raise NotFound(
                f"{asked - len(reopened) - queued} of the incidents given are not (or no longer) "
                "incidents you may see; `caseflow incidents list` shows those there are"
            )
    console.print(
        f"{len(reopened)} deadline(s) re-opened, {queued} notification(s) queued again; "
        "the worker takes them up on its next round"
    )


def _within_sight(
    conn: Connection,
    actor: Actor,
    deadlines: list[int] | None,
    notifications: list[int] | None,
) -> tuple[list[int], list[int]]:
    """Of the incidents asked for (None: all), the ids of those ``actor`` may see."""
    seen = parse_ids([incident.id for incident in find(conn, actor)])
    return (
        [i for i in seen[0] if deadlines is None or i in deadlines],
        [i for i in seen[1] if notifications is None or i in notifications],
    )


def parse_ids(texts: list[str]) -> tuple[list[int], list[int]]:
    """``D-42`` and ``N-17`` into (deadline ids, outbox ids)."""
    deadlines: list[int] = []
    notifications: list[int] = []
    for text in texts:
        match = _ID.fullmatch(text.strip())
        if match is None:
            raise InvalidInput(
                f"{text!r} is not an incident ID; write D-42 for a deadline or N-17 for a "
                "notification, as `caseflow incidents list` shows them"
            )
        (deadlines if match[1].upper() == "D" else notifications).append(int(match[2]))
    return deadlines, notifications
