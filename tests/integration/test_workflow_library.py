"""The library of workflows in workflows/, each driven through its main path with
dates counted by hand in Copenhagen's working days (statutory holidays and
Grundlovsdag, 5 June, off). 2009: Ascension Day Thursday 21 May, Whit Monday 1 June.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from approval_setup import add_actor, context, workflows_with
from caseflow.approvals.chain import Action, OutcomeKind
from caseflow.calendar import COPENHAGEN, COPENHAGEN_RULES, Calendars
from caseflow.clock import FakeClock
from caseflow.context import Context
from caseflow.deadlines.dispatcher import Dispatcher
from caseflow.definitions.meanings import ServiceName
from caseflow.domain import AuditKind
from caseflow.engine import Engine, NewCase
from caseflow.meetings import plan as meeting_plan
from caseflow.services import approvals
from caseflow.store import deadlines as deadline_rows
from caseflow.testing import add_test_meeting, copenhagen_time, make_test_engine

AGENDA, MINUTES = ServiceName.AGENDA, ServiceName.MINUTES


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return workflows_with(tmp_path)


@pytest.fixture
def engine(database_url: str, clock: FakeClock, folder: Path) -> Iterator[Engine]:
    engine = make_test_engine(database_url, clock=clock, workflows_dir=folder)
    add_actor(engine, "tmf.sb", "case_officer@TMF")
    add_actor(engine, "tmf.sekr", "secretariat@TMF", "secretariat")
    add_actor(engine, "tmf.kontorchef", "office_head@TMF")
    add_actor(engine, "tmf.afdelingschef", "head_of_department@TMF")
    add_actor(engine, "tmf.vicedirektor", "deputy_director@TMF")
    add_actor(engine, "tmf.direktor", "director@TMF")
    add_actor(engine, "udvalg", "committee", "secretariat")
    yield engine
    engine.close()


@pytest.fixture
def ctx(engine: Engine, folder: Path) -> Context:
    return context(engine, folder)


def deadlines(engine: Engine, journal_no: str) -> dict[str, tuple[str, str]]:
    """Each rule's newest deadline: its due day (Copenhagen) and status."""
    with engine.transaction() as conn:
        found = deadline_rows.for_case(conn, engine.get_case(journal_no).id)
    return {
        r.rule_id: (r.due_at.astimezone(COPENHAGEN).date().isoformat(), r.status)
        for r in sorted(found, key=lambda r: r.id)
    }


def open_case(engine: Engine, workflow_id: str, actor: str = "tmf.sb", **values: object) -> str:
    case = engine.open_case(
        NewCase(
            workflow_id=workflow_id,
            title="Sag",
            lead_administration="TMF",
            committee="BIU",
            **values,  # type: ignore[arg-type]
        ),
        engine.actor(actor),
    )
    return case.journal_no


def act(
    ctx: Context, who: str, journal_no: str, action: Action, text: str | None = None
) -> approvals.ActResult:
    return approvals.act(ctx, ctx.engine.actor(who), approvals.ActOnStep(journal_no, action, text))


