"""Starting and ending approval chains with the case's state (an engine hook).

A chain runs while its case is in a state its transition leads from: entering such
a state starts a round (at the first step, or where a returned round said it
restarts), leaving it any other way cancels the open round. The service that
completes or returns a chain ends the round itself before it fires, so this hook
finds nothing open then. It runs inside the fire's transaction, like the deadline
scheduler; a step's deadline is an ordinary deadline row of the step's rule
(:func:`caseflow.definitions.approval_schema.step_deadline_rule`). A migration that
moves a case into a chain's state opens its round through the same
:func:`plan_round` and :func:`open_round`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Connection

from caseflow.calendar import Calendars
from caseflow.deadlines.rules import DueDate
from caseflow.deadlines.scheduling import DueDates
from caseflow.deadlines.vocabulary import DeadlineStatus
from caseflow.domain import AuditKind, Case
from caseflow.engine import CaseEvent
from caseflow.store import approvals as rows
from caseflow.store import deadlines as deadline_rows
from caseflow.store.approvals import ChainStatus
from caseflow.store.cases import CaseReads

if TYPE_CHECKING:
    # Annotations only: a definition's models (pydantic) load with the first workflow,
    # not with every process that imports this module (an idle worker loads none).
    from caseflow.definitions import CompiledWorkflow
    from caseflow.definitions.approval_schema import ApprovalChain
    from caseflow.definitions.schema import TransitionDef, WorkflowDefinition


class RoundCase(Protocol):
    """What opening a round and its step's deadline reads of a case: a fired
    :class:`~caseflow.domain.Case`, or the row a migration moves."""

    @property
    def id(self) -> int: ...
    @property
    def fields(self) -> Mapping[str, Any]: ...
    @property
    def state_generation(self) -> int: ...


class PreviousRound(Protocol):
    """What numbering and placing the next round reads of the chain's newest one: a
    stored :class:`~caseflow.store.approvals.ChainRecord`, or the
    :class:`~caseflow.store.approvals.LatestRound` a fire read with its case."""

    @property
    def round(self) -> int: ...
    @property
    def status(self) -> ChainStatus: ...
    @property
    def restart_index(self) -> int | None: ...


@dataclass(frozen=True, slots=True)
class RoundOpening:
    """A round about to be opened: its number, the step it starts at, and that step's
    deadline as the deadline machinery computes it (``due`` None: the step has none)."""

    trigger: str
    round: int
    step_index: int
    step: str
    rule_id: str | None
    due: DueDate | None


def plan_round(
    definition: WorkflowDefinition,
    chain: ApprovalChain,
    last: PreviousRound | None,
    fields: Mapping[str, Any],
    now: datetime,
    due_dates: DueDates,
) -> RoundOpening:
    """The next round of ``chain`` opened at ``now`` (pure given ``last``, the newest
    round of the chain's trigger): at the first step, or where a returned round said
    it restarts; its step's deadline from ``now``. The starter below and a migration
    that moves a case into a chain's state both open rounds through here."""
    step_index = 0
    if last is not None and last.status is ChainStatus.RETURNED:
        step_index = min(last.restart_index or 0, len(chain.steps) - 1)
    rule_id, due = step_due(definition, chain, step_index, now, fields, due_dates)
    return RoundOpening(
        chain.trigger,
        (last.round + 1) if last is not None else 1,
        step_index,
        chain.steps[step_index].name,
        rule_id,
        due,
    )


def open_round(
    conn: Connection,
    case: RoundCase,
    opening: RoundOpening,
    drafters: Sequence[str],
    now: datetime,
) -> None:
    """Write the round of :func:`plan_round` and its step's deadline row."""
    rows.start(
        conn,
        case_id=case.id,
        trigger=opening.trigger,
        round_=opening.round,
        step_index=opening.step_index,
        drafters=sorted(set(drafters)),
        now=now,
    )
    if opening.rule_id is not None and opening.due is not None:
        _create_step_deadline(conn, case, opening.rule_id, opening.due, now)


def step_due(
    definition: WorkflowDefinition,
    chain: ApprovalChain,
    step_index: int,
    now: datetime,
    fields: Mapping[str, Any],
    due_dates: DueDates,
) -> tuple[str | None, DueDate | None]:
    """The rule id and due date of the step's deadline opened at ``now``, if it has one."""
    step = chain.steps[step_index]
    if step.deadline is None:
        return None, None
    # Here, not at the top: a chain exists only once its workflow (pydantic) is loaded.
    from caseflow.definitions.approval_schema import step_rule_id

    rule = definition.deadline(step_rule_id(chain.trigger, step.name))
    return rule.id, due_dates(rule, now, fields)


def _create_step_deadline(
    conn: Connection, case: RoundCase, rule_id: str, due: DueDate, now: datetime
) -> None:
    deadline_rows.create(
        conn,
        case_id=case.id,
        rule_id=rule_id,
        generation=case.state_generation,
        started_at=now,
        not_before=due.not_before,
        due_at=due.due_at,
        reminders_at=due.reminders,
        explanation=due.explanation,
        now=now,
    )


def open_step_deadline(
    conn: Connection,
    case: RoundCase,
    definition: WorkflowDefinition,
    chain: ApprovalChain,
    step_index: int,
    now: datetime,
    due_dates: DueDates,
) -> None:
    """Start the deadline row of the chain's step, if the step has a deadline."""
    rule_id, due = step_due(definition, chain, step_index, now, case.fields, due_dates)
    if rule_id is not None and due is not None:
        _create_step_deadline(conn, case, rule_id, due, now)


def close_step_deadline(
    conn: Connection, case: Case, chain: ApprovalChain, step_index: int, now: datetime
) -> None:
    """Mark the open deadline of a step that is done as met."""
    # Here, not at the top: a chain exists only once its workflow (pydantic) is loaded.
    from caseflow.definitions.approval_schema import step_rule_id

    rule_id = step_rule_id(chain.trigger, chain.steps[step_index].name)
    for record in deadline_rows.live_for_case(conn, case.id):
        if record.rule_id == rule_id:
            deadline_rows.close(conn, record.id, DeadlineStatus.SATISFIED, now)


_OPEN = "open_approval_rounds"
_NEWEST = "newest_approval_round"


class ApprovalStarter:
    """The engine hook that starts a round of a chain when its case enters the chain's
    state, and cancels an open round when the case leaves it another way."""

    def __init__(self, calendars: Calendars) -> None:
        self.calendars = calendars
        self._due_dates = DueDates(calendars)
        # Per loaded definition, its chained transitions: a fire of a workflow without
        # chains costs one dictionary look-up here.
        self._chained: dict[int, tuple[WorkflowDefinition, tuple[TransitionDef, ...]]] = {}

    def _chained_of(self, definition: WorkflowDefinition) -> tuple[TransitionDef, ...]:
        known = self._chained.get(id(definition))
        if known is None or known[0] is not definition:
            known = self._chained[id(definition)] = (definition, definition.approval_transitions)
        return known[1]

    def idle_for(
        self, kind: AuditKind, changed_fields: frozenset[str], workflow: CompiledWorkflow
    ) -> bool:
        """Only a fire or an opening moves a case into or out of a chain's state."""
        return kind not in (AuditKind.OPEN, AuditKind.FIRE)

    def case_reads(self, dialect: str) -> CaseReads:
        """The case's open rounds and its newest, read with a fired case (see
        Engine.case_reads)."""
        open_rounds, newest = rows.latest_case_reads(dialect)
        return ((_OPEN, open_rounds), (_NEWEST, newest))

    def __call__(self, conn: Connection, event: CaseEvent) -> None:
        if event.workflow is None or event.kind not in (AuditKind.OPEN, AuditKind.FIRE):
            return
        definition = event.workflow.definition
        chained = self._chained_of(definition)
        if not chained:
            return
        case = event.case
        if event.before is not None and event.before.state == case.state:
            return  # a step that stays in the state leaves its chain running
        by_trigger = {t.trigger: t for t in chained}
        latest = self._latest(conn, event)
        for record in latest:
            transition = by_trigger.get(record.trigger)
            if record.open and (transition is None or case.state not in transition.sources):
                rows.end(conn, record.id, ChainStatus.CANCELLED, event.at)
        running = {r.trigger for r in latest if r.open and r.trigger in by_trigger}
        for transition in chained:
            chain = transition.approval
            if chain is None or case.state not in transition.sources:
                continue
            if transition.trigger in running:
                continue
            last = self._previous(conn, case.id, latest, transition.trigger)
            self._start(conn, event, definition, chain, last)

    @staticmethod
    def _latest(conn: Connection, event: CaseEvent) -> list[rows.LatestRound]:
        if event.kind is not AuditKind.FIRE:
            return []  # a new case has none
        if _OPEN in event.read:
            return rows.latest_of_read(event.read[_OPEN], event.read[_NEWEST])
        return rows.latest_rounds(conn, event.case.id)

    @staticmethod
    def _previous(
        conn: Connection, case_id: int, latest: list[rows.LatestRound], trigger: str
    ) -> PreviousRound | None:
        """The newest round of ``trigger``'s chain, none running: the read's last round
        is the case's newest of all, so only when that is another chain's is it asked."""
        if not latest:
            return None  # the case has had no round at all
        if latest[-1].trigger == trigger:
            return latest[-1]
        return rows.last_chain(conn, case_id, trigger)

    def _start(
        self,
        conn: Connection,
        event: CaseEvent,
        definition: WorkflowDefinition,
        chain: ApprovalChain,
        last: PreviousRound | None,
    ) -> None:
        """A new round of ``chain``, after ``last``, the chain's newest round if any."""
        case = event.case
        opening = plan_round(definition, chain, last, case.fields, event.at, self._due_dates)
        drafters = [event.actor.username, *([case.case_officer] if case.case_officer else [])]
        open_round(conn, case, opening, drafters, event.at)
