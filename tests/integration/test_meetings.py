"""Meeting rows and the meeting plan service against a real database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from caseflow.calendar import COPENHAGEN_RULES
from caseflow.deadlines.rules import Calendars
from caseflow.engine import Engine
from caseflow.errors import Conflict, DefinitionError, InvalidInput, NotAllowed, NotFound
from caseflow.meetings import committees as edit
from caseflow.meetings import plan as service
from caseflow.meetings.vocabulary import MeetingStatus
from caseflow.store import meetings as rows
from caseflow.store import organisation as org_rows
from caseflow.store.db import read_transaction
from caseflow.testing import copenhagen_time


def test_create_get_list_and_next_after(engine: Engine) -> None:
    now = copenhagen_time("2009-05-14 10:00")
    with engine.transaction() as conn:
        june = rows.create(
            conn,
            committee="BIU",
            starts_at=copenhagen_time("2009-06-11 16:30"),
            ends_at=copenhagen_time("2009-06-11 18:30"),
            place="Københavns Rådhus",
            now=now,
        )
        rows.create(conn, committee="BIU", starts_at=copenhagen_time("2009-08-13 16:30"), now=now)
        rows.create(conn, committee="TMU", starts_at=copenhagen_time("2009-06-10 15:00"), now=now)
    with read_transaction(engine.db) as conn:
        got = rows.get(conn, june.id)
        assert got == june
        assert got.starts_at == datetime(2009, 6, 11, 14, 30, tzinfo=UTC)  # stored in UTC
        assert got.status == "planned"
        assert got.sequence == 0
        assert [m.committee for m in rows.list_for(conn)] == ["TMU", "BIU", "BIU"]
        biu = rows.list_for(conn, "BIU", since=copenhagen_time("2009-07-01 00:00"))
        assert [m.starts_at.month for m in biu] == [8]
        until = rows.list_for(conn, until=copenhagen_time("2009-06-11 00:00"))
        assert [m.committee for m in until] == ["TMU"]
        nxt = rows.next_after(conn, "BIU", copenhagen_time("2009-06-11 16:30"))
        assert nxt is not None
        assert nxt.starts_at.month == 8
        assert rows.next_after(conn, "BIU", copenhagen_time("2009-09-01 00:00")) is None


def test_uid_is_stable_and_sequence_rises_with_visible_changes(engine: Engine) -> None:
    now = copenhagen_time("2009-05-14 10:00")
    with engine.transaction() as conn:
        meeting = rows.create(
            conn, committee="BIU", starts_at=copenhagen_time("2009-06-11 16:30"), now=now
        )
        noted = rows.update(conn, meeting.id, now=now + timedelta(hours=1), note="husk kaffe")
        moved = rows.update(
            conn,
            meeting.id,
            now=now + timedelta(hours=2),
            starts_at=meeting.starts_at + timedelta(days=7),
        )
        cancelled = rows.cancel(conn, meeting.id, now=now + timedelta(hours=3))
    assert noted.sequence == 0  # a note is not in the calendar entry's time or place
    assert moved.sequence == 1
    assert moved.uid == meeting.uid
    assert cancelled.status == "cancelled"
    assert cancelled.sequence == 2
    assert cancelled.updated_at > moved.updated_at
    with read_transaction(engine.db) as conn:
        assert rows.next_after(conn, "BIU", now) is None  # cancelled meetings are not next


def test_the_same_committee_cannot_meet_twice_at_once(engine: Engine) -> None:
    now = copenhagen_time("2009-05-14 10:00")
    start = copenhagen_time("2009-06-11 16:30")
    with engine.transaction() as conn:
        rows.create(conn, committee="BIU", starts_at=start, now=now)
    with pytest.raises(Conflict, match="already has meeting"), engine.transaction() as conn:
        rows.create(conn, committee="BIU", starts_at=start, now=now)


def test_status_changes_follow_the_rules(engine: Engine) -> None:
    now = copenhagen_time("2009-05-14 10:00")
    with engine.transaction() as conn:
        meeting = rows.create(
            conn, committee="BIU", starts_at=copenhagen_time("2009-06-11 16:30"), now=now
        )
        assert meeting.status is MeetingStatus.PLANNED
        held = rows.set_status(conn, meeting.id, MeetingStatus.HELD, now=now)
        assert held.status is MeetingStatus.HELD
        assert rows.get(conn, meeting.id).status is MeetingStatus.HELD  # read back typed
        with pytest.raises(InvalidInput, match="cannot become cancelled"):
            rows.set_status(conn, meeting.id, MeetingStatus.CANCELLED, now=now)
        closed = rows.set_status(conn, meeting.id, MeetingStatus.CLOSED, now=now)
        assert closed.status is MeetingStatus.CLOSED
    with pytest.raises(NotFound), read_transaction(engine.db) as conn:
        rows.get(conn, 9999)


def test_an_end_before_the_start_is_refused(engine: Engine) -> None:
    start = copenhagen_time("2009-06-11 16:30")
    with pytest.raises(InvalidInput, match="end after"), engine.transaction() as conn:
        rows.create(
            conn, committee="BIU", starts_at=start, ends_at=start - timedelta(hours=1), now=start
        )


# -- the service --------------------------------------------------------------------------


def test_only_the_secretariat_or_an_administrator_may_plan(engine: Engine) -> None:
    start = copenhagen_time("2009-06-11 16:30")
    with pytest.raises(NotAllowed, match=r"secretariat@TMU"):
        service.create_meeting(
            engine, engine.actor("biu.sekretariat"), committee="TMU", starts_at=start
        )
    with pytest.raises(NotAllowed, match="may not plan meetings of BIU"):
        service.create_meeting(
            engine, engine.actor("bif.sagsbehandler"), committee="BIU", starts_at=start
        )
    mine = service.create_meeting(
        engine, engine.actor("biu.sekretariat"), committee="BIU", starts_at=start
    )
    other = service.create_meeting(engine, engine.actor("admin"), committee="TMU", starts_at=start)
    assert (mine.committee, other.committee) == ("BIU", "TMU")
    with pytest.raises(NotAllowed):
        service.cancel_meeting(engine, engine.actor("biu.sekretariat"), other.id)
    with pytest.raises(NotFound, match="no committee 'XYZ'"):
        service.create_meeting(engine, engine.actor("admin"), committee="XYZ", starts_at=start)


PLAN = """\
# BIU and TMU, autumn 2009
defaults:
  BIU: {time: "16:30", until: "18:30", place: Københavns Rådhus}
