"""The meeting plan, the agenda queue, follow-up actions, incidents and the organisation's
history are filtered and paged in SQL: a page holds ``limit`` rows the reader may see,
its cursor leads to the next page without gaps or repeats, and the last page has none.

Rows the reader may not see come first in each list here, so a list that filtered
after reading a page would show a short (or empty) page with a cursor."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import update

from caseflow.clock import FakeClock
from caseflow.context import Context
from caseflow.domain import RoleGrant
from caseflow.engine import NewCase
from caseflow.meetings import agenda as agenda_use_cases
from caseflow.notifications.vocabulary import OutboxStatus
from caseflow.services import agenda, followup, incidents, meetings, org_history
from caseflow.services.paging import Page, PageRequest
from caseflow.store import deadlines as deadline_rows
from caseflow.store import organisation, outbox
from caseflow.store.db import write_transaction
from caseflow.store.tables import outbox as outbox_table
from caseflow.testing import add_test_meeting, copenhagen_time, open_test_case, ready_test_case

T = TypeVar("T")


def every_page(read: Callable[[PageRequest], Page[T]], limit: int) -> list[list[T]]:
    """Each page of a list in turn, following the cursors to the end."""
    pages, cursor = [], None
    while True:
        page = read(PageRequest(limit, cursor))
        pages.append(list(page.items))
        assert len(page.items) == limit or page.next_cursor is None
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor


def flat(pages: Sequence[Sequence[T]]) -> list[T]:
    return [row for page in pages for row in page]


def test_the_meeting_plan_pages_in_its_own_order(ctx: Context) -> None:
    admin = ctx.engine.actor("admin")
    made = {}
    for committee, start in [
        ("TMU", "2009-06-11 15:00"),
        ("BIU", "2009-06-11 15:00"),  # the same time: the committee orders them
        ("BIU", "2009-05-28 15:00"),
        ("ØU", "2009-06-16 15:00"),
        ("BIU", "2009-08-20 15:00"),
    ]:
        new = meetings.NewMeeting(committee, copenhagen_time(start))
        made[(committee, start)] = meetings.new_meeting(ctx, admin, new).meeting.id

    def read(page: PageRequest) -> Page[Any]:
        return meetings.list_meetings(ctx, admin, meetings.ListMeetings(page=page)).page

    pages = every_page(read, 2)
    assert [[m.id for m in page] for page in pages] == [
        [made[("BIU", "2009-05-28 15:00")], made[("BIU", "2009-06-11 15:00")]],
        [made[("TMU", "2009-06-11 15:00")], made[("ØU", "2009-06-16 15:00")]],
        [made[("BIU", "2009-08-20 15:00")]],
    ]
    second = meetings.list_meetings(
        ctx, admin, meetings.ListMeetings(page=PageRequest(2, str(pages[0][-1].id)))
    )
    assert second.page_json()["next_cursor"] == str(pages[1][-1].id)
    biu = meetings.list_meetings(ctx, admin, meetings.ListMeetings("BIU", 2009, PageRequest(1)))
    rest = meetings.ListMeetings("BIU", 2009, PageRequest(5, biu.page.next_cursor))
    assert [m.committee for m in meetings.list_meetings(ctx, admin, rest).meetings] == [
        "BIU",
        "BIU",
    ]


def test_the_agenda_queue_pages_what_the_reader_may_list(ctx: Context, clock: FakeClock) -> None:
    engine = ctx.engine
    clock.set(copenhagen_time("2009-05-20 09:00"))
    meeting = add_test_meeting(engine, "BIU", "2009-06-11 15:00")
    officer = engine.actor("bif.sagsbehandler")
    meant = {"fields.meeting_date": "2009-06-11"}
    with write_transaction(engine.db) as conn:
        organisation.upsert_actor(
            conn, "sof.sb", "S", "s@kk.example", [RoleGrant("case_officer", administration="SOF")]
        )
    sof = engine.actor("sof.sb")
    theirs = []
    for n in range(3):  # SOF's own cases, meant for the meeting
        journal_no = open_test_case(
            engine, actor="sof.sb", title=f"SOF {n}", lead_administration="SOF"
        )
        engine.edit(journal_no, meant, sof)
        theirs.append(journal_no)
    others = [  # newer: listed first, and not SOF's to see
        ready_test_case(engine, f"BIF {n}", fields={"meeting_date": "2009-06-11"}) for n in range(4)
    ]
    elsewhere = open_test_case(engine, title="Til et andet møde")  # not meant for it
    engine.edit(elsewhere, {"fields.meeting_date": "2009-08-20"}, officer)

    def queue(who: str) -> Callable[[PageRequest], Page[Any]]:
        reader = engine.actor(who)
        return lambda page: agenda.queue(ctx, reader, agenda.Queue(meeting, page)).page

    pages = every_page(queue("sof.sb"), 2)
    assert [[line.journal_no for line in page] for page in pages] == [theirs[:0:-1], theirs[:1]]
    assert queue("sof.sb")(PageRequest(2)).next_cursor == str(pages[0][-1].case_id)
    everything = flat(every_page(queue("biu.sekretariat"), 3))
    assert [line.journal_no for line in everything] == [*others[::-1], *theirs[::-1]]
    assert [line.ready for line in everything] == [True] * 4 + [False] * 3
    agenda_use_cases.add_item(engine, meeting, others[0], engine.actor("biu.sekretariat"))
    left = flat(every_page(queue("biu.sekretariat"), 10))
    assert others[0] not in [line.journal_no for line in left]  # on the agenda now


def test_follow_up_actions_page_what_the_reader_may_see(ctx: Context) -> None:
    engine = ctx.engine
    admin = engine.actor("admin")
    hidden = ready_test_case(engine, "TMF's og BIF's")
    with write_transaction(engine.db) as conn:
        organisation.upsert_actor(
            conn, "sof.sb", "S", "s@kk.example", [RoleGrant("case_officer", administration="SOF")]
        )
    seen = engine.open_case(
        NewCase(workflow_id="committee-case", title="SOF's", lead_administration="SOF"),
        engine.actor("sof.sb"),
    ).journal_no
    for year in (2010, 2011, 2012):  # due first, and not SOF's to see
        followup.add(
            ctx, admin, followup.AddFollowup(hidden, "administration:TMF", f"in {year}", "X")
        )
    mine = [
        followup.add(
            ctx, admin, followup.AddFollowup(seen, "administration:SOF", f"in {year}", "Y")
        ).record.id
        for year in (2013, 2014, 2015)
    ]
    reader = engine.actor("sof.sb")

    def read(page: PageRequest) -> Page[Any]:
        return followup.list_followups(ctx, reader, followup.ListFollowups(page=page)).page

    pages = every_page(read, 2)
    assert [[v.record.id for v in page] for page in pages] == [mine[:2], mine[2:]]
    first = read(PageRequest(2))
    assert first.next_cursor == str(mine[1])  # the last action shown, not a position
    # One due earlier, added since, does not shift the next page (as an offset would).
    followup.add(ctx, admin, followup.AddFollowup(seen, "administration:SOF", "in 2009", "Z"))
    assert [v.record.id for v in read(PageRequest(2, first.next_cursor)).items] == mine[2:]

    def read_all(page: PageRequest) -> Page[Any]:
        return followup.list_followups(ctx, admin, followup.ListFollowups(page=page)).page

    assert len(flat(every_page(read_all, 4))) == 7


def test_incidents_page_from_the_deadlines_on_to_the_notifications(ctx: Context) -> None:
    engine = ctx.engine
    hidden = engine.get_case(
        engine.open_case(
            NewCase(workflow_id="access-request", title="BIF", lead_administration="BIF"),
            engine.actor("bif.sagsbehandler"),
        ).journal_no
    )
    seen = [engine.get_case(open_test_case(engine, title=f"BIU {n}")) for n in range(2)]
    for case in seen:
        engine.fire(case.journal_no, "start_drafting", engine.actor("bif.sagsbehandler"))
    with engine.transaction() as conn:
        conn.execute(outbox_table.delete())
        for case in (hidden, *seen):
            (record, *_) = deadline_rows.live_for_case(conn, case.id)
            deadline_rows.record_incident(conn, record.id, "RuntimeError: broke")
        for key, case_id in [("bif:1", hidden.id), ("biu:1", seen[0].id), ("biu:2", seen[1].id)]:
            outbox.enqueue(
                conn,
                key=key,
                case_id=case_id,
                template="expired",
                language="da",
                recipients=[{"address": "someone@example.dk", "name": None}],
                context={},
                now=engine.clock.now(),
            )
        conn.execute(update(outbox_table).values(status=OutboxStatus.FAILED, attempts=8))

    def read(who: str) -> Callable[[PageRequest], Page[Any]]:
        reader = engine.actor(who)
        return lambda page: incidents.list_incidents(ctx, reader, page).page

    pages = every_page(read("biu.sekretariat"), 3)
    assert [[i.kind.value for i in page] for page in pages] == [
        ["deadline", "deadline", "notification"],
        ["notification"],
    ]
    assert [i.journal_no for i in flat(pages)] == [c.journal_no for c in seen * 2]
    first = incidents.list_incidents(ctx, engine.actor("biu.sekretariat"), PageRequest(1))
    assert first.page_json()["next_cursor"] == first.items[0].id
    assert first.items[0].id.startswith("D-")
    every = flat(every_page(read("admin"), 2))
    assert len(every) == 6
    assert len({i.id for i in every}) == 6


def test_the_organisations_history_pages_the_kinds_the_reader_may_read(ctx: Context) -> None:
    engine = ctx.engine
    admin, secretariat = engine.actor("admin"), engine.actor("biu.sekretariat")

    def read(who: Any, **unit: str) -> Callable[[PageRequest], Page[Any]]:
        def page_of(page: PageRequest) -> Page[Any]:
            query = org_history.HistoryQuery.of_one(page, **unit)
            return org_history.org_history_of(ctx, who, query).page

        return page_of

    everything = flat(every_page(read(admin), 1000))
    assert {c.kind.value for c in everything} >= {"actor", "committee"}
    for size in (1, 4, 7):
        pages = every_page(read(secretariat), size)
        assert [c.id for c in flat(pages)] == [c.id for c in everything if c.kind != "actor"]
        assert all(len(page) == size for page in pages[:-1])
    (biu,) = flat(every_page(read(admin, committee="BIU"), 1))
    assert (biu.kind, biu.code) == ("committee", "BIU")