def test_member_question_answered_through_four_layers(
    ctx: Context, engine: Engine, clock: FakeClock
) -> None:
    clock.set(copenhagen_time("2009-05-18 10:00"))  # a Monday
    sekr, sb = engine.actor("tmf.sekr"), engine.actor("tmf.sb")
    journal_no = open_case(
        engine,
        "member-question",
        "tmf.sekr",
        fields={"member": "A. Medlem (BIU)", "question": "Hvor mange boliger?"},
    )
    # 10 working days from Monday 18 May: 19, 20, 22, 25, 26, 27, 28, 29 May, 2, 3 June.
    assert deadlines(engine, journal_no) == {"answer_due": ("2009-06-03", "open")}
    clock.set(copenhagen_time("2009-05-19 09:00"))
    engine.fire(journal_no, "assign", sekr)
    # 4 working days from Tuesday 19 May: 20, 22, 25 and 26 May.
    assert deadlines(engine, journal_no)["drafting_time"] == ("2009-05-26", "open")
    clock.set(copenhagen_time("2009-05-25 10:00"))
    engine.edit(journal_no, {"fields.answer": "1.234 boliger."}, sb)
    engine.fire(journal_no, "submit_answer", sb)
    # The office head's 2 working days from Monday 25 May: 26 and 27 May.
    assert deadlines(engine, journal_no)["approval.send_answer.office_head"] == (
        "2009-05-27",
        "open",
    )
    clock.set(copenhagen_time("2009-05-26 10:00"))
    assert act(ctx, "tmf.kontorchef", journal_no, Action.APPROVE).next_step == "head_of_department"
    assert act(ctx, "tmf.afdelingschef", journal_no, Action.SKIP, "Lille sag").next_step == (
        "deputy_director"
    )
    assert act(ctx, "tmf.vicedirektor", journal_no, Action.SKIP).next_step == "director"
    # The director's 2 working days from Tuesday 26 May: 27 and 28 May.
    assert deadlines(engine, journal_no)["approval.send_answer.director"] == ("2009-05-28", "open")
    done = act(ctx, "tmf.direktor", journal_no, Action.APPROVE)
    assert (done.outcome, done.state) == (OutcomeKind.CHAIN_DONE, "answered")
    assert deadlines(engine, journal_no) == {
        "answer_due": ("2009-06-03", "satisfied"),
        "drafting_time": ("2009-05-26", "satisfied"),
        "approval.send_answer.office_head": ("2009-05-27", "satisfied"),
        "approval.send_answer.head_of_department": ("2009-05-27", "satisfied"),
        "approval.send_answer.deputy_director": ("2009-05-27", "satisfied"),
        "approval.send_answer.director": ("2009-05-28", "satisfied"),
    }
    assert engine.get_case(journal_no).fields["approved_by"] == ["office_head", "director"]


def next_ordinary_meeting(engine: Engine, committee: str, received: date) -> date:
    """The first meeting whose agenda deadline the request met (§ 11: in time)."""
    with engine.transaction() as conn:
        rules = meeting_plan.agenda_rules(meeting_plan.require_committee(conn, committee))
    from caseflow.meetings.timing import agenda_timing

    for starts in ("2009-06-11 16:30", "2009-08-13 16:30"):
        timing = agenda_timing(copenhagen_time(starts), rules, engine.calendars)
        if received <= timing.deadline_day:
            return timing.meeting_day
    raise AssertionError("no meeting")


@pytest.mark.parametrize(
    ("received", "meeting", "due"),
    [
        # BIU's deadline for 11 June, 8 working days before: 10, 9, 8, 4, 3, 2 June
        # (5 June and Whit Monday off), 29 and 28 May. Received 27 May: in time.
        ("2009-05-27", "2009-06-11", "2009-05-28"),
        # Received Friday 29 May: too late for 11 June, so 13 August, whose deadline
        # is 8 working days before it: 12, 11, 10, 7, 6, 5, 4 and 3 August.
        ("2009-05-29", "2009-08-13", "2009-08-03"),
    ],
)
def test_member_agenda_request_goes_on_the_next_meeting_received_in_time(
    engine: Engine, clock: FakeClock, received: str, meeting: str, due: str
) -> None:
    clock.set(copenhagen_time(f"{received} 12:00"))
    target = next_ordinary_meeting(engine, "BIU", date.fromisoformat(received))
    assert target.isoformat() == meeting
    sekr = engine.actor("tmf.sekr")
    journal_no = open_case(
        engine,
        "member-agenda-request",
        "tmf.sekr",
        fields={"member": "A. Medlem", "received_on": received, "meeting_date": meeting},
    )
    assert deadlines(engine, journal_no) == {"on_the_agenda": (due, "open")}
    engine.fire(
        journal_no,
        "put_on_agenda",
        sekr,
        changes={"fields.meeting": f"BIU {meeting}"},
        service=AGENDA,
    )
    engine.fire(
        journal_no,
        "decide",
        engine.actor("udvalg"),
        changes={"fields.decision": "Drøftet."},
        service=MINUTES,
    )
    engine.fire(journal_no, "close", sekr)
    assert deadlines(engine, journal_no) == {"on_the_agenda": (due, "satisfied")}


