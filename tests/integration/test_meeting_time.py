"""Time where it matters at meetings: decisions dated by the meeting, nothing decided or
approved before it begins, no items for a meeting that has begun (issue 16, finding 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from caseflow.clock import FakeClock
from caseflow.documents.config import load_config
from caseflow.documents.render import render_minutes
from caseflow.documents.service import meeting_documents
from caseflow.engine import Engine
from caseflow.errors import DefinitionError, ErrorCode, NotAllowed
from caseflow.meetings import agenda, minutes, plan
from caseflow.testing import add_test_meeting, copenhagen_time, ready_test_case

SECRETARIAT = "biu.sekretariat"


@pytest.fixture
def meeting(engine: Engine, clock: FakeClock) -> int:
    clock.set(copenhagen_time("2027-01-11 09:00"))
    return add_test_meeting(engine, "BIU", "2027-02-04 15:00")


def test_nothing_is_decided_or_approved_before_the_meeting_begins(
    engine: Engine, meeting: int, clock: FakeClock
) -> None:
    secretariat = engine.actor(SECRETARIAT)
    journal_no = ready_test_case(engine)
    agenda.add_item(engine, meeting, journal_no, secretariat)
    clock.set(copenhagen_time("2027-02-04 14:59"))
    with pytest.raises(NotAllowed, match="starts 2027-02-04 15:00") as refused:
        minutes.decide_item(engine, meeting, 1, secretariat, outcome="decided", text="Godkendt.")
    assert refused.value.code is ErrorCode.MEETING_NOT_STARTED
    with pytest.raises(NotAllowed) as refused:
        minutes.approve_minutes(engine, meeting, secretariat)
    assert refused.value.code is ErrorCode.MEETING_NOT_STARTED
    assert engine.get_case(journal_no).state == "on_agenda"


def test_a_decision_typed_in_the_next_day_is_dated_by_its_meeting(
    engine: Engine, meeting: int, clock: FakeClock
) -> None:
    secretariat = engine.actor(SECRETARIAT)
    journal_no = ready_test_case(engine)
    agenda.add_item(engine, meeting, journal_no, secretariat)
    agenda.publish(engine, meeting, secretariat)
    clock.set(copenhagen_time("2027-02-05 10:00"))  # the day after the meeting
    minutes.decide_item(engine, meeting, 1, secretariat, outcome="decided", text="Godkendt.")
    minutes.approve_minutes(engine, meeting, secretariat)
    document = meeting_documents(engine, meeting, load_config(), public=True)
    text = str(render_minutes(document, "md"))
    assert "den 4. februar 2027" in text
    assert "5. februar 2027:" not in text  # the day it was typed in dates no decision
    # The minutes end with the approving person's name, not a username.
    approver = engine.actor(SECRETARIAT).name
    assert document.approved_by == approver
    assert approver != SECRETARIAT
    assert f"af {approver}" in text


def test_no_item_goes_on_the_agenda_of_a_meeting_that_has_begun(
    engine: Engine, meeting: int, clock: FakeClock
) -> None:
    secretariat = engine.actor(SECRETARIAT)
    journal_no = ready_test_case(engine)
    clock.set(copenhagen_time("2030-01-01 09:00"))  # years later, and with a reason
    with pytest.raises(NotAllowed, match="still to come") as refused:
        agenda.add_item(engine, meeting, journal_no, secretariat, late_reason="Glemt")
    assert refused.value.code is ErrorCode.MEETING_PASSED
    assert engine.get_case(journal_no).state == "ready_for_agenda"


def test_a_plan_file_reports_every_problem_and_an_unknown_committee(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(
        "meetings:\n"
        '  - {committee: BIU, date: 2009-02-30, time: "16:30"}\n'
        "  - {committee: NOPE, date: 2009-03-02}\n"
        '  - {committee: BIU, date: 2009-03-05, time: "25:00"}\n'
        '  - {committee: BIU, date: 2027-03-28, time: "02:30"}\n',
        encoding="utf-8",
    )
    with pytest.raises(DefinitionError) as info:
        plan.import_plan(engine, engine.actor("admin"), path)
    problems = list(info.value.problems)
    assert [p.line for p in problems] == [2, 3, 4, 5]
    assert "out of range" in problems[0].message
    assert "unknown committee" in problems[1].message
    assert "time" not in problems[1].message
    assert "25:00" in problems[2].message
    assert "does not exist" in problems[3].message
