"""The operations services (deadlines, notifications, incidents, workflows, the
organisation's history): what each actor sees, and what each is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, update

from caseflow.clock import FakeClock
from caseflow.context import Context
from caseflow.domain import Actor, RoleGrant
from caseflow.engine import Engine, NewCase
from caseflow.errors import CaseflowError, ErrorCode
from caseflow.policy import read_scope
from caseflow.services import deadlines as deadline_service
from caseflow.services import incidents as incident_service
from caseflow.services import notifications as notification_service
from caseflow.services import org_history as history_service
from caseflow.services import workflows as workflow_service
from caseflow.services.paging import PageRequest
from caseflow.settings import Settings
from caseflow.store import deadlines as deadline_rows
from caseflow.store import outbox
from caseflow.store.tables import cases
from caseflow.store.tables import outbox as outbox_table
from caseflow.store.visibility import readable
from caseflow.testing import copenhagen_time, open_test_case

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"


@pytest.fixture
def ctx(engine: Engine, database_url: str) -> Context:
    return Context(Settings(database_url, WORKFLOWS, language="en"), engine)


def refused(code: ErrorCode, call: object, *args: object) -> CaseflowError:
    assert callable(call)
    with pytest.raises(CaseflowError) as caught:
        call(*args)
    assert caught.value.code == code, caught.value
    return caught.value


def open_request(engine: Engine, title: str = "Aktindsigt") -> str:
    """An access request of BIF (no committee): its deadline starts when it is opened."""
    case = engine.open_case(
        NewCase(workflow_id="access-request", title=title, lead_administration="BIF"),
        engine.actor("bif.sagsbehandler"),
    )
    return case.journal_no


def open_biu_case(engine: Engine) -> str:
    """A BIU case led by TMF with BIF taking part, in drafting (its deadline running)."""
    journal_no = open_test_case(engine)
    engine.fire(journal_no, "start_drafting", engine.actor("bif.sagsbehandler"))
    return journal_no


def journal_nos(ctx: Context, who: str, **query: object) -> list[str]:
    page = deadline_service.list_deadlines(
        ctx,
        ctx.engine.actor(who),
        deadline_service.DeadlineQuery(**query),  # type: ignore[arg-type]
    )
    return [d.journal_no for d in page.items]


# --- who may read which case, in SQL as in Python ---------------------------------------


ACTORS = [
    Actor("nobody", "No role"),
    Actor("bif.sagsbehandler", "Officer", grants=(RoleGrant("case_officer", "BIF"),)),
    Actor("tmf", "TMF officer", grants=(RoleGrant("case_officer", "TMF"),)),
    Actor("sof", "SOF officer", grants=(RoleGrant("case_officer", "SOF"),)),
    Actor("biu", "Secretariat", grants=(RoleGrant("secretariat", committee="BIU"),)),
    Actor("tmu", "Member", grants=(RoleGrant("committee", committee="TMU"),)),
    Actor("admin", "Admin", grants=(RoleGrant("administrator"),)),
    Actor("approver", "Unscoped approver", grants=(RoleGrant("approver"),)),
    Actor(
        "mixed",
        "Two scopes",
        grants=(RoleGrant("case_officer", "SOF"), RoleGrant("committee", committee="BIU")),
    ),
]


def test_the_sql_condition_lets_through_exactly_the_cases_may_read_allows(
    engine: Engine,
) -> None:
    opened = [
        open_test_case(engine),  # TMF lead, BIF participant, BIU
        open_test_case(
            engine, actor="admin", lead_administration="SOF", participating_administrations=[]
        ),
        open_test_case(
            engine,
            actor="admin",
            lead_administration="KFF",
            participating_administrations=["SOF", "TMF"],
        ),
        open_test_case(engine, actor="admin", committee="TMU", participating_administrations=[]),
        open_request(engine),  # BIF, no committee, case officer bif.sagsbehandler
    ]
    with engine.transaction() as conn:
        every = [engine.get_case(j) for j in opened]
        for actor in ACTORS:
            condition = readable(conn.dialect.name, read_scope(actor))
            query = select(cases.c.journal_no)
            if condition is not None:
                query = query.where(condition)
            in_sql = set(conn.execute(query).scalars())
            in_python = {case.journal_no for case in every if actor.may_read(case)}
            assert in_sql == in_python, actor.username
    assert {c.journal_no for c in every if ACTORS[3].may_read(c)}  # SOF sees some, not all
    assert not all(ACTORS[3].may_read(c) for c in every)


# --- deadlines --------------------------------------------------------------------------


def test_deadlines_are_listed_for_those_who_may_see_their_case(
    ctx: Context, engine: Engine, clock: FakeClock
) -> None:
    clock.set(copenhagen_time("2009-05-18 09:00"))
    request = open_request(engine)
    biu_case = open_biu_case(engine)
    assert set(journal_nos(ctx, "admin")) == {request, biu_case}
    assert set(journal_nos(ctx, "bif.sagsbehandler")) == {request, biu_case}
    assert journal_nos(ctx, "biu.sekretariat") == [biu_case]  # not BIF's access request
    assert journal_nos(ctx, "tmf.sagsbehandler") == [biu_case]
    assert journal_nos(ctx, "admin", committee="BIU") == [biu_case]
    assert journal_nos(ctx, "admin", overdue=True) == []
    clock.set(copenhagen_time("2009-12-01 09:00"))
    assert set(journal_nos(ctx, "admin", overdue=True)) == {request, biu_case}
    assert journal_nos(ctx, "biu.sekretariat", overdue=True) == [biu_case]


def test_the_deadline_list_is_paged_without_gaps_or_repeats(
    ctx: Context, engine: Engine, clock: FakeClock
) -> None:
    opened = []
    for day in range(5):  # each a day later, so due a day later
        clock.set(copenhagen_time(f"2009-04-{6 + day:02d} 10:00"))
        opened.append(open_request(engine, f"Aktindsigt {day}"))
    opened.append(open_request(engine, "Same moment as the last"))  # a tie on due_at
    admin = engine.actor("admin")
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = deadline_service.list_deadlines(
            ctx, admin, deadline_service.DeadlineQuery(page=PageRequest(2, cursor))
        )
        pages += 1
        seen += [d.journal_no for d in page.items]
        assert len(page.items) <= 2
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert pages == 3
    assert sorted(seen) == sorted(opened)
    assert len(set(seen)) == len(seen)
    first = deadline_service.list_deadlines(ctx, admin, deadline_service.DeadlineQuery())
    assert [d.journal_no for d in first.items] == seen  # soonest first, pages in that order
    with pytest.raises(CaseflowError):
        PageRequest(2, "not-a-cursor").after()


def test_within_n_working_days_counts_working_days(
    ctx: Context, engine: Engine, clock: FakeClock
) -> None:
    clock.set(copenhagen_time("2009-04-08 10:00"))  # due 22 April (Easter in between)
    request = open_request(engine)
    assert journal_nos(ctx, "admin", due_within_days=5) == []
    assert journal_nos(ctx, "admin", due_within_days=7) == [request]
    assert deadline_service.working_days("10d") == 10
    refused(ErrorCode.INVALID_PERIOD, deadline_service.working_days, "ten")


def test_explaining_a_case_one_may_not_see_says_not_found_or_not_allowed(
    ctx: Context, engine: Engine
) -> None:
    request = open_request(engine)
    explained = deadline_service.explain_deadlines(ctx, engine.actor("bif.sagsbehandler"), request)
    (deadline,) = explained.to_json()
    assert deadline["rule"] == "answer_in_time"
    assert any("Offentlighedsloven" in line for line in deadline["explanation"])
    hidden = refused(
        ErrorCode.CASE_NOT_VISIBLE,
        deadline_service.explain_deadlines,
        ctx,
        engine.actor("tmf.sagsbehandler"),
        request,
    )
    unknown = refused(
        ErrorCode.CASE_NOT_VISIBLE,
        deadline_service.explain_deadlines,
        ctx,
        engine.actor("tmf.sagsbehandler"),
        "2099-1",
    )
    assert str(hidden) == f"case {request}: not found or not allowed"
    assert str(unknown) == "case 2099-1: not found or not allowed"


# --- notifications ----------------------------------------------------------------------


def enqueue(engine: Engine, key: str, case_id: int | None, *, failed: bool = False) -> None:
    with engine.transaction() as conn:
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
        if failed:
            conn.execute(
                update(outbox_table)
                .where(outbox_table.c.key == key)
                .values(status="failed", attempts=8, last_error="550 no")
            )


def keys(ctx: Context, who: str, *, failed: bool = False) -> list[str]:
    page = notification_service.list_notifications(
        ctx, ctx.engine.actor(who), notification_service.NotificationQuery(failed)
    )
    return [n.key for n in page.items]


def test_the_outbox_is_an_operators_view_of_the_cases_it_may_see(
    ctx: Context, engine: Engine
) -> None:
    bif = engine.get_case(open_request(engine)).id
    biu = engine.get_case(open_biu_case(engine)).id
    with engine.transaction() as conn:
        conn.execute(outbox_table.delete())  # only the rows this test writes
    enqueue(engine, "bif:1", bif, failed=True)
    enqueue(engine, "biu:1", biu)
    enqueue(engine, "digest:BIU:2009-05-14", None)
    assert keys(ctx, "admin") == ["digest:BIU:2009-05-14", "biu:1", "bif:1"]  # newest first
    assert keys(ctx, "admin", failed=True) == ["bif:1"]
    assert keys(ctx, "biu.sekretariat") == ["biu:1"]  # no digest: rows of no case
    refused(
        ErrorCode.OPERATOR_REQUIRED,
        notification_service.list_notifications,
        ctx,
        engine.actor("bif.sagsbehandler"),
        notification_service.NotificationQuery(),
    )
    page = notification_service.list_notifications(
        ctx, engine.actor("admin"), notification_service.NotificationQuery(page=PageRequest(2))
    )
    assert page.next_cursor is not None
    rest = notification_service.list_notifications(
        ctx,
        engine.actor("admin"),
        notification_service.NotificationQuery(page=PageRequest(2, page.next_cursor)),
    )
    assert [n.key for n in rest.items] == ["bif:1"]
    assert rest.next_cursor is None


def test_retrying_an_unknown_or_hidden_key_says_so_and_queues_nothing(
    ctx: Context, engine: Engine
) -> None:
    bif = engine.get_case(open_request(engine)).id
    biu = engine.get_case(open_biu_case(engine)).id
    enqueue(engine, "bif:1", bif, failed=True)
    enqueue(engine, "biu:1", biu, failed=True)
    enqueue(engine, "biu:2", biu)
    secretariat, admin = engine.actor("biu.sekretariat"), engine.actor("admin")
    retry = notification_service.retry_notifications

    def request(*given: str) -> notification_service.RetryRequest:
        return notification_service.RetryRequest(given)

    error = refused(ErrorCode.UNKNOWN_NOTIFICATION, retry, ctx, admin, request("nosuchkey"))
    assert error.params == {"keys": ["nosuchkey"]}
    # Another's case: the same answer as for no such key, and biu:1 is not queued either.
    refused(ErrorCode.UNKNOWN_NOTIFICATION, retry, ctx, secretariat, request("biu:1", "bif:1"))
    assert keys(ctx, "admin", failed=True) == ["biu:1", "bif:1"]
    done = retry(ctx, secretariat, request("biu:1", "biu:2"))
    assert (done.queued, done.not_failed) == (1, ("biu:2",))
    assert retry(ctx, secretariat, request()).queued == 0  # bif:1 is not its to retry
    assert retry(ctx, admin, request()).queued == 1
    assert keys(ctx, "admin", failed=True) == []
    refused(ErrorCode.OPERATOR_REQUIRED, retry, ctx, engine.actor("biu.udvalg"), request())


def test_the_digest_is_queued_by_an_operator_for_the_committees_it_prepares(
    ctx: Context, engine: Engine, clock: FakeClock
) -> None:
    clock.set(copenhagen_time("2009-05-18 09:00"))
    open_biu_case(engine)
    queue = notification_service.queue_digests
    digest = notification_service.DigestRequest(days=15)
    refused(ErrorCode.OPERATOR_REQUIRED, queue, ctx, engine.actor("bif.sagsbehandler"), digest)
    refused(
        ErrorCode.ROLE_REQUIRED,
        queue,
        ctx,
        engine.actor("biu.sekretariat"),
        notification_service.DigestRequest(days=15, committees=("TMU",)),
    )
    assert queue(ctx, engine.actor("biu.sekretariat"), digest).keys == ("digest:BIU:2009-05-18",)
    assert queue(ctx, engine.actor("admin"), digest).keys == ()  # once a day
    with engine.transaction() as conn:
        (row,) = outbox.search(conn)
    assert row.key == "digest:BIU:2009-05-18"


# --- incidents --------------------------------------------------------------------------


def test_incidents_are_listed_and_reopened_within_sight(ctx: Context, engine: Engine) -> None:
    bif_case = engine.get_case(open_request(engine))
    biu_case = engine.get_case(open_biu_case(engine))
    with engine.transaction() as conn:
        conn.execute(outbox_table.delete())
        for case in (bif_case, biu_case):
            (record, *_) = deadline_rows.live_for_case(conn, case.id)
            deadline_rows.record_incident(conn, record.id, "RuntimeError: the hook broke")
    enqueue(engine, "biu:1", biu_case.id, failed=True)

    def listed(who: str) -> list[tuple[str, str | None]]:
        found = incident_service.list_incidents(ctx, engine.actor(who))
        return [(i.kind, i.journal_no) for i in found.items]

    assert listed("admin") == [
        ("deadline", bif_case.journal_no),
        ("deadline", biu_case.journal_no),
        ("notification", biu_case.journal_no),
    ]
    assert listed("biu.sekretariat") == [
        ("deadline", biu_case.journal_no),
        ("notification", biu_case.journal_no),
    ]
    refused(
        ErrorCode.OPERATOR_REQUIRED,
        incident_service.list_incidents,
        ctx,
        engine.actor("bif.sagsbehandler"),
    )
    admin_view = incident_service.list_incidents(ctx, engine.actor("admin")).items
    hidden = admin_view[0].id  # the BIF case's deadline
    secretariat = engine.actor("biu.sekretariat")
    retry = incident_service.retry_incidents
    refused(
        ErrorCode.UNKNOWN_INCIDENT,
        retry,
        ctx,
        secretariat,
        incident_service.IncidentRetry((hidden, admin_view[1].id)),
    )
    assert len(listed("admin")) == 3  # refused as a whole: nothing re-opened
    done = retry(ctx, secretariat, incident_service.IncidentRetry(every=True))
    assert (done.deadlines, done.notifications) == (1, 1)
    assert listed("admin") == [("deadline", bif_case.journal_no)]
    with pytest.raises(CaseflowError) as caught:
        incident_service.IncidentRetry()
    assert caught.value.code == ErrorCode.INCIDENTS_REQUIRED
    with pytest.raises(CaseflowError) as caught:
        incident_service.IncidentRetry(("X-1",))
    assert caught.value.code == ErrorCode.INVALID_INCIDENT_ID


# --- workflows and the organisation's history -----------------------------------------


def test_stored_versions_and_their_cases_are_for_one_who_says_who(
    ctx: Context, engine: Engine
) -> None:
    open_request(engine)
    open_request(engine)
    open_biu_case(engine)
    anonymous = workflow_service.list_workflows(ctx, None)
    assert anonymous.stored is None
    assert {"access-request", "committee-case"} <= {w.workflow_id for w in anonymous.current}
    listed = workflow_service.list_workflows(ctx, engine.actor("bif.sagsbehandler"))
    assert listed.stored is not None
    counts = {v.workflow_id: v.cases for v in listed.stored if v.current}
    assert counts["access-request"] == 2
    assert counts["committee-case"] == 1
    shown = workflow_service.show_workflow(ctx, None, "committee-case").to_json()
    assert "submit_for_approval" in [t["trigger"] for t in shown["transitions"]]
    assert "stateDiagram" in workflow_service.workflow_diagram(ctx, None, "committee-case")
    error = refused(ErrorCode.UNKNOWN_WORKFLOW, workflow_service.show_workflow, ctx, None, "x")
    assert error.exit_code == 3


def test_the_organisations_history_is_for_administrators_and_secretariats(
    ctx: Context, engine: Engine
) -> None:
    everything = history_service.org_history_of(
        ctx, engine.actor("admin"), history_service.HistoryQuery()
    ).changes
    assert "actor" in {c.kind for c in everything}
    secretariat = engine.actor("biu.sekretariat")
    seen = history_service.org_history_of(ctx, secretariat, history_service.HistoryQuery())
    assert [c for c in everything if c.kind != "actor"] == list(seen.changes)
    assert seen.changes
    actors_only = history_service.HistoryQuery("actor", "admin")
    assert history_service.org_history_of(ctx, secretariat, actors_only).changes == ()
    assert history_service.org_history_of(ctx, engine.actor("admin"), actors_only).changes
    for who in ("bif.sagsbehandler", "biu.udvalg", "tmf.styregruppe"):
        refused(
            ErrorCode.ROLE_REQUIRED,
            history_service.org_history_of,
            ctx,
            engine.actor(who),
            history_service.HistoryQuery(),
        )
    with pytest.raises(CaseflowError) as caught:
        history_service.HistoryQuery.of_one(committee="BIU", administration="SOF")
    assert caught.value.code == ErrorCode.ONE_UNIT_ONLY
    assert history_service.HistoryQuery.of_one(steering_group="OMR") == (
        history_service.HistoryQuery("steering_group", "OMR")
    )