def test_council_referral_through_three_committees(engine: Engine, clock: FakeClock) -> None:
    clock.set(copenhagen_time("2009-07-01 10:00"))
    sb, sekr, udvalg = engine.actor("tmf.sb"), engine.actor("tmf.sekr"), engine.actor("udvalg")
    journal_no = open_case(
        engine,
        "council-referral",
        recommendations=["at udvalget anbefaler indstillingen over for Økonomiudvalget"],
        sections={"problemstilling": "P.", "losning": "L.", "okonomi": "Ø."},
        fields={"meeting_date": "2009-08-13"},
    )
    # BIU 13 August, 10 working days before: 12, 11, 10, 7, 6, 5, 4, 3 Aug, 31 and 30 July.
    assert deadlines(engine, journal_no) == {"agenda_deadline": ("2009-07-30", "open")}
    engine.fire(journal_no, "submit", sb)
    steps = [
        ("BIU", "2009-08-13", "ØU", "2009-08-25"),
        ("ØU", "2009-08-25", "BR", "2009-09-10"),
    ]
    due_next = {"2009-08-25": "2009-08-11", "2009-09-10": "2009-08-27"}
    # ØU 25 August: 24, 21, 20, 19, 18, 17, 14, 13, 12, 11 August.
    # BR 10 September: 9, 8, 7, 4, 3, 2, 1 Sep, 31, 28 and 27 August.
    for committee, day, onward, onward_day in steps:
        engine.fire(
            journal_no,
            "put_on_agenda",
            sekr,
            changes={"fields.meeting": f"{committee} {day}"},
            service=AGENDA,
        )
        engine.fire(
            journal_no,
            "decide",
            udvalg,
            changes={"fields.decision": f"{committee} anbefaler."},
            service=MINUTES,
        )
        engine.fire(
            journal_no,
            "send_on",
            sekr,
            changes={
                "committee": onward,
                "fields.meeting_date": onward_day,
                "fields.meeting": None,
            },
            service=MINUTES,
        )
        assert deadlines(engine, journal_no)["agenda_deadline"] == (due_next[onward_day], "open")
    engine.fire(
        journal_no,
        "put_on_agenda",
        sekr,
        changes={"fields.meeting": "BR 2009-09-10"},
        service=AGENDA,
    )
    engine.fire(
        journal_no, "decide", udvalg, changes={"fields.decision": "Vedtaget."}, service=MINUTES
    )
    case = engine.fire(journal_no, "close", sekr)
    assert (case.state, case.committee) == ("closed", "BR")
    decided_at = [
        e.changes.get("committee") for e in engine.history(journal_no) if e.trigger == "send_on"
    ]
    assert decided_at == [["BIU", "ØU"], ["ØU", "BR"]]


