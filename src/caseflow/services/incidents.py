"""Incidents: deadlines and notifications that failed too often, and re-opening them.

A deadline whose application keeps failing (an unloadable workflow version, an error
in a hook) becomes an incident after CASEFLOW_MAX_ATTEMPTS tries, and a notification
that cannot be delivered is marked failed; the worker leaves both alone from then on.
An operator (:func:`caseflow.policy.require_operator`) lists them with their last
error and re-opens them once the cause is fixed, each within the cases it may see.
An incident is named ``D-42`` (deadline 42) or ``N-17`` (outbox row 17).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection

from caseflow.context import Context
from caseflow.domain import Actor
from caseflow.errors import ErrorCode, InvalidInput, NotFound
from caseflow.policy import read_scope, require_operator
from caseflow.services.paging import MAX_ROW_ID, Page, PageRequest
from caseflow.store import cases as case_rows
from caseflow.store import deadlines as deadline_rows
from caseflow.store import outbox
from caseflow.store.db import read_transaction
from caseflow.store.visibility import ReadScope

_ID = re.compile(r"([DN])-?(\d{1,18})", re.IGNORECASE)

MAX_LISTED = 10_000
"""At most this many failed notifications (the oldest) are looked at when retrying all."""


class IncidentKind(StrEnum):
    DEADLINE = "deadline"
    NOTIFICATION = "notification"


@dataclass(frozen=True)
class Incident:
    id: str  # D-42 (deadline 42) or N-17 (outbox row 17)
    kind: IncidentKind
    journal_no: str | None
    what: str
    attempts: int
    last_error: str | None

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "kind": str(self.kind)}


@dataclass(frozen=True)
class Incidents:
    page: Page[Incident]

    @property
    def items(self) -> Sequence[Incident]:
        return self.page.items

    def to_json(self) -> list[dict[str, Any]]:
        """The page's incidents (the CLI's ``--json``; ``page_json`` adds the cursor)."""
        return [incident.to_json() for incident in self.items]

    def page_json(self) -> dict[str, Any]:
        return self.page.to_json(Incident.to_json)


def list_incidents(ctx: Context, actor: Actor, page: PageRequest | None = None) -> Incidents:
    """Deadlines in incident (oldest first), then failed notifications (oldest first), of
    the cases ``actor`` may see: a page, filtered and paged in SQL (the cursor is the last
    incident's id, ``D-42`` or ``N-17``)."""
    require_operator(actor, "look into incidents")
    page = page or PageRequest()
    after = _cursor(page.cursor)
    with read_transaction(ctx.engine.db) as conn:
        found = _find(conn, read_scope(actor), limit=page.limit + 1, after=after)
    return Incidents(Page.of(found, page, key=lambda incident: incident.id))


def _cursor(text: str | None) -> tuple[IncidentKind, int] | None:
    """A page's cursor: the incident it starts after."""
    if text is None:
        return None
    match = _ID.fullmatch(text.strip())
    if match is None or int(match[2]) > MAX_ROW_ID:
        raise InvalidInput(f"{text!r} is not a page cursor; use the one a page gave")
    kind = IncidentKind.DEADLINE if match[1].upper() == "D" else IncidentKind.NOTIFICATION
    return kind, int(match[2])


def _find(
    conn: Connection,
    scope: ReadScope,
    *,
    limit: int | None = None,
    after: tuple[IncidentKind, int] | None = None,
) -> list[Incident]:
    """Up to ``limit`` incidents ``scope`` may see, after the one ``after`` names: the
    deadlines first, then (as far as the page has room) the notifications."""
    kind, last = after if after is not None else (None, None)
    deadlines = (
        []
        if kind is IncidentKind.NOTIFICATION
        else deadline_rows.incidents_of(conn, scope, limit=limit, after=last)
    )
    room = MAX_LISTED if limit is None else limit - len(deadlines)
    failed = (
        outbox.failed_page(
            conn, scope, limit=room, after=last if kind is IncidentKind.NOTIFICATION else None
        )
        if room > 0
        else []
    )
    heads = case_rows.heads(conn, {r.case_id for r in failed if r.case_id is not None})
    found = [
        Incident(
            f"D-{record.id}",
            IncidentKind.DEADLINE,
            journal_no,
            f"deadline '{record.rule_id}'",
            record.attempts,
            record.last_error,
        )
        for record, journal_no in deadlines
    ]
    for record in failed:
        case = heads.get(record.case_id) if record.case_id is not None else None
        to = ", ".join(str(r["address"]) for r in record.recipients)
        found.append(
            Incident(
                f"N-{record.id}",
                IncidentKind.NOTIFICATION,
                case.journal_no if case is not None else None,
                f"{record.template} to {to} ({record.key})",
                record.attempts,
                record.last_error,
            )
        )
    return found


@dataclass(frozen=True)
class IncidentRetry:
    """Which incidents to re-open: ``ids`` (``D-42``, ``N-17``), or every one."""

    ids: Sequence[str] = ()
    every: bool = False

    def __post_init__(self) -> None:
        """Refuse a request that names none, or names one wrongly, before any reading."""
        if not self.ids and not self.every:
            raise InvalidInput(
                "say which incidents to retry, or all", code=ErrorCode.INCIDENTS_REQUIRED
            )
        parse_ids(self.ids)


@dataclass(frozen=True)
class Reopened:
    deadlines: int
    notifications: int

    def to_json(self) -> dict[str, Any]:
        return {"deadlines": self.deadlines, "notifications": self.notifications}


def retry_incidents(ctx: Context, actor: Actor, request: IncidentRetry) -> Reopened:
    """Re-open incidents for the worker; refuses (and re-opens none) when one given is not,
    or no longer, an incident ``actor`` may see."""
    require_operator(actor, "retry incidents")
    asked_deadlines, asked_notifications = parse_ids(request.ids)
    scope = read_scope(actor)
    engine = ctx.engine
    now = engine.clock.now()
    with engine.transaction() as conn:
        seen_deadlines, seen_notifications = parse_ids(
            [incident.id for incident in _find(conn, scope)]
        )
        if not request.every:
            seen_deadlines = [i for i in seen_deadlines if i in asked_deadlines]
            seen_notifications = [i for i in seen_notifications if i in asked_notifications]
            missing = len(set(asked_deadlines)) + len(set(asked_notifications))
            missing -= len(seen_deadlines) + len(seen_notifications)
            if missing:
                raise NotFound(
                    f"{missing} of the incidents given are not (or no longer) incidents "
                    "you may see",
                    code=ErrorCode.UNKNOWN_INCIDENT,
                    count=missing,
                )
        reopened = (
            deadline_rows.reopen_incidents(conn, now, seen_deadlines) if seen_deadlines else []
        )
        queued = (
            outbox.retry_visible(conn, now, scope, ids=seen_notifications)
            if seen_notifications
            else 0
        )
    return Reopened(len(reopened), queued)


def parse_ids(texts: Sequence[str]) -> tuple[list[int], list[int]]:
    """``D-42`` and ``N-17`` into (deadline ids, outbox ids)."""
    deadlines: list[int] = []
    notifications: list[int] = []
    for text in texts:
        match = _ID.fullmatch(text.strip())
        if match is None or int(match[2]) > MAX_ROW_ID:
            raise InvalidInput(
                f"{text!r} is not an incident ID; write D-42 for a deadline or N-17 for a "
                "notification",
                code=ErrorCode.INVALID_INCIDENT_ID,
                text=text,
            )
        (deadlines if match[1].upper() == "D" else notifications).append(int(match[2]))
    return deadlines, notifications