meetings:
  - {committee: BIU, date: 2009-06-11}
  - committee: BIU
    date: 2009-08-13
    time: 15:00
  - {committee: TMU, date: 2009-06-10, time: "15.00"}
"""


def test_import_is_idempotent_and_updates_in_place(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN, encoding="utf-8")
    admin = engine.actor("admin")
    first = service.import_plan(engine, admin, path)
    assert len(first.created) == 3
    with read_transaction(engine.db) as conn:
        before = {m.id: m for m in rows.list_for(conn)}
    aug = next(m for m in before.values() if m.starts_at.month == 8)
    assert aug.starts_at == copenhagen_time("2009-08-13 15:00")  # unquoted 15:00 in YAML
    assert aug.ends_at == copenhagen_time("2009-08-13 18:30")
    assert aug.place == "Københavns Rådhus"

    again = service.import_plan(engine, admin, path)
    assert (again.created, again.updated) == ([], [])
    assert sorted(again.unchanged) == sorted(before)

    path.write_text(PLAN.replace("Københavns Rådhus", "'Rådhuset, værelse 2'"), encoding="utf-8")
    third = service.import_plan(engine, admin, path)
    assert sorted(third.updated) == sorted(m.id for m in before.values() if m.committee == "BIU")
    with read_transaction(engine.db) as conn:
        after = {m.id: m for m in rows.list_for(conn)}
    assert {i: m.uid for i, m in after.items()} == {i: m.uid for i, m in before.items()}
    assert after[aug.id].sequence == 1
    assert after[aug.id].place == "Rådhuset, værelse 2"


def test_import_reports_every_problem_with_its_line(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(
        "meetings:\n"
        "  - {committee: BIU, date: 2009-06-11, time: '16:30'}\n"  # 2: fine
        "  - {committee: BIU, date: '2009-06-31', time: '16:30'}\n"  # 3: no such day
        "  - {committee: BIU, date: 2009-07-02}\n"  # 4: no time
        "  - committee: BIU\n"  # 5
        "    date: 2009-08-13\n"
        "    time: '16:30'\n"
        "    plac: Rådhuset\n"  # 8: unknown key
        "  - {committee: BIU, date: 2009-06-11, time: '16:30'}\n",  # 9: listed twice
        encoding="utf-8",
    )
    with pytest.raises(DefinitionError) as info:
        service.import_plan(engine, engine.actor("admin"), path)
    by_line = {p.line: p.message for p in info.value.problems}
    assert set(by_line) == {3, 4, 8, 9}
    assert "'2009-06-31'" in by_line[3]
    assert "time missing" in by_line[4]
    assert "did you mean 'place'" in by_line[8]
    assert "first on line 2" in by_line[9]
    assert f"{path}:8: meetings[3]: unknown key 'plac'" in str(info.value)
    with read_transaction(engine.db) as conn:
        assert rows.list_for(conn) == []  # nothing written


def test_an_impossible_unquoted_date_is_a_problem_not_a_crash(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text("meetings:\n  - {committee: BIU, date: 2009-02-30, time: '16:30'}\n")
    with pytest.raises(DefinitionError, match=rf"{path}:2: cannot read this value"):
        service.import_plan(engine, engine.actor("admin"), path)


def test_csv_import_checks_committees_with_lines(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text(
        "committee,date,time,until,place\n"
        "BIU,2009-06-11,16:30,18:30,Rådhuset\n"
        "XYZ,2009-06-12,16:30,,\n"
        "TMU,2009-06-10,15:00,14:00,\n",
        encoding="utf-8",
    )
    with pytest.raises(DefinitionError) as info:
        service.import_plan(engine, engine.actor("admin"), path)
    assert f"{path}:4" in str(info.value)  # until before time
    path.write_text(
        "committee,date,time,until,place\n"
        "BIU,2009-06-11,16:30,18:30,Rådhuset\n"
        "XYZ,2009-06-12,16:30,,\n",
        encoding="utf-8",
    )
    with pytest.raises(DefinitionError, match=rf"{path}:3: XYZ: no committee 'XYZ'"):
        service.import_plan(engine, engine.actor("admin"), path)


def test_import_refuses_committees_the_actor_does_not_serve(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN, encoding="utf-8")
    with pytest.raises(NotAllowed, match="TMU"):
        service.import_plan(engine, engine.actor("biu.sekretariat"), path)


def test_plan_backwards_uses_the_stored_plan_and_skips_cancelled(engine: Engine) -> None:
    admin = engine.actor("admin")
    for committee, when in [
        ("BIU", "2009-11-12 16:30"),
        ("BIU", "2009-11-19 16:30"),
        ("ØU", "2009-12-01 15:00"),
        ("BR", "2009-12-17 17:30"),
    ]:
        service.create_meeting(engine, admin, committee=committee, starts_at=copenhagen_time(when))
    calendars = Calendars.for_rules(COPENHAGEN_RULES)
    plan = service.plan_backwards(
        engine, ["BIU", "ØU", "BR"], date(2009, 12, 31), calendars, today=date(2009, 10, 1)
    )
    assert plan.feasible
    assert [m.meeting_day for m in plan.meetings] == [
        date(2009, 11, 19),  # on ØU's agenda deadline: 8 working days before 1 Dec
        date(2009, 12, 1),  # 10 working days before BR's 17 Dec is 3 Dec
        date(2009, 12, 17),
    ]
    with read_transaction(engine.db) as conn:
        late = rows.find(conn, "BIU", copenhagen_time("2009-11-19 16:30"))
    assert late is not None
    service.cancel_meeting(engine, admin, late.id)
    plan = service.plan_backwards(
        engine, ["BIU", "ØU", "BR"], date(2009, 12, 31), calendars, today=date(2009, 10, 1)
    )
    assert plan.meetings[0].meeting_day == date(2009, 11, 12)
    with pytest.raises(NotFound, match="no committee 'XX'"):
        service.plan_backwards(
            engine, ["XX"], date(2009, 12, 31), calendars, today=date(2009, 10, 1)
        )
    with pytest.raises(InvalidInput, match="twice"):
        service.plan_backwards(
            engine, ["BR", "BR"], date(2009, 12, 31), calendars, today=date(2009, 10, 1)
        )


# -- organisation edits -------------------------------------------------------------------


def test_organisation_edits_need_an_administrator(engine: Engine) -> None:
    change = edit.CommitteeChange(deadline_working_days=10, chair="Ny formand")
    with pytest.raises(NotAllowed, match="administrator"):
        edit.update_committee(engine, engine.actor("biu.sekretariat"), "BIU", change)
    edit.update_committee(engine, engine.actor("admin"), "BIU", change)
    with read_transaction(engine.db) as conn:
        stored = edit.get_committee(conn, "BIU")
    assert stored.agenda.deadline_working_days == 10
    assert stored.chair == "Ny formand"
    assert stored.members[0] == "Medlem A"  # untouched

    admin = engine.actor("admin")
    temporary = edit.add_committee(
        engine, admin, "OMRU", edit.CommitteeChange(name="Følgegruppe", kind="temporary")
    )
    assert temporary.kind == "temporary"
    with pytest.raises(InvalidInput, match="exists"):
        edit.add_committee(engine, admin, "OMRU", edit.CommitteeChange(name="Igen"))
    edit.set_administration(engine, admin, "ØKF", "Økonomiforvaltningen (ny)", None)
    group = edit.set_steering_member(engine, admin, "OMR", "BIF", "bif.chef")
    assert {"BIF": "bif.chef"}.items() <= {m.administration: m.actor for m in group.members}.items()
    group = edit.set_steering_member(engine, admin, "OMR", "KFF", None, remove=True)
    assert "KFF" not in {m.administration for m in group.members}
    with pytest.raises(InvalidInput, match="not in steering group"):
        edit.set_steering_member(engine, admin, "OMR", "KFF", None, remove=True)
    with read_transaction(engine.db) as conn:
        names = {a["code"]: a["name"] for a in org_rows.list_administrations(conn)}
    assert names["ØKF"] == "Økonomiforvaltningen (ny)"
    with pytest.raises(NotAllowed):
        edit.set_administration(engine, engine.actor("bif.chef"), "ØKF", "x", None)


def test_a_moved_meeting_keeps_its_length_and_uid(engine: Engine) -> None:
    admin = engine.actor("admin")
    meeting = service.create_meeting(
        engine,
        admin,
        committee="BIU",
        starts_at=copenhagen_time("2009-06-11 16:30"),
        ends_at=copenhagen_time("2009-06-11 18:30"),
    )
    moved = service.change_meeting(
        engine, admin, meeting.id, starts_at=copenhagen_time("2009-06-18 15:00")
    )
    assert moved.ends_at == copenhagen_time("2009-06-18 17:00")
    assert (moved.uid, moved.sequence) == (meeting.uid, 1)
    with pytest.raises(NotAllowed):
        service.change_meeting(engine, engine.actor("bif.chef"), meeting.id, place="x")
