"""Backward planning against a hand-made meeting calendar over Easter and Christmas.

Every expected date below was counted by hand on a 2009/2010 calendar; the
comments show the count so that a failure can be checked without the code.
"""

from __future__ import annotations

from datetime import date, datetime
from importlib import resources

import pytest

from caseflow.calendar import COPENHAGEN, COPENHAGEN_RULES, DANISH_DEFAULT, CalendarRules
from caseflow.deadlines.rules import Calendars
from caseflow.meetings.plan_file import read_plan
from caseflow.meetings.planning import Planner, Step
from caseflow.organisation import AgendaRules
from caseflow.testing import copenhagen_time

BIU_RULES = AgendaRules(deadline_working_days=8, send_weekdays_before=5)
OEU_RULES = AgendaRules(deadline_working_days=8, send_weekdays_before=5)
BR_RULES = AgendaRules(deadline_working_days=10, send_weekdays_before=6)


def at(*texts: str) -> list[datetime]:
    return [copenhagen_time(t) for t in texts]


# Spring 2009. Easter: Skærtorsdag 9 Apr, Langfredag 10 Apr, 2. påskedag 13 Apr.
SPRING = [
    Step("BIU", BIU_RULES, at("2009-03-12 16:30", "2009-03-19 16:30", "2009-03-26 16:30")),
    Step("ØU", OEU_RULES, at("2009-03-31 15:00", "2009-04-07 15:00", "2009-04-21 15:00")),
    Step("BR", BR_RULES, at("2009-05-07 17:30", "2009-04-02 17:30", "2009-04-23 17:30")),
]


def planner(**kwargs: int) -> Planner:
    return Planner(Calendars.for_rules(COPENHAGEN_RULES), **kwargs)


def test_latest_plan_over_easter() -> None:
    plan = planner().plan(SPRING, date(2009, 4, 24), today=date(2009, 2, 16))
    assert plan.feasible
    biu, oeu, br = plan.meetings
    # BR: 23 Apr is the last meeting on or before Fri 24 Apr. 10 working days back,
    # skipping 13, 10 and 9 Apr: 22,21,20,17,16,15,14,8,7,6 -> Mon 6 Apr.
    assert br.meeting == copenhagen_time("2009-04-23 17:30")
    assert br.agenda_deadline == date(2009, 4, 6)
    # 6 weekdays (Saturday counts): 22,21,20,Sat 18,17,16 -> Thu 16 Apr.
    assert br.agenda_sent == date(2009, 4, 16)
    # ØU must decide by Mon 6 Apr: 7 Apr is one day too late (it would do without Easter).
    assert oeu.meeting_day == date(2009, 3, 31)
    assert oeu.agenda_deadline == date(2009, 3, 19)  # 30,27,26,25,24,23,20,19
    assert oeu.agenda_sent == date(2009, 3, 25)  # 30, Sat 28, 27, 26, 25
    # BIU may meet on ØU's agenda deadline itself: Thu 19 Mar.
    assert biu.meeting_day == date(2009, 3, 19)
    assert biu.agenda_deadline == date(2009, 3, 9)  # 18,17,16,13,12,11,10,9
    assert biu.agenda_sent == date(2009, 3, 13)  # 18,17,16, Sat 14, 13
    assert biu.draft_deadline == date(2009, 3, 2)  # 5 working days before 9 Mar
    assert plan.missed_by_working_days is None


def test_without_easter_the_later_oeu_meeting_would_do() -> None:
    """The same chain counted without Easter shows that Easter decided ØU's meeting."""
    easter = frozenset({date(2009, 4, 9), date(2009, 4, 10), date(2009, 4, 13)})
    no_holidays = Planner(Calendars.for_rules(CalendarRules("no-easter", extra_days_on=easter)))
    plan = no_holidays.plan(SPRING, date(2009, 4, 24), today=date(2009, 2, 16))
    assert plan.meetings[2].agenda_deadline == date(2009, 4, 9)
    assert plan.meetings[1].meeting_day == date(2009, 4, 7)


def test_handover_days_move_a_decision_earlier() -> None:
    """With a working day to pass the decision on, BIU's 19 March no longer fits."""
    plan = planner(handover_working_days=1).plan(SPRING, date(2009, 4, 24), date(2009, 2, 16))
    assert plan.feasible
    assert [m.meeting_day for m in plan.meetings] == [
        date(2009, 3, 12),
        date(2009, 3, 31),
        date(2009, 4, 23),
    ]


def test_too_late_says_by_how_many_working_days() -> None:
    # Today 4 Mar is after the latest plan's draft deadline (2 Mar). Forwards:
    # BIU 26 Mar (draft 9 Mar), ØU 7 Apr (agenda deadline 26 Mar), BR 7 May (agenda
    # deadline 23 Apr). From Fri 24 Apr to Thu 7 May: 27,28,29,30, 1 May, 4,5,6,7 = 9.
    plan = planner().plan(SPRING, date(2009, 4, 24), today=date(2009, 3, 4))
    assert not plan.feasible
    assert plan.missed_by_working_days == 9
    assert [m.meeting_day for m in plan.meetings] == [
        date(2009, 3, 26),
        date(2009, 4, 7),
        date(2009, 5, 7),
    ]
    assert plan.reason is not None
    assert "2009-03-02" in plan.reason


