"""The inbox: each tab's condition, its count, what the reader may see, and pages."""

from __future__ import annotations

from datetime import timedelta

import pytest

from caseflow.context import Context
from caseflow.errors import InvalidInput
from caseflow.services import inbox
from caseflow.services.paging import PageRequest
from caseflow.testing import open_test_case, ready_test_case


def _journal_nos(ctx: Context, username: str, query: inbox.InboxQuery) -> list[str]:
    found: list[str] = []
    cursor = None
    while True:
        request = inbox.InboxQuery(
            query.tab, query.state, query.committee, query.order, PageRequest(2, cursor)
        )
        result = inbox.inbox(ctx, ctx.engine.actor(username), request)
        found += [row.journal_no for row in result.page.items]
        cursor = result.page.next_cursor
        if cursor is None:
            return found


def test_each_tab_counts_and_lists_its_own_cases(ctx: Context) -> None:
    engine = ctx.engine
    drafted = [open_test_case(engine, title=f"Sag {n}") for n in range(3)]
    approved = ready_test_case(engine, title="Klar sag")
    waiting = open_test_case(engine, title="Til godkendelse")
    officer = engine.actor("bif.sagsbehandler")
    engine.edit(
        waiting,
        {
            "sections.problemstilling": "P.",
            "sections.losning": "L.",
            "sections.okonomi": "Ø.",
            "recommendations": ["at udvalget drøfter sagen."],
        },
        officer,
    )
    engine.fire(waiting, "start_drafting", officer)
    engine.fire(waiting, "submit_for_approval", officer)
    tmf_only = open_test_case(engine, actor="tmf.sagsbehandler", participating_administrations=[])

    mine = inbox.inbox(ctx, officer, inbox.InboxQuery(inbox.Tab.MINE))
    assert mine.counts[inbox.Tab.MINE] == 5
    assert {r.journal_no for r in mine.page.items} == {*drafted, approved, waiting}
    assert tmf_only not in {r.journal_no for r in mine.page.items}

    head = engine.actor("tmf.kontorchef")  # the office head owns the approval state
    result = inbox.inbox(ctx, head, inbox.InboxQuery(inbox.Tab.APPROVER))
    assert [r.journal_no for r in result.page.items] == [waiting]
    assert result.counts[inbox.Tab.APPROVER] == 1
    assert result.counts[inbox.Tab.MINE] == 0
    assert result.counts[inbox.Tab.ADMINISTRATION] == 6  # TMF leads them all
    officer_view = inbox.inbox(ctx, officer, inbox.InboxQuery(inbox.Tab.ADMINISTRATION))
    assert officer_view.counts[inbox.Tab.ADMINISTRATION] == 5  # BIF participates in all but one

    secretariat = engine.actor("biu.sekretariat")
    ready = inbox.inbox(ctx, secretariat, inbox.InboxQuery(inbox.Tab.APPROVER))
    assert [r.journal_no for r in ready.page.items] == [approved]


def test_due_and_overdue_follow_the_clock(ctx: Context) -> None:
    engine = ctx.engine
    journal_no = open_test_case(engine)
    officer = engine.actor("bif.sagsbehandler")
    engine.fire(journal_no, "start_drafting", officer)  # the drafting deadline starts
    due = inbox.inbox(ctx, officer, inbox.InboxQuery(inbox.Tab.DUE))
    [row] = inbox.inbox(ctx, officer, inbox.InboxQuery(inbox.Tab.MINE)).page.items
    assert row.next_due is not None
    assert not row.overdue
    in_a_week = row.next_due - engine.clock.now() <= inbox.DUE_SOON
    assert due.counts[inbox.Tab.DUE] == (1 if in_a_week else 0)

    engine.clock.advance(row.next_due - engine.clock.now() - timedelta(days=1))  # type: ignore[attr-defined]
    soon = inbox.inbox(ctx, officer, inbox.InboxQuery(inbox.Tab.DUE))
    assert [r.journal_no for r in soon.page.items] == [journal_no]
    assert soon.counts[inbox.Tab.OVERDUE] == 0

    engine.clock.advance(timedelta(days=2))  # type: ignore[attr-defined]
    late = inbox.inbox(ctx, officer, inbox.InboxQuery(inbox.Tab.OVERDUE))
    assert [r.journal_no for r in late.page.items] == [journal_no]
    assert late.page.items[0].overdue
    assert late.counts[inbox.Tab.DUE] == 0


@pytest.mark.parametrize("order", list(inbox.Order))
def test_pages_follow_each_order_without_gaps_or_repeats(ctx: Context, order: inbox.Order) -> None:
    engine = ctx.engine
    officer = engine.actor("bif.sagsbehandler")
    opened = [open_test_case(engine, title=f"Sag {n}") for n in range(7)]
    for journal_no in opened[::2]:
        engine.fire(journal_no, "start_drafting", officer)  # some get a deadline
    listed = _journal_nos(ctx, "bif.sagsbehandler", inbox.InboxQuery(order=order))
    assert sorted(listed) == sorted(opened)
    if order is inbox.Order.NEWEST:
        assert listed == list(reversed(opened))
    if order is inbox.Order.DUE:
        assert set(listed[:4]) == set(opened[::2])  # cases with a deadline first


def test_filters_and_a_bad_cursor(ctx: Context) -> None:
    engine = ctx.engine
    officer = engine.actor("bif.sagsbehandler")
    a = open_test_case(engine)
    b = open_test_case(engine, committee="ØU")
    engine.fire(a, "start_drafting", officer)
    drafting = inbox.inbox(ctx, officer, inbox.InboxQuery(state="drafting"))
    assert [r.journal_no for r in drafting.page.items] == [a]
    assert drafting.counts[inbox.Tab.MINE] == 1
    committee = inbox.inbox(ctx, officer, inbox.InboxQuery(committee="ØU"))
    assert [r.journal_no for r in committee.page.items] == [b]
    with pytest.raises(InvalidInput):
        inbox.inbox(ctx, officer, inbox.InboxQuery(page=PageRequest(5, "x@y")))
