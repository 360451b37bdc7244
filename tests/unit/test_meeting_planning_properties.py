"""Properties of backward planning over random meeting calendars (hypothesis).

The hand-checked cases in test_meeting_planning.py pin the dates; these check
the promises for any calendar: a plan keeps every rule, no committee could
meet later, and the miss is exact (one working day less still misses, the
reported number does not).
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

from hypothesis import event, given, settings
from hypothesis import strategies as st

from caseflow.calendar import COPENHAGEN_RULES, local_date
from caseflow.deadlines.rules import Calendars
from caseflow.meetings.planning import Plan, Planner, Step
from caseflow.organisation import AgendaRules
from caseflow.testing import copenhagen_time

CALENDARS = Calendars.for_rules(COPENHAGEN_RULES)
START = date(2009, 1, 1)

days = st.integers(min_value=0, max_value=700)
rules = st.builds(
    AgendaRules,
    deadline_working_days=st.integers(0, 12),
    send_weekdays_before=st.integers(0, 8),
    saturday_counts=st.booleans(),
)


@st.composite
def chains(draw: st.DrawFn) -> list[Step]:
    steps = []
    for code in ("BIU", "ØU", "BR")[: draw(st.integers(1, 3))]:
        offsets = draw(st.lists(days, max_size=12, unique=True))
        meetings = [
            copenhagen_time(
                f"{CALENDARS.working.next_open(START + timedelta(days=o)).isoformat()} 16:30"
            )
            for o in offsets
        ]
        steps.append(Step(code, draw(rules), sorted(set(meetings))))
    return steps


def _keeps_the_rules(planner: Planner, plan: Plan, limit: date, today: date) -> None:
    meetings = plan.meetings
    assert meetings[0].draft_deadline >= today
    for earlier, later in pairwise(meetings):
        assert planner.decided_in_time(earlier.meeting_day, later.agenda_deadline)
    assert planner.needed_by(meetings[-1].meeting_day) <= limit or not plan.feasible


@settings(max_examples=150, deadline=None)
@given(
    chain=chains(),
    deadline=days,
    today=days,
    approval=st.integers(0, 6),
    handover=st.integers(0, 3),
)
def test_plans_keep_the_rules_and_misses_are_exact(
    chain: list[Step], deadline: int, today: int, approval: int, handover: int
) -> None:
    planner = Planner(CALENDARS, approval, handover)
    due = START + timedelta(days=deadline)
    now = START + timedelta(days=today)
    plan = planner.plan(chain, due, now)
    event("feasible" if plan.feasible else f"missed: {plan.missed_by_working_days is not None}")
    if plan.feasible:
        _keeps_the_rules(planner, plan, due, now)
        # No committee could meet later: a later meeting breaks its own limit.
        limits = [m.agenda_deadline for m in plan.meetings[1:]] + [due]
        for step, chosen, limit in zip(chain, plan.meetings, limits, strict=True):
            later = [m for m in step.meetings if m > chosen.meeting]
            assert not any(planner.decided_in_time(local_date(m), limit) for m in later)
        return
    if plan.missed_by_working_days is None:
        assert plan.meetings == ()
        return
    _keeps_the_rules(planner, plan, due, now)
    missed = plan.missed_by_working_days
    assert missed >= 1
    # The deadline moved on by the miss works; the day before the one needed does not.
    needed = planner.needed_by(plan.meetings[-1].meeting_day)
    assert CALENDARS.working.add(due, missed) == needed
    assert planner.plan(chain, needed, now).feasible
    assert not planner.plan(chain, needed - timedelta(days=1), now).feasible