def test_no_meeting_early_enough_is_a_miss_too() -> None:
    chain = [Step("BIU", BIU_RULES, at("2009-06-11 16:30"))]
    plan = planner().plan(chain, date(2009, 5, 29), today=date(2009, 4, 1))
    assert not plan.feasible
    # 29 May to 11 Jun: 1 Jun is 2. pinsedag and 5 Jun Grundlovsdag:
    # 2,3,4,8,9,10,11 = 7 working days.
    assert plan.missed_by_working_days == 7
    assert plan.reason is not None
    assert "BIU has no meeting" in plan.reason


def test_no_meeting_at_all_cannot_be_measured() -> None:
    chain = [Step("BIU", BIU_RULES, at("2009-03-12 16:30")), Step("ØU", OEU_RULES, [])]
    plan = planner().plan(chain, date(2009, 12, 31), today=date(2009, 1, 5))
    assert not plan.feasible
    assert plan.meetings == ()
    assert plan.missed_by_working_days is None
    assert plan.reason is not None
    assert "ØU" in plan.reason


def test_a_deadline_already_past_says_so_and_offers_no_later_meetings() -> None:
    chain = [Step("BIU", BIU_RULES, at("2009-03-12 16:30", "2027-03-11 16:30"))]
    plan = planner().plan(chain, date(2009, 12, 31), today=date(2026, 12, 7))
    assert not plan.feasible
    assert plan.meetings == ()
    assert plan.missed_by_working_days is None
    assert plan.reason is not None
    assert plan.reason.startswith("the deadline 2009-12-31 has already passed (today is 2026-12-07")
    assert "2027" not in plan.reason


# Winter 2009/10. Copenhagen works on 24 and 31 December; the Danish default does not.
WINTER = [
    Step("ØU", OEU_RULES, at("2009-12-15 15:00", "2009-12-30 10:00", "2010-01-12 15:00")),
    Step("BR", BR_RULES, at("2009-12-17 17:30", "2010-01-14 17:30", "2010-01-28 17:30")),
]


def test_over_christmas_in_copenhagen() -> None:
    plan = planner().plan(WINTER, date(2010, 1, 15), today=date(2009, 11, 2))
    assert plan.feasible
    oeu, br = plan.meetings
    # 10 working days before Thu 14 Jan 2010: 13,12,11,8,7,6,5,4, (1 Jan off), 31 Dec, 30 Dec.
    assert br.agenda_deadline == date(2009, 12, 30)
    assert br.agenda_sent == date(2010, 1, 7)  # 13,12,11, Sat 9, 8, 7
    assert oeu.meeting_day == date(2009, 12, 30)
    # 8 working days before Wed 30 Dec: 29, 28, (25 off), 24, 23, 22, 21, 18, 17.
    assert oeu.agenda_deadline == date(2009, 12, 17)
    # 5 weekdays: 29, 28, (Sat 26 2. juledag, 25 off), 24, 23, 22.
    assert oeu.agenda_sent == date(2009, 12, 22)
    assert oeu.draft_deadline == date(2009, 12, 10)  # 16, 15, 14, 11, 10


def test_over_christmas_with_the_danish_days_off() -> None:
    danish = Planner(Calendars.for_rules(DANISH_DEFAULT))
    plan = danish.plan(WINTER, date(2010, 1, 15), today=date(2009, 11, 2))
    assert plan.feasible
    oeu, br = plan.meetings
    # 31 Dec is off too: ... 4 Jan (8), 30 Dec (9), 29 Dec (10).
    assert br.agenda_deadline == date(2009, 12, 29)
    assert oeu.meeting_day == date(2009, 12, 15)
    assert oeu.agenda_deadline == date(2009, 12, 3)  # 14,11,10,9,8,7,4,3


def test_meeting_on_the_deadline_day_counts() -> None:
    chain = [Step("BR", BR_RULES, at("2009-12-17 17:30"))]
    plan = planner().plan(chain, date(2009, 12, 17), today=date(2009, 11, 2))
    assert plan.feasible
    plan = planner().plan(chain, date(2009, 12, 16), today=date(2009, 11, 2))
    assert not plan.feasible
    assert plan.missed_by_working_days == 1


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        planner(approval_working_days=-1)
    with pytest.raises(ValueError, match="at least one"):
        planner().plan([], date(2009, 12, 31), date(2009, 1, 1))


def test_the_demo_plan_is_valid_and_avoids_days_off() -> None:
    path = resources.files("caseflow.demo").joinpath("meetings-2009.yaml")
    entries = read_plan(str(path))
    working = Calendars.for_rules(COPENHAGEN_RULES).working
    assert {e.committee for e in entries} == {"BIU", "TMU", "ØU", "BR"}
    assert all(working.is_open(e.starts_at.astimezone(COPENHAGEN).date()) for e in entries)
    biu = {e.starts_at for e in entries if e.committee == "BIU"}
    for scenario_day in ("2009-05-14 16:30", "2009-06-11 16:30", "2009-10-08 16:30"):
        assert copenhagen_time(scenario_day) in biu
