"""A reader's inbox: the case lists of a working day, with their counts.

Tabs: my cases (assigned to me), my administration (led by or involving one of my
administrations), due soon (a live deadline within :data:`DUE_SOON`), overdue (a
live deadline passed) and waiting for me (in a state owned by a role I hold other
than case officer: an approver's, a secretariat's, a steering group's). Every tab
is read only among the cases the reader may see, filtered and paged in SQL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from caseflow import policy
from caseflow.context import Context
from caseflow.domain import Actor, RoleGrant
from caseflow.errors import InvalidInput
from caseflow.services.paging import MAX_ROW_ID, Page, PageRequest
from caseflow.store import inbox as inbox_rows
from caseflow.store.db import read_transaction
from caseflow.store.inbox import COUNT_CAP, Order
from caseflow.store.visibility import ReadScope

DUE_SOON = timedelta(days=7)
CASE_OFFICER = "case_officer"

__all__ = ["COUNT_CAP", "DUE_SOON", "Inbox", "InboxQuery", "InboxRow", "Order", "Tab", "inbox"]


class Tab(StrEnum):
    MINE = "mine"
    ADMINISTRATION = "administration"
    DUE = "due"
    OVERDUE = "overdue"
    APPROVER = "approver"


@dataclass(frozen=True)
class InboxQuery:
    tab: Tab = Tab.MINE
    state: str | None = None
    committee: str | None = None
    order: Order = Order.NEWEST
    page: PageRequest = field(default_factory=PageRequest)


@dataclass(frozen=True)
class InboxRow(inbox_rows.InboxRecord):
    """A row of the inbox as the store reads it, and whether its deadline has passed."""

    overdue: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "journal_no": self.journal_no,
            "title": self.title,
            "workflow": self.workflow_id,
            "workflow_version": self.workflow_version,
            "state": self.state,
            "committee": self.committee,
            "case_officer": self.case_officer,
            "lead_administration": self.lead_administration,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "next_due": self.next_due.isoformat() if self.next_due else None,
            "overdue": self.overdue,
        }


@dataclass(frozen=True)
class Inbox:
    tab: Tab
    counts: Mapping[Tab, int]  # up to COUNT_CAP + 1: more than COUNT_CAP means "1000+"
    page: Page[InboxRow]

    def shown_count(self, tab: Tab) -> str:
        """A tab's count as a page shows it: ``1000+`` past the cap."""
        count = self.counts[tab]
        return f"{COUNT_CAP}+" if count > COUNT_CAP else str(count)

    def to_json(self) -> dict[str, Any]:
        return {
            "tab": str(self.tab),
            "counts": {str(tab): n for tab, n in self.counts.items()},
            "counts_capped_at": COUNT_CAP,
            **self.page.to_json(InboxRow.to_json),
        }


def _grant_scope(actor: Actor, grant: RoleGrant) -> ReadScope:
    """The cases one grant applies to (:meth:`RoleGrant.applies_to`), as a read scope."""
    if grant.administration is not None:
        return ReadScope(False, actor.username, administrations=frozenset({grant.administration}))
    if grant.committee is not None:
        return ReadScope(False, actor.username, committees=frozenset({grant.committee}))
    return ReadScope(True, actor.username)


def _waiting(ctx: Context, actor: Actor) -> list[tuple[str, Sequence[str], ReadScope]]:
    """For each grant other than case officer: the states it owns in each current workflow."""
    found: list[tuple[str, Sequence[str], ReadScope]] = []
    for grant in actor.grants:
        if grant.role == CASE_OFFICER:
            continue
        for workflow_id, loaded in sorted(ctx.engine.registry.current.items()):
            states = sorted(
                name for name, s in loaded.definition.states.items() if s.owner == grant.role
            )
            if states:
                found.append((workflow_id, states, _grant_scope(actor, grant)))
    return found


def _where(ctx: Context, actor: Actor, tab: Tab, now: datetime) -> inbox_rows.Where | None:
    """The condition of ``tab`` for ``actor``; None when the tab is empty by definition."""
    if tab is Tab.MINE:
        return inbox_rows.Where(officer=actor.username)
    if tab is Tab.ADMINISTRATION:
        if not actor.administrations:
            return None
        return inbox_rows.Where(administrations=actor.administrations)
    if tab is Tab.DUE:
        return inbox_rows.Where(due_from=now, due_before=now + DUE_SOON)
    if tab is Tab.OVERDUE:
        return inbox_rows.Where(due_before=now)
    waiting = _waiting(ctx, actor)
    if not waiting:
        return None
    return inbox_rows.Where(waiting=waiting, not_officer=actor.username)


def _cursor(text: str | None) -> inbox_rows.Cursor | None:
    """A cursor as :func:`_cursor_text` wrote it: ``ID`` or ``ID@ISO-TIME``."""
    if text is None:
        return None
    number, _, moment = text.partition("@")
    try:
        if not number.isdigit() or int(number) > MAX_ROW_ID:
            raise ValueError(number)
        return (datetime.fromisoformat(moment) if moment else None, int(number))
    except ValueError:
        raise InvalidInput(
            f"{text!r} is not a page cursor; use the one a page gave", cursor=text
        ) from None


def _cursor_text(order: Order, row: inbox_rows.InboxRecord) -> str:
    key = {Order.NEWEST: None, Order.UPDATED: row.updated_at, Order.DUE: row.next_due}[order]
    return f"{row.id}@{key.isoformat()}" if key is not None else str(row.id)


def inbox(ctx: Context, actor: Actor, query: InboxQuery) -> Inbox:
    """The counts of every tab, and one page of ``query.tab``."""
    now = ctx.engine.clock.now()
    scope = policy.read_scope(actor)
    after = _cursor(query.page.cursor)
    counts: dict[Tab, int] = {}
    rows: list[inbox_rows.InboxRecord] = []
    with read_transaction(ctx.engine.db) as conn:
        for tab in Tab:
            where = _where(ctx, actor, tab, now)
            if where is None:
                counts[tab] = 0
                continue
            where = replace(where, state=query.state or None, committee=query.committee or None)
            counts[tab] = inbox_rows.count(conn, scope, where)
            if tab is query.tab:
                rows = inbox_rows.page(conn, scope, where, query.order, after, query.page.limit + 1)
    shown = rows[: query.page.limit]
    cursor = _cursor_text(query.order, shown[-1]) if len(rows) > query.page.limit else None
    items = [
        InboxRow(**vars(r), overdue=r.next_due is not None and r.next_due < now) for r in shown
    ]
    return Inbox(query.tab, counts, Page(items, cursor))
