"""The agenda deadline and dispatch day of a meeting, from a committee's rules (pure)."""

from __future__ import annotations

from datetime import date

import pytest

from caseflow.calendar import COPENHAGEN_RULES
from caseflow.deadlines.rules import Calendars
from caseflow.meetings.timing import agenda_timing, rules_from_details
from caseflow.organisation import AgendaRules
from caseflow.testing import copenhagen_time

CALENDARS = Calendars.for_rules(COPENHAGEN_RULES)


def test_biu_before_the_meeting_on_11_june_2009() -> None:
    rules = rules_from_details({"agenda": {"deadline_working_days": 8, "send_weekdays_before": 5}})
    timing = agenda_timing(copenhagen_time("2009-06-11 15:00"), rules, CALENDARS)
    # Back from Thursday 11 June: Grundlovsdag (5 June) and Whit Monday (1 June) are off.
    assert timing.deadline_day == date(2009, 5, 28)
    # Five weekdays (Monday to Saturday) back, Grundlovsdag skipped: Thursday 4 June.
    assert timing.send_day == date(2009, 6, 4)
    assert not timing.is_late(copenhagen_time("2009-05-28 23:59"))
    assert timing.is_late(copenhagen_time("2009-05-29 00:00"))


def test_without_saturdays_the_agenda_goes_out_earlier() -> None:
    rules = AgendaRules(deadline_working_days=8, send_weekdays_before=5, saturday_counts=False)
    timing = agenda_timing(copenhagen_time("2009-06-11 15:00"), rules, CALENDARS)
    assert timing.send_day == date(2009, 6, 3)


@pytest.mark.parametrize(
    ("details", "deadline"),
    [
        ({}, date(2009, 5, 28)),  # the defaults: 8 working days
        ({"agenda": {"deadline_working_days": 10}}, date(2009, 5, 26)),  # the city council's
    ],
)
def test_the_committees_rules_decide(details: dict[str, object], deadline: date) -> None:
    timing = agenda_timing(
        copenhagen_time("2009-06-11 15:00"), rules_from_details(details), CALENDARS
    )
    assert timing.deadline_day == deadline
    assert "late items: approval" in timing.explain()