def test_funding_application_planned_backwards_from_the_funds_deadline(
    ctx: Context, engine: Engine, clock: FakeClock
) -> None:
    """Landsbyggefonden's deadline 31 December 2009; BIU, ØU and BR must decide."""
    for committee, starts in (
        ("BIU", "2009-11-05 16:30"),
        ("BIU", "2009-11-26 16:30"),
        ("ØU", "2009-12-01 15:00"),
        ("ØU", "2009-12-15 15:00"),
        ("BR", "2009-12-17 17:30"),
    ):
        add_test_meeting(engine, committee, starts)
    clock.set(copenhagen_time("2009-10-01 10:00"))
    plan = meeting_plan.plan_backwards(
        engine,
        ["BIU", "ØU", "BR"],
        date(2009, 12, 31),
        engine.calendars,
        today=date(2009, 10, 1),
        approval_working_days=5,
    )
    assert plan.feasible
    biu, ou, br = plan.meetings
    # BR 17 Dec (the last before 31 Dec); ØU must decide by BR's agenda deadline, 10
    # working days before 17 Dec: 16, 15, 14, 11, 10, 9, 8, 7, 4, 3 Dec. So ØU 1 Dec,
    # whose deadline is 8 working days before (ØU's rule): 30, 27, 26, 25, 24, 23, 20, 19 Nov.
    # BIU must decide by 19 Nov: BIU 5 Nov, deadline 8 working days before: 4, 3, 2 Nov,
    # 30, 29, 28, 27, 26 Oct; the draft 5 working days earlier: 23, 22, 21, 20, 19 Oct.
    assert [m.meeting_day.isoformat() for m in plan.meetings] == [
        "2009-11-05",
        "2009-12-01",
        "2009-12-17",
    ]
    assert (br.agenda_deadline, ou.agenda_deadline) == (date(2009, 12, 3), date(2009, 11, 19))
    assert (biu.agenda_deadline, biu.draft_deadline) == (date(2009, 10, 26), date(2009, 10, 19))

    sb = engine.actor("tmf.sb")
    journal_no = open_case(
        engine,
        "funding-application",
        recommendations=["at udvalget godkender ansøgningen"],
        fields={
            "external_deadline": "2009-12-31",
            "draft_due": biu.draft_deadline.isoformat(),
            "meeting_date": biu.meeting_day.isoformat(),
        },
    )
    assert deadlines(engine, journal_no) == {
        "application_deadline": ("2009-12-31", "open"),
        "draft_due": ("2009-10-19", "open"),
        "agenda_deadline": ("2009-10-26", "open"),
    }
    clock.set(copenhagen_time("2009-10-16 10:00"))  # a Friday
    engine.fire(journal_no, "submit_for_approval", sb)
    # The office head's 2 working days from Friday 16 October: 19 and 20 October.
    assert deadlines(engine, journal_no)["approval.approve.office_head"] == ("2009-10-20", "open")
    act(ctx, "tmf.kontorchef", journal_no, Action.APPROVE)
    assert act(ctx, "tmf.direktor", journal_no, Action.APPROVE).state == "ready_for_agenda"
    sekr, udvalg = engine.actor("tmf.sekr"), engine.actor("udvalg")
    for committee, meeting, onward in (("BIU", biu, "ØU"), ("ØU", ou, "BR"), ("BR", br, None)):
        engine.fire(
            journal_no,
            "put_on_agenda",
            sekr,
            changes={"fields.meeting": f"{committee} {meeting.meeting_day}"},
            service=AGENDA,
        )
        engine.fire(
            journal_no, "decide", udvalg, changes={"fields.decision": "Godkendt."}, service=MINUTES
        )
        if onward:
            engine.fire(journal_no, "send_on", sekr, changes={"committee": onward}, service=MINUTES)
    engine.fire(
        journal_no,
        "submit_application",
        sb,
        changes={"fields.application_reference": "LBF-2009-117"},
    )
    assert deadlines(engine, journal_no)["application_deadline"] == ("2009-12-31", "satisfied")
    assert engine.fire(journal_no, "record_grant", sb).state == "granted"


def test_an_access_request_lapses_when_the_requester_never_answers(
    engine: Engine, clock: FakeClock
) -> None:
    add_actor(engine, "bif.sb", "case_officer@BIF")
    officer = engine.actor("bif.sb")
    clock.set(copenhagen_time("2009-09-02 10:00"))
    case = engine.open_case(
        NewCase(workflow_id="access-request", title="Aktindsigt", lead_administration="BIF"),
        officer,
    )
    engine.fire(case.journal_no, "start_assessment", officer)
    clock.set(copenhagen_time("2009-09-07 10:00"))  # a Monday
    engine.fire(case.journal_no, "suspend", officer, comment="Hvilke dokumenter?")
    # 20 working days from Monday 7 September: 8-11, 14-18, 21-25, 28-30 Sep, 1, 2, 5 Oct.
    assert deadlines(engine, case.journal_no)["requester_silent"] == ("2009-10-05", "open")
    dispatcher = Dispatcher(engine, Calendars.for_rules(COPENHAGEN_RULES), owner="test")
    clock.set(copenhagen_time("2009-10-05 12:00"))
    dispatcher.run_once()
    assert engine.get_case(case.journal_no).state == "waiting_for_requester"  # not yet
    clock.set(copenhagen_time("2009-10-06 08:00"))
    dispatcher.run_once()
    lapsed = engine.get_case(case.journal_no)
    assert lapsed.state == "lapsed"
    fired, expired = engine.history(case.journal_no)[-2:]
    assert (fired.kind, fired.actor, fired.trigger, fired.to_state) == (
        AuditKind.FIRE,
        "caseflow",
        "lapse",
        "lapsed",
    )
    assert "requester_silent" in (fired.comment or "")
    assert (expired.kind, expired.actor) == (AuditKind.DEADLINE, "caseflow")
    assert expired.comment == (
        "deadline 'requester_silent' passed: due 2009-10-05 23:59, applied late by 8 h"
    )
    assert deadlines(engine, case.journal_no) == {
        "answer_in_time": ("2009-09-11", "cancelled"),
        "requester_silent": ("2009-10-05", "expired"),
    }
