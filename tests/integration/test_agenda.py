"""Agendas and minutes through the engine and the database.

Meetings are inserted straight into the ``meetings`` table here (the meeting
plan has its own module); everything else goes through caseflow.meetings.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from caseflow.clock import FakeClock
from caseflow.domain import RoleGrant
from caseflow.engine import Engine
from caseflow.errors import InvalidInput, NotAllowed, NotFound
from caseflow.meetings import agenda, followup, minutes, report
from caseflow.store import meetings as meeting_rows
from caseflow.store import organisation
from caseflow.store.db import write_transaction
from caseflow.store.tables import agenda_items, committees
from caseflow.testing import (
    add_test_meeting,
    copenhagen_time,
    make_test_engine,
    open_test_case,
    ready_test_case,
)

SECRETARIAT = "biu.sekretariat"
WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
# BIU's agenda deadline: 8 working days before the meeting. For Thursday 11 June 2009
# that is Thursday 28 May (Whit Monday 1 June and Grundlovsdag 5 June are days off).
MEETING = "2009-06-11 15:00"
BEFORE_DEADLINE = "2009-05-28 16:00"
AFTER_DEADLINE = "2009-05-29 09:00"


add_meeting = add_test_meeting


def add_actor(engine: Engine, username: str, *grants: RoleGrant) -> None:
    with write_transaction(engine.db) as conn:
        organisation.upsert_actor(conn, username, username, f"{username}@kk.example", grants)


def set_late_policy(engine: Engine, committee: str, policy: str) -> None:
    with write_transaction(engine.db) as conn:
        details = dict(
            conn.execute(
                select(committees.c.details).where(committees.c.code == committee)
            ).scalar_one()
        )
        details["agenda"] = {**details.get("agenda", {}), "late_items": policy}
        conn.execute(
            committees.update().where(committees.c.code == committee).values(details=details)
        )


ready_case = ready_test_case


@pytest.fixture
def meeting(engine: Engine, clock: FakeClock) -> int:
    clock.set(copenhagen_time("2009-05-20 09:00"))
    return add_meeting(engine, "BIU", MEETING)


def test_adding_items_fires_put_on_agenda_and_numbers_them(engine: Engine, meeting: int) -> None:
    secretariat = engine.actor(SECRETARIAT)
    first, second = ready_case(engine, "Første sag"), ready_case(engine, "Anden sag")
    added = agenda.add_item(engine, meeting, first, secretariat)
    agenda.add_item(engine, meeting, second, secretariat, closed=True)
    assert added.case.state == "on_agenda"
    assert added.case.fields["meeting_id"] == meeting
    assert added.case.fields["meeting_date"] == "2009-06-11"
    assert not added.item.is_late
    data = agenda.get_agenda(engine, meeting, viewer=engine.actor(SECRETARIAT))
    assert [(i["item_no"], i["journal_no"], i["is_public"]) for i in data["items"]] == [
        (1, first, True),
        (2, second, False),
    ]
    assert engine.history(first)[-1].trigger == "put_on_agenda"

    agenda.move_item(engine, meeting, 2, 1, secretariat)
    data = agenda.get_agenda(engine, meeting, viewer=engine.actor(SECRETARIAT))
    assert [(i["item_no"], i["journal_no"]) for i in data["items"]] == [(1, second), (2, first)]


def test_a_case_that_is_not_ready_stays_off_the_agenda(engine: Engine, meeting: int) -> None:
    journal_no = open_test_case(engine)
    with pytest.raises(NotAllowed, match="in state 'registered'"):
        agenda.add_item(engine, meeting, journal_no, engine.actor(SECRETARIAT))
    with engine.transaction() as conn:
        assert conn.execute(select(agenda_items)).all() == []  # the item row rolled back too


def test_only_the_committees_secretariat_builds_its_agenda(engine: Engine, meeting: int) -> None:
    journal_no = ready_case(engine)
    add_actor(engine, "tmu.sekretariat", RoleGrant("secretariat", committee="TMU"))
    with pytest.raises(NotAllowed, match="secretariat@BIU"):
        agenda.add_item(engine, meeting, journal_no, engine.actor("tmu.sekretariat"))
    with pytest.raises(NotAllowed, match="secretariat@BIU"):
        agenda.add_item(engine, meeting, journal_no, engine.actor("bif.sagsbehandler"))


def test_on_time_until_the_end_of_the_deadline_day(
    engine: Engine, meeting: int, clock: FakeClock
) -> None:
    clock.set(copenhagen_time(BEFORE_DEADLINE))
    added = agenda.add_item(engine, meeting, ready_case(engine), engine.actor(SECRETARIAT))
    assert not added.item.is_late
    assert added.timing.deadline_day.isoformat() == "2009-05-28"


def test_a_late_item_needs_an_approval_with_a_reason(
    engine: Engine, meeting: int, clock: FakeClock
) -> None:
    journal_no = ready_case(engine)
    clock.set(copenhagen_time(AFTER_DEADLINE))
    secretariat = engine.actor(SECRETARIAT)
    with pytest.raises(NotAllowed, match="a late item needs an approval with a reason"):
        agenda.add_item(engine, meeting, journal_no, secretariat)
    assert engine.get_case(journal_no).state == "ready_for_agenda"
    added = agenda.add_item(
        engine, meeting, journal_no, secretariat, late_reason="Landsbyggefondens frist"
    )
    assert added.item.is_late
    assert added.item.late_reason == "Landsbyggefondens frist"
    assert added.item.late_approved_by == SECRETARIAT
    assert "Landsbyggefondens frist" in (engine.history(journal_no)[-1].comment or "")


def test_a_committee_that_refuses_late_items_refuses_them(
    engine: Engine, meeting: int, clock: FakeClock
) -> None:
    set_late_policy(engine, "BIU", "refuse")
    journal_no = ready_case(engine)
    clock.set(copenhagen_time(AFTER_DEADLINE))
    with pytest.raises(NotAllowed, match="does not accept late items"):
        agenda.add_item(
            engine, meeting, journal_no, engine.actor(SECRETARIAT), late_reason="Haster"
        )
    assert engine.get_case(journal_no).state == "ready_for_agenda"


def test_publish_freezes_a_version_and_a_change_makes_the_next(
    engine: Engine, meeting: int, clock: FakeClock
) -> None:
    secretariat = engine.actor(SECRETARIAT)
    first = ready_case(engine, "Første sag")
    agenda.add_item(engine, meeting, first, secretariat)
    v1 = agenda.publish(engine, meeting, secretariat)
    assert v1.version == 1
    assert v1.change_note is None
    with pytest.raises(NotAllowed, match="nothing changed"):
        agenda.publish(engine, meeting, secretariat)

    second = ready_case(engine, "Tillæg")
    with pytest.raises(InvalidInput, match="say what changed"):
        agenda.add_item(engine, meeting, second, secretariat)
    assert engine.get_case(second).state == "ready_for_agenda"
    added = agenda.add_item(engine, meeting, second, secretariat, note="Tillægspunkt om tillæg")
    assert added.published_version == 2

    agenda.move_item(engine, meeting, 2, 1, secretariat, note="Tillægget behandles først")
    found = agenda.versions(engine, meeting, viewer=engine.actor(SECRETARIAT))
    assert [(v["version"], v["change_note"]) for v in found] == [
        (1, None),
        (2, "Tillægspunkt om tillæg"),
        (3, "Tillægget behandles først"),
    ]
    # Version 1 is frozen: it still shows only the first item.
    assert [i["journal_no"] for i in found[0]["agenda"]["items"]] == [first]
    assert [i["journal_no"] for i in found[2]["agenda"]["items"]] == [second, first]


def test_minutes_with_absent_members_and_approval_closes_the_meeting(
    engine: Engine, meeting: int, clock: FakeClock
) -> None:
    secretariat, committee = engine.actor(SECRETARIAT), engine.actor("biu.udvalg")
    first, second = ready_case(engine, "Første sag"), ready_case(engine, "Anden sag")
    agenda.add_item(engine, meeting, first, secretariat)
    agenda.add_item(engine, meeting, second, secretariat)
    clock.set(copenhagen_time("2009-06-11 17:00"))

    case = minutes.decide_item(
        engine,
        meeting,
        1,
        committee,
        outcome="decided",
        text="Udvalget drøftede sagen.",
        absent=["Medlem A", "Medlem C"],
    )
    assert case.state == "decided"
    assert case.fields["decision"] == "Udvalget drøftede sagen."
    with pytest.raises(InvalidInput, match="not a member of BIU"):
        minutes.decide_item(
            engine, meeting, 2, committee, outcome="decided", text="x", absent=["Hr. Ukendt"]
        )
    with pytest.raises(NotAllowed, match="without a decision: 2"):
        minutes.approve_minutes(engine, meeting, secretariat)

    minutes.decide_item(engine, meeting, 2, secretariat, outcome="decided", text="Godkendt.")
    approval = minutes.approve_minutes(engine, meeting, secretariat)
    assert approval.approved_by == SECRETARIAT
    action = followup.add_followup(
        engine,
        first,
        engine.actor("bif.sagsbehandler"),
        owner="steering_group:OMR",
        due="during 2010",
        text="Forslag forelægges udvalgene",
    )
    assert (
        action.agenda_item_id
        == agenda.get_agenda(engine, meeting, viewer=engine.actor(SECRETARIAT))["items"][0][
            "item_id"
        ]
    )
    data = agenda.get_agenda(engine, meeting, viewer=engine.actor(SECRETARIAT))
    assert data["meeting"]["status"] == "closed"
    assert data["items"][0]["decision"]["absent"] == ["Medlem A", "Medlem C"]
    assert data["items"][0]["decision"]["text"] == "Udvalget drøftede sagen."
    with pytest.raises(NotAllowed, match="closed"):
        minutes.decide_item(engine, meeting, 1, committee, outcome="decided", text="Igen")


def test_a_postponed_item_goes_to_the_next_meetings_queue(
    engine: Engine, meeting: int, clock: FakeClock
) -> None:
    later = add_meeting(engine, "BIU", "2009-08-20 15:00")
    secretariat = engine.actor(SECRETARIAT)
    journal_no = ready_case(engine)
    agenda.add_item(engine, meeting, journal_no, secretariat)
    clock.set(copenhagen_time("2009-06-11 17:00"))
    case = minutes.decide_item(engine, meeting, 1, secretariat, outcome="postponed")
    assert case.state == "ready_for_agenda"
    assert case.fields["meeting_id"] == later
    assert "meeting" not in case.fields
    assert [c.journal_no for c in report.queue(engine, engine.actor(SECRETARIAT), later)] == [
        journal_no
    ]
    assert report.queue(engine, engine.actor(SECRETARIAT), meeting) == []
    agenda.add_item(engine, later, journal_no, secretariat)
    course = report.course(engine, journal_no, engine.actor("admin"))
    assert [(t["meeting_id"], t["status"]) for t in course["treatments"]] == [
        (meeting, "postponed"),
        (later, "scheduled"),
    ]


def test_two_committees_treat_one_case_each_with_its_own_item_and_decision(
    engine: Engine, meeting: int, clock: FakeClock
) -> None:
    add_actor(engine, "tmu.sekretariat", RoleGrant("secretariat", committee="TMU"))
    tmu_meeting = add_meeting(engine, "TMU", "2009-06-24 15:00")
    biu, tmu = engine.actor(SECRETARIAT), engine.actor("tmu.sekretariat")
    filler = ready_case(engine, "Et andet punkt")
    journal_no = ready_case(engine)
    agenda.add_item(engine, meeting, filler, biu)
    agenda.add_item(engine, meeting, journal_no, biu)
    clock.set(copenhagen_time("2009-06-11 17:00"))
    case = minutes.decide_item(
        engine, meeting, 2, biu, outcome="referred", text="Oversendes til TMU.", to="TMU"
    )
    assert (case.state, case.committee) == ("ready_for_agenda", "TMU")

    waiting = report.secretariat_report(engine, engine.actor("tmu.sekretariat"), "TMU")[
        "without_meeting"
    ]
    assert [(w["journal_no"], w["reason"], w["from_committee"]) for w in waiting] == [
        (journal_no, "referred", "BIU")
    ]
    with pytest.raises(NotAllowed, match="secretariat@TMU"):
        agenda.add_item(engine, tmu_meeting, journal_no, biu)
    clock.set(copenhagen_time("2009-06-12 09:00"))
    agenda.add_item(engine, tmu_meeting, journal_no, tmu, late_reason="Henvist fra BIU")
    assert (
        report.secretariat_report(engine, engine.actor("tmu.sekretariat"), "TMU")["without_meeting"]
        == []
    )
    clock.set(copenhagen_time("2009-06-24 17:00"))
    minutes.decide_item(engine, tmu_meeting, 1, tmu, outcome="decided", text="TMU tiltræder.")

    course = report.course(engine, journal_no, engine.actor("admin"))
    assert [
        (t["committee"], t["item_no"], t["outcome"], t["decision"]) for t in course["treatments"]
    ] == [
        ("BIU", 2, "referred", "Oversendes til TMU."),
        ("TMU", 1, "decided", "TMU tiltræder."),
    ]


def test_the_report_lists_cases_meant_for_a_meeting_that_are_not_ready(
    engine: Engine, meeting: int
) -> None:
    drafting = open_test_case(engine, title="Under udarbejdelse")
    engine.edit(drafting, {"fields.meeting_date": "2009-06-11"}, engine.actor("bif.sagsbehandler"))
    open_test_case(engine, title="Uden møde")
    found = report.secretariat_report(engine, engine.actor(SECRETARIAT), "BIU")
    assert [
        (c["journal_no"], c["meeting_date"], c["agenda_deadline"]) for c in found["not_ready"]
    ] == [(drafting, "2009-06-11", "2009-05-28")]
    assert report.secretariat_report(engine, engine.actor("admin"), "TMU")["not_ready"] == []


def test_a_closed_item_never_appears_in_public_output(
    engine: Engine, meeting: int, clock: FakeClock
) -> None:
    secretariat = engine.actor(SECRETARIAT)
    public = ready_case(engine, "Åben sag om boliger")
    secret = ready_case(engine, "Fortrolig personsag Jensen")
    agenda.add_item(engine, meeting, public, secretariat)
    agenda.add_item(engine, meeting, secret, secretariat, closed=True)
    with pytest.raises(NotAllowed, match="not published yet"):
        agenda.get_agenda(engine, meeting, public=True)  # a draft is nobody's outside
    agenda.publish(engine, meeting, secretariat)
    engine.edit(public, {"title": "Åben sag om boliger, rettet"}, engine.actor("admin"))
    # The public sees what was published, not edits made since.
    assert agenda.get_agenda(engine, meeting, public=True)["items"][0]["title"] == (
        "Åben sag om boliger"
    )
    clock.set(copenhagen_time("2009-06-11 17:00"))
    minutes.decide_item(engine, meeting, 2, secretariat, outcome="decided", text="Bevilget Jensen")

    outputs = [
        json.dumps(agenda.get_agenda(engine, meeting, public=True), ensure_ascii=False),
        json.dumps(agenda.versions(engine, meeting, public=True), ensure_ascii=False),
    ]
    for text in outputs:
        assert "Åben sag om boliger" in text
        assert "Lukket punkt" in text
        for leak in (secret, "Fortrolig", "Jensen", "Resumé af Fortrolig"):
            assert leak not in text
    internal = json.dumps(
        agenda.get_agenda(engine, meeting, viewer=engine.actor(SECRETARIAT)), ensure_ascii=False
    )
    assert "Fortrolig personsag Jensen" in internal
    # The full agenda is for BIU's insiders: not for nobody, nor for a case officer.
    for outsider in (None, engine.actor("bif.sagsbehandler")):
        with pytest.raises(NotAllowed, match="closed items"):
            agenda.get_agenda(engine, meeting, viewer=outsider)
        with pytest.raises(NotAllowed, match="closed items"):
            agenda.versions(engine, meeting, viewer=outsider)

    # The case's course: the closed decision for BIU's insiders only; the case's own
    # people see that it was treated, closed; others may not see the case at all.
    def decisions(username: str) -> list[object]:
        course = report.course(engine, secret, engine.actor(username))
        return [(t["decision"], t["withheld"]) for t in course["treatments"]]

    assert decisions(SECRETARIAT) == [("Bevilget Jensen", False)]
    assert decisions("admin") == [("Bevilget Jensen", False)]
    assert decisions("bif.sagsbehandler") == [(None, True)]
    add_actor(engine, "kff.sagsbehandler", RoleGrant("case_officer", administration="KFF"))
    with pytest.raises(NotFound, match=f"case {secret}: not found or not allowed"):
        report.course(engine, secret, engine.actor("kff.sagsbehandler"))


def test_a_decision_sends_the_case_on_to_the_finance_committee(
    engine: Engine, meeting: int, clock: FakeClock
) -> None:
    add_actor(engine, "oeu.sekretariat", RoleGrant("secretariat", committee="ØU"))
    oeu_meeting = add_meeting(engine, "ØU", "2009-08-18 14:00")
    biu = engine.actor(SECRETARIAT)
    journal_no = ready_case(engine)
    agenda.add_item(engine, meeting, journal_no, biu)
    clock.set(copenhagen_time("2009-06-11 17:00"))
    case = minutes.decide_item(
        engine, meeting, 1, biu, outcome="decided", text="Indstillingen tiltrådt.", to="ØU"
    )
    assert (case.state, case.committee) == ("ready_for_agenda", "ØU")
    assert [e.trigger for e in engine.history(journal_no)[-2:]] == ["decide", "send_on"]
    waiting = report.secretariat_report(engine, engine.actor("admin"), "ØU")["without_meeting"]
    assert [(w["journal_no"], w["reason"]) for w in waiting] == [(journal_no, "sent on")]
    agenda.add_item(engine, oeu_meeting, journal_no, engine.actor("oeu.sekretariat"))
    course = report.course(engine, journal_no, engine.actor("admin"))
    assert [(t["committee"], t["outcome"], t["referred_to"]) for t in course["treatments"]] == [
        ("BIU", "decided", "ØU"),
        ("ØU", None, None),
    ]


def test_a_case_withdrawn_from_the_agenda_does_not_block_the_minutes(
    engine: Engine, meeting: int, clock: FakeClock
) -> None:
    secretariat = engine.actor(SECRETARIAT)
    staying, leaving = ready_case(engine, "Bliver"), ready_case(engine, "Trækkes")
    agenda.add_item(engine, meeting, staying, secretariat)
    agenda.add_item(engine, meeting, leaving, secretariat)
    add_actor(engine, "tmf.chef", RoleGrant("director", administration="TMF"))
    engine.fire(leaving, "withdraw", engine.actor("tmf.chef"), comment="Sagen er bortfaldet")
    clock.set(copenhagen_time("2009-06-11 17:00"))
    minutes.decide_item(engine, meeting, 1, secretariat, outcome="decided", text="Godkendt.")
    minutes.approve_minutes(engine, meeting, secretariat)
    items = agenda.get_agenda(engine, meeting, viewer=engine.actor(SECRETARIAT))["items"]
    assert [(i["journal_no"], i["status"]) for i in items] == [
        (staying, "decided"),
        (leaving, "removed"),
    ]


# --- taking an item off the agenda ---------------------------------------------------------


def test_an_item_taken_off_the_agenda_waits_for_another_meeting(
    engine: Engine, meeting: int, clock: FakeClock
) -> None:
    later = add_meeting(engine, "BIU", "2009-08-20 15:00")
    secretariat = engine.actor(SECRETARIAT)
    first, leaving, third = (ready_case(engine, t) for t in ("Første", "Trækkes", "Tredje"))
    for journal_no in (first, leaving, third):
        agenda.add_item(engine, meeting, journal_no, secretariat)
    agenda.publish(engine, meeting, secretariat)

    done = agenda.withdraw_item(
        engine, meeting, leaving, secretariat, reason="Afventer Landsbyggefondens svar"
    )
    assert done.item.item_no == 2
    assert [(i.item_no, i.journal_no) for i in done.remaining] == [(1, first), (2, third)]
    assert done.published_version == 2
    case = engine.get_case(leaving)
    assert case.state == "ready_for_agenda"
    assert {"meeting", "meeting_id", "meeting_date"}.isdisjoint(case.fields)
    last = engine.history(leaving)[-1]
    assert (last.trigger, last.comment) == ("take_off_agenda", "Afventer Landsbyggefondens svar")

    found = agenda.versions(engine, meeting, public=True)
    assert "Punkt 2" in (found[1]["change_note"] or "")
    assert "taget af dagsordenen: Afventer Landsbyggefondens svar" in found[1]["change_note"]
    assert [i["journal_no"] for i in found[0]["agenda"]["items"]] == [first, leaving, third]
    assert [(i["item_no"], i["journal_no"]) for i in found[1]["agenda"]["items"]] == [
        (1, first),
        (2, third),
    ]
    public = agenda.get_agenda(engine, meeting, public=True)
    assert [i["journal_no"] for i in public["items"]] == [first, third]
    insiders = agenda.get_agenda(engine, meeting, viewer=secretariat)["items"]
    assert [(i["journal_no"], i["status"], i["taken_off"]) for i in insiders] == [
        (first, "scheduled", None),
        (leaving, "removed", "Afventer Landsbyggefondens svar"),
        (third, "scheduled", None),
    ]
    waiting = report.secretariat_report(engine, engine.actor(SECRETARIAT), "BIU")["without_meeting"]
    assert [(w["journal_no"], w["reason"]) for w in waiting] == [(leaving, "taken off")]

    # A new item follows the two left; the case taken off goes on the later meeting.
    fourth = ready_case(engine, "Fjerde")
    added = agenda.add_item(engine, meeting, fourth, secretariat, note="Nyt punkt")
    assert added.item.item_no == 3
    assert agenda.add_item(engine, later, leaving, secretariat).item.item_no == 1
    clock.set(copenhagen_time("2009-06-11 17:00"))
    for item_no in (1, 2, 3):
        minutes.decide_item(engine, meeting, item_no, secretariat, outcome="decided", text="Ok.")
    assert engine.get_case(third).state == "decided"
    minutes.approve_minutes(engine, meeting, secretariat)
    course = report.course(engine, leaving, engine.actor("admin"))
    assert [(t["meeting_id"], t["item_no"], t["status"]) for t in course["treatments"]] == [
        (meeting, 2, "removed"),
        (later, 1, "scheduled"),
    ]


def test_taking_an_item_off_is_refused_with_the_reason_why(
    engine: Engine, meeting: int, clock: FakeClock
) -> None:
    secretariat = engine.actor(SECRETARIAT)
    on_it, waiting = ready_case(engine, "På dagsordenen"), ready_case(engine, "Venter")
    agenda.add_item(engine, meeting, on_it, secretariat)
    add_actor(engine, "tmu.sekretariat", RoleGrant("secretariat", committee="TMU"))

    with pytest.raises(InvalidInput, match="say why the item is taken off"):
        agenda.withdraw_item(engine, meeting, on_it, secretariat, reason="  ")
    with pytest.raises(NotAllowed, match="secretariat@BIU"):
        agenda.withdraw_item(engine, meeting, on_it, engine.actor("tmu.sekretariat"), reason="x")
    with pytest.raises(NotAllowed, match=f"case {waiting} is not on the agenda of meeting"):
        agenda.withdraw_item(engine, meeting, waiting, secretariat, reason="x")
    assert engine.get_case(on_it).state == "on_agenda"

    admin = engine.actor("admin")  # an administrator may, like the secretariat
    agenda.withdraw_item(engine, meeting, on_it, admin, reason="Fejl")
    with pytest.raises(NotAllowed, match=r"taken off the agenda of meeting .* already: Fejl"):
        agenda.withdraw_item(engine, meeting, on_it, secretariat, reason="x")
    # Taken off by mistake: it goes back on the same meeting, as its last item.
    agenda.add_item(engine, meeting, waiting, secretariat)
    back = agenda.add_item(engine, meeting, on_it, secretariat)
    assert (back.item.item_no, back.item.status, back.item.decision) == (2, "scheduled", None)
    assert back.case.state == "on_agenda"
    with pytest.raises(NotAllowed, match="already on the agenda"):
        agenda.add_item(engine, meeting, on_it, secretariat)
    agenda.withdraw_item(engine, meeting, on_it, secretariat, reason="Alligevel ikke")

    untreated = ready_case(engine, "Ikke behandlet")
    agenda.add_item(engine, meeting, untreated, secretariat)
    clock.set(copenhagen_time("2009-06-11 17:00"))
    minutes.decide_item(engine, meeting, 1, secretariat, outcome="decided", text="Godkendt.")
    with pytest.raises(NotAllowed, match=r"treated at the meeting \(decided\)"):
        agenda.withdraw_item(engine, meeting, waiting, secretariat, reason="For sent")
    assert engine.get_case(waiting).state == "decided"
    # The meeting is held now: an item it did not treat is settled in the minutes.
    settled = r"meeting .* is held.*settled in its minutes \(as postponed\)"
    with pytest.raises(NotAllowed, match=settled):
        agenda.withdraw_item(engine, meeting, untreated, secretariat, reason="Nåede det ikke")
    assert engine.get_case(untreated).state == "on_agenda"


def test_taking_a_closed_item_off_tells_the_public_only_its_number(
    engine: Engine, meeting: int
) -> None:
    secretariat = engine.actor(SECRETARIAT)
    public, secret = ready_case(engine, "Åben sag"), ready_case(engine, "Fortrolig sag Jensen")
    agenda.add_item(engine, meeting, public, secretariat)
    agenda.add_item(engine, meeting, secret, secretariat, closed=True)
    agenda.publish(engine, meeting, secretariat)
    agenda.withdraw_item(engine, meeting, secret, secretariat, reason="Jensen er flyttet")
    text = json.dumps(agenda.versions(engine, meeting, public=True), ensure_ascii=False)
    assert "Punkt 2 (lukket punkt) er taget af dagsordenen." in text
    for leak in (secret, "Fortrolig", "Jensen"):
        assert leak not in text


def test_a_case_on_a_workflow_version_without_the_transition_stays_on(
    tmp_path: Path, database_url: str, clock: FakeClock
) -> None:
    old = tmp_path / "workflows"
    shutil.copytree(WORKFLOWS, old)
    source = old / "committee-case.yaml"
    text = source.read_text(encoding="utf-8")
    start = text.index("  - trigger: take_off_agenda")
    source.write_text(text[:start] + text[text.index("  - trigger: start_follow_up") :])
    clock.set(copenhagen_time("2009-05-20 09:00"))
    engine = make_test_engine(database_url, clock=clock, workflows_dir=old)
    meeting = add_meeting(engine, "BIU", MEETING)
    journal_no = ready_case(engine)
    agenda.add_item(engine, meeting, journal_no, engine.actor(SECRETARIAT))
    agenda.publish(engine, meeting, engine.actor(SECRETARIAT))
    engine.close()

    engine = make_test_engine(
        database_url, clock=clock, workflows_dir=WORKFLOWS, load_demo_organisation=False
    )
    with pytest.raises(NotAllowed, match=r"runs on version .* no 'take_off_agenda'"):
        agenda.withdraw_item(engine, meeting, journal_no, engine.actor(SECRETARIAT), reason="x")
    assert engine.get_case(journal_no).state == "on_agenda"
    assert len(agenda.versions(engine, meeting, public=True)) == 1
    engine.close()


def test_a_cancelled_meetings_items_can_be_taken_off(engine: Engine, meeting: int) -> None:
    secretariat = engine.actor(SECRETARIAT)
    journal_no = ready_case(engine)
    agenda.add_item(engine, meeting, journal_no, secretariat)
    with write_transaction(engine.db) as conn:
        meeting_rows.cancel(conn, meeting, now=engine.clock.now())
    with pytest.raises(NotAllowed, match="cancelled"):
        agenda.move_item(engine, meeting, 1, 1, secretariat)
    done = agenda.withdraw_item(engine, meeting, journal_no, secretariat, reason="Mødet er aflyst")
    assert (done.case.state, done.remaining) == ("ready_for_agenda", [])


# --- closed stays closed (issue 15, finding 2) ------------------------------------------


def _public_text(engine: Engine, meeting: int) -> str:
    return json.dumps(
        [
            agenda.get_agenda(engine, meeting, public=True),
            agenda.versions(engine, meeting, public=True),
        ],
        ensure_ascii=False,
    )


def test_a_case_marked_closed_goes_on_the_agenda_as_a_closed_item(
    engine: Engine, meeting: int
) -> None:
    secretariat = engine.actor(SECRETARIAT)
    secret = ready_case(engine, "Fortrolig personsag Jensen")
    engine.edit(secret, {"fields.closed": True}, engine.actor("admin"))
    added = agenda.add_item(engine, meeting, secret, secretariat)  # no closed=True
    assert (added.item.is_public, added.inherited_closed) == (False, True)
    agenda.publish(engine, meeting, secretariat)
    text = _public_text(engine, meeting)
    assert "Lukket punkt" in text
    for leak in (secret, "Fortrolig", "Jensen"):
        assert leak not in text


def test_a_closed_item_taken_off_and_put_back_stays_closed(engine: Engine, meeting: int) -> None:
    from caseflow.documents.config import load_config
    from caseflow.documents.service import case_document

    secretariat = engine.actor(SECRETARIAT)
    other, secret = ready_case(engine, "Åben sag"), ready_case(engine, "Fortrolig sag Jensen")
    agenda.add_item(engine, meeting, other, secretariat)
    agenda.add_item(engine, meeting, secret, secretariat, closed=True)
    agenda.withdraw_item(engine, meeting, secret, secretariat, reason="Fejl")
    back = agenda.add_item(engine, meeting, secret, secretariat)  # as public, by routine
    assert (back.item.is_public, back.inherited_closed) == (False, True)
    agenda.publish(engine, meeting, secretariat)
    text = _public_text(engine, meeting)
    for leak in (secret, "Fortrolig", "Jensen"):
        assert leak not in text
    document = case_document(engine, secret, load_config(), engine.actor("admin"))
    assert document.closed  # case render --public leaves it out too

    # On another meeting of the same committee it is closed as well.
    later = add_meeting(engine, "BIU", "2009-08-20 15:00")
    agenda.withdraw_item(engine, meeting, secret, secretariat, reason="Udsat")
    assert not agenda.add_item(engine, later, secret, secretariat).item.is_public


def test_making_a_closed_item_public_is_an_explicit_audited_act(
    engine: Engine, meeting: int, clock: FakeClock
) -> None:
    secretariat = engine.actor(SECRETARIAT)
    secret = ready_case(engine, "Sag om grunden Jensen")
    engine.edit(secret, {"fields.closed": True}, engine.actor("admin"))
    agenda.add_item(engine, meeting, secret, secretariat)
    agenda.publish(engine, meeting, secretariat)

    with pytest.raises(InvalidInput) as refused:
        agenda.open_item(engine, meeting, secret, secretariat, reason=" ")
    assert refused.value.code == "reason_required"
    with pytest.raises(NotAllowed, match="secretariat@BIU"):
        agenda.open_item(engine, meeting, secret, engine.actor("bif.sagsbehandler"), reason="x")
    assert "Jensen" not in _public_text(engine, meeting)

    opened = agenda.open_item(engine, meeting, secret, secretariat, reason="Handlen er offentlig")
    assert opened.item.is_public
    assert opened.published_version == 2
    assert "closed" not in opened.case.fields
    last = engine.history(secret)[-1]
    assert (last.kind, last.actor) == ("made_public", SECRETARIAT)
    assert "Handlen er offentlig" in (last.comment or "")
    found = agenda.versions(engine, meeting, public=True)
    assert "gjort offentligt: Handlen er offentlig" in (found[-1]["change_note"] or "")
    assert found[-1]["agenda"]["items"][0]["title"] == "Sag om grunden Jensen"
    with pytest.raises(NotAllowed, match="public already"):
        agenda.open_item(engine, meeting, secret, secretariat, reason="igen")


# --- reads check the actor (issue 15, finding 3) ----------------------------------------


def test_report_and_queue_show_only_what_the_reader_may_see(
    engine: Engine, meeting: int, clock: FakeClock
) -> None:
    later = add_meeting(engine, "BIU", "2009-08-20 15:00")
    secretariat = engine.actor(SECRETARIAT)
    add_actor(engine, "kff.sagsbehandler", RoleGrant("case_officer", administration="KFF"))
    outsider, officer = engine.actor("kff.sagsbehandler"), engine.actor("bif.sagsbehandler")
    secret = ready_case(engine, "Fortrolig personsag Jensen")
    agenda.add_item(engine, meeting, secret, secretariat, closed=True)
    drafting = open_test_case(engine, title="Udkast om Hansen")
    engine.edit(drafting, {"fields.meeting_date": "2009-08-20"}, officer)
    clock.set(copenhagen_time("2009-06-11 17:00"))
    minutes.decide_item(engine, meeting, 1, secretariat, outcome="postponed")

    def queued(reader: str) -> list[tuple[str, str]]:
        found = report.queue(engine, engine.actor(reader), later)
        return sorted((c.journal_no, c.title) for c in found)

    def not_ready(reader: str) -> list[str]:
        found = report.secretariat_report(engine, engine.actor(reader), "BIU")["not_ready"]
        return [c["journal_no"] for c in found]

    assert queued(SECRETARIAT) == [
        (secret, "Fortrolig personsag Jensen"),
        (drafting, "Udkast om Hansen"),
    ]
    # The case's own officer sees the case, but a closed item's title only as the public does.
    assert queued("bif.sagsbehandler") == [(secret, "Lukket punkt"), (drafting, "Udkast om Hansen")]
    assert queued("kff.sagsbehandler") == []
    assert not_ready(SECRETARIAT) == [drafting]
    assert not_ready("kff.sagsbehandler") == []
    text = json.dumps(
        [
            report.secretariat_report(engine, outsider),
            [line.to_json() for line in report.queue(engine, outsider, later)],
        ],
        ensure_ascii=False,
    )
    for leak in (secret, drafting, "Jensen", "Hansen", "bif.sagsbehandler"):
        assert leak not in text


def test_the_store_never_reopens_a_closed_row_when_an_item_is_put_back(
    engine: Engine, meeting: int
) -> None:
    """``insert_item`` reuses a taken-off row: its ``is_public`` stays closed whatever is
    passed; only ``make_public`` (the audited open-item) opens it."""
    from caseflow.store import agenda as agenda_rows

    secretariat = engine.actor(SECRETARIAT)
    secret = ready_case(engine, "Fortrolig")
    agenda.add_item(engine, meeting, secret, secretariat, closed=True)
    agenda.withdraw_item(engine, meeting, secret, secretariat, reason="Fejl")
    case_id = engine.get_case(secret).id
    with engine.transaction() as conn:
        item_id = agenda_rows.insert_item(
            conn, meeting_id=meeting, case_id=case_id, committee="BIU", is_public=True,
            late_reason=None, late_approved_by=None, is_late=False, actor="x",
            now=engine.clock.now(),
        )  # fmt: skip
        item = agenda_rows.item_on_meeting(conn, meeting, case_id)
        assert item is not None
        assert (item.id, item.is_public) == (item_id, False)
        agenda_rows.make_public(conn, item_id)
        reopened = agenda_rows.item_on_meeting(conn, meeting, case_id)
        assert reopened is not None
        assert reopened.is_public
