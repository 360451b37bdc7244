"""The inbox sorted by deadline: each case once, at its earliest open deadline, paged
without gaps or repeats (the walk over the open deadlines' index in due order)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert

from caseflow.context import Context
from caseflow.services import inbox
from caseflow.services.paging import PageRequest
from caseflow.store.tables import deadlines
from caseflow.testing import open_test_case


def _deadline(ctx: Context, journal_no: str, days: int, status: str = "open") -> None:
    case_id = ctx.engine.get_case(journal_no).id
    now = ctx.engine.clock.now()
    with ctx.engine.transaction() as conn:
        conn.execute(
            insert(deadlines).values(
                case_id=case_id,
                rule_id="drafting_time",
                generation=1,
                status=status,
                started_at=now,
                due_at=now + timedelta(days=days),
                reminders_at=[],
                reminders_sent=0,
                next_action_at=now + timedelta(days=days),
                attempts=0,
                created_at=now,
            )
        )


def test_a_case_with_several_open_deadlines_is_listed_once_at_its_earliest(ctx: Context) -> None:
    a, b, c, d = (open_test_case(ctx.engine, title=f"Sag {n}") for n in range(4))
    _deadline(ctx, a, 9)
    _deadline(ctx, a, 2)  # a's earliest: between b and c
    _deadline(ctx, b, 1)
    _deadline(ctx, b, 20)
    _deadline(ctx, c, 5)
    _deadline(ctx, c, 5)  # the same due time twice: still once
    _deadline(ctx, d, -3, status="met")  # not open: d is among the cases without one
    officer = ctx.engine.actor("bif.sagsbehandler")
    listed: list[tuple[str, object]] = []
    cursor = None
    while True:
        query = inbox.InboxQuery(order=inbox.Order.DUE, page=PageRequest(1, cursor))
        found = inbox.inbox(ctx, officer, query)
        listed += [(row.journal_no, row.next_due) for row in found.page.items]
        cursor = found.page.next_cursor
        if cursor is None:
            break
    now = ctx.engine.clock.now()
    assert listed == [
        (b, now + timedelta(days=1)),
        (a, now + timedelta(days=2)),
        (c, now + timedelta(days=5)),
        (d, None),
    ]
