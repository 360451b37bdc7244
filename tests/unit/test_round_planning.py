"""Where a new round of an approval chain opens and its step's deadline (no database):
what the chain starter and a migration that moves a case into a chain's state share."""

from __future__ import annotations

from pathlib import Path

from caseflow.approvals.hook import plan_round
from caseflow.calendar import COPENHAGEN_RULES
from caseflow.deadlines.rules import Calendars
from caseflow.deadlines.scheduling import DueDates
from caseflow.definitions.loader import load_workflow_file
from caseflow.store.approvals import ChainRecord, ChainStatus
from caseflow.testing import copenhagen_time

REPO = Path(__file__).resolve().parents[2]
DEFINITION = load_workflow_file(REPO / "workflows" / "committee-case.yaml").definition
(CHAIN,) = [t.approval for t in DEFINITION.approval_transitions if t.approval is not None]
DUE = DueDates(Calendars.for_rules(COPENHAGEN_RULES))
TUESDAY = copenhagen_time("2009-05-19 10:00")


def _last(status: ChainStatus, restart: int | None = None) -> ChainRecord:
    return ChainRecord(1, 1, "approve", 2, 1, status, ("tmf.sb",), restart, TUESDAY, TUESDAY)


def test_a_first_round_opens_at_the_first_step_with_its_deadline() -> None:
    opened = plan_round(DEFINITION, CHAIN, None, {}, TUESDAY, DUE)
    assert (opened.trigger, opened.round, opened.step_index, opened.step) == (
        "approve",
        1,
        0,
        "office_head",
    )
    assert opened.rule_id == "approval.approve.office_head"
    # 3 working days from Tuesday 19 May 2009: 20, 22 (21 is Ascension Day) and 25 May.
    assert opened.due is not None
    assert opened.due.due_at == copenhagen_time("2009-05-25 23:59:59")


def test_after_a_returned_round_it_restarts_where_that_round_said() -> None:
    opened = plan_round(DEFINITION, CHAIN, _last(ChainStatus.RETURNED, 1), {}, TUESDAY, DUE)
    assert (opened.round, opened.step_index, opened.step) == (3, 1, "director")
    # 2 working days from Tuesday 19 May: 20 and 22 May.
    assert opened.due is not None
    assert opened.due.due_at == copenhagen_time("2009-05-22 23:59:59")
    cancelled = plan_round(DEFINITION, CHAIN, _last(ChainStatus.CANCELLED, 1), {}, TUESDAY, DUE)
    assert (cancelled.round, cancelled.step_index) == (3, 0)  # only a return restarts later
