"""The approval service: what waits for an approver, and their actions on it.

A transition with ``approval:`` in its workflow file fires only through here: each
action (approve, approve with a condition, return, skip) is decided by
:func:`caseflow.approvals.chain.decide`, stored as a vote, and audited in the
case's own audit chain (kind ``approval``) in one transaction; the last approval
fires the transition and a return fires the file's return trigger, in the same
transaction. Who may act, and for whom, is worked out from today's absences and
grants (:mod:`caseflow.approvals.routing`), so a pending step routes to a
substitute the day its approver is away, with no rows to move.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from caseflow.approvals.chain import Action, ChainPosition, OutcomeKind, decide
from caseflow.approvals.hook import close_step_deadline, open_step_deadline
from caseflow.approvals.reserved import CONDITIONS_FIELD
from caseflow.approvals.routing import eligible_people, principals_for
from caseflow.calendar import local_date
from caseflow.context import Context
from caseflow.deadlines.scheduling import DueDates
from caseflow.definitions.approval_schema import ApprovalChain, ApprovalStep, step_rule_id
from caseflow.definitions.guards import APPROVED_FIELD
from caseflow.definitions.meanings import ServiceName
from caseflow.definitions.schema import TransitionDef, WorkflowDefinition
from caseflow.domain import Actor, AuditKind, Case, RoleGrant
from caseflow.errors import CaseflowError, ErrorCode, InvalidInput, NotAllowed, NotFound
from caseflow.policy import not_visible, visible_case
from caseflow.services.absence import Routing, on_behalf_label, routing_on
from caseflow.store import approvals as rows
from caseflow.store import cases as case_rows
from caseflow.store import deadlines as deadline_rows
from caseflow.store import organisation
from caseflow.store.approvals import ChainRecord, ChainStatus
from caseflow.store.db import read_transaction


@dataclass(frozen=True)
class PendingStep:
    """A step that waits for the actor (for themselves or someone they stand in for)."""

    journal_no: str
    title: str
    trigger: str
    step: str
    round: int
    for_whom: tuple[str, ...]  # principals; the actor's own name when acting for themselves
    due_at: datetime | None
    skippable: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "journal_no": self.journal_no,
            "title": self.title,
            "trigger": self.trigger,
            "step": self.step,
            "round": self.round,
            "for": list(self.for_whom),
            "due_at": self.due_at.isoformat() if self.due_at else None,
            "skippable": self.skippable,
        }


@dataclass(frozen=True)
class VoteView:
    step: str
    action: Action
    by: str  # "X" or "X på vegne af Y"
    text: str | None
    at: datetime


@dataclass(frozen=True)
class StepView:
    name: str
    status: str  # done, open, waiting, skipped (of the newest round)
    approvers: tuple[str, ...]  # the file's approvers, as text
    mode: str
    votes: tuple[VoteView, ...] = ()


@dataclass(frozen=True)
class ChainView:
    """A chain of a case as its page shows it: the newest round, and every vote given."""

    trigger: str
    round: int
    status: ChainStatus
    steps: tuple[StepView, ...]
    history: tuple[VoteView, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        def vote(v: VoteView) -> dict[str, Any]:
            return {
                "step": v.step,
                "action": v.action.value,
                "by": v.by,
                "text": v.text,
                "at": v.at.isoformat(),
            }

        return {
            "trigger": self.trigger,
            "round": self.round,
            "status": self.status.value,
            "steps": [
                {
                    "name": s.name,
                    "status": s.status,
                    "approvers": list(s.approvers),
                    "mode": s.mode,
                    "votes": [vote(v) for v in s.votes],
                }
                for s in self.steps
            ],
            "history": [vote(v) for v in self.history],
        }


@dataclass(frozen=True)
class ActOnStep:
    journal_no: str
    action: Action
    text: str | None = None  # the condition (approve_with_condition) or comment (return)
    on_behalf_of: str | None = None  # whom the actor stands in for, when it is not obvious
    trigger: str | None = None  # which chain, when a case waits on more than one


@dataclass(frozen=True)
class ActResult:
    journal_no: str
    step: str
    outcome: OutcomeKind
    by: str  # "X" or "X på vegne af Y"
    next_step: str | None
    state: str

    def to_json(self) -> dict[str, Any]:
        return {
            "journal_no": self.journal_no,
            "step": self.step,
            "outcome": self.outcome.value,
            "by": self.by,
            "next_step": self.next_step,
            "state": self.state,
        }


def _chain_of(definition: WorkflowDefinition, trigger: str) -> tuple[TransitionDef, ApprovalChain]:
    for transition in definition.approval_transitions:
        if transition.trigger == trigger and transition.approval is not None:
            return transition, transition.approval
    raise KeyError(trigger)  # a stored chain names a trigger its version defines


def _as_chain(conn: Connection, actor: Actor, transition: TransitionDef, principal: str) -> Actor:
    """The actor with the transition's roles: the chain has decided it may fire, so the
    engine's role check must not refuse a named person or unit outside those roles. Its
    name says for whom it acts, so the mails of the fire say "X på vegne af Y"."""
    name = actor.name
    if principal != actor.username:
        name = f"{actor.name} på vegne af {organisation.get_actor(conn, principal).name}"
    return Actor(
        actor.username,
        name,
        actor.email,
        tuple(RoleGrant(role) for role in transition.roles),
    )


def _step_due(
    conn: Connection, case: Case, chain: ApprovalChain, step: ApprovalStep
) -> datetime | None:
    rule_id = step_rule_id(chain.trigger, step.name)
    return next(
        (r.due_at for r in deadline_rows.live_for_case(conn, case.id) if r.rule_id == rule_id),
        None,
    )


def _pending_in(
    conn: Connection, ctx: Context, actor: Actor, record: ChainRecord, case: Case, routing: Routing
) -> PendingStep | None:
    workflow = ctx.engine.registry.for_case(conn, case.workflow_id, case.workflow_version)
    _, chain = _chain_of(workflow.definition, record.trigger)
    step = chain.steps[record.step_index]
    eligible = eligible_people(step, case.lead_administration, routing.people)
    mine = principals_for(
        actor.username,
        eligible,
        away=routing.away,
        delegations=routing.delegations,
        day=routing.day,
    )
    voted = {v.vote.principal for v in rows.votes(conn, record.id, record.step_index)}
    open_for = tuple(p for p in mine if p not in voted)
    if not open_for:
        return None
    return PendingStep(
        journal_no=case.journal_no,
        title=case.title,
        trigger=record.trigger,
        step=step.name,
        round=record.round,
        for_whom=open_for,
        due_at=_step_due(conn, case, chain, step),
        skippable=step.skippable,
    )


def pending_for(ctx: Context, actor: Actor) -> list[PendingStep]:
    """Every open step the actor may act on today, for themselves or for someone away
    or who granted them rights; the earliest due first."""
    with read_transaction(ctx.engine.db) as conn:
        routing = routing_on(conn, local_date(ctx.engine.clock.now()))
        found = []
        for record, journal_no in rows.all_open(conn):
            case = case_rows.get(conn, journal_no)
            pending = _pending_in(conn, ctx, actor, record, case, routing)
            if pending is not None:
                found.append(pending)
    return sorted(found, key=lambda p: (p.due_at is None, p.due_at or datetime.min, p.journal_no))


def chains_of_case(ctx: Context, actor: Actor, journal_no: str) -> list[ChainView]:
    """The case's chains (the newest round of each), for whoever may read the case."""
    with read_transaction(ctx.engine.db) as conn:
        case = visible_case(conn, journal_no, actor)
        workflow = ctx.engine.registry.for_case(conn, case.workflow_id, case.workflow_version)
        newest: dict[str, ChainRecord] = {}
        for record in rows.chains_of_case(conn, case.id):
            newest[record.trigger] = record
        history = rows.case_votes(conn, case.id)
    views = []
    for trigger, record in newest.items():
        # A round of a chain the case's version lacks (one it ran under before it was
        # migrated back, or onto a version without it) shows its votes but no steps.
        chain = _chain_in(workflow.definition, trigger)
        votes_of_round = [v for c, v in history if c.id == record.id]
        steps = []
        for index, step in enumerate(chain.steps if chain is not None else ()):
            step_votes = tuple(
                _vote_view(v.step, v.vote, v.at)
                for v in votes_of_round
                if v.vote.step_index == index
            )
            steps.append(
                StepView(
                    name=step.name,
                    status=_step_status(record, index, step_votes),
                    approvers=tuple(a.text for a in step.approvers),
                    mode=step.mode.value if step.n is None else f"{step.n} of {step.mode.value}",
                    votes=step_votes,
                )
            )
        all_votes = tuple(
            _vote_view(v.step, v.vote, v.at) for c, v in history if c.trigger == trigger
        )
        views.append(ChainView(trigger, record.round, record.status, tuple(steps), all_votes))
    return views


def _chain_in(definition: WorkflowDefinition, trigger: str) -> ApprovalChain | None:
    try:
        return _chain_of(definition, trigger)[1]
    except KeyError:
        return None


def _vote_view(step: str, vote: Any, at: datetime) -> VoteView:
    return VoteView(step, vote.action, on_behalf_label(vote.actor, vote.principal), vote.text, at)


def _step_status(record: ChainRecord, index: int, votes: tuple[VoteView, ...]) -> str:
    if any(v.action is Action.SKIP for v in votes):
        return "skipped"
    if record.status is ChainStatus.DONE or index < record.step_index:
        return "done"
    if index == record.step_index and record.status is ChainStatus.OPEN:
        return "open"
    return "waiting"


def _case_for(conn: Connection, actor: Actor, journal_no: str) -> Case:
    """The case, for an actor who may read it or act on its chain (who is decided after)."""
    try:
        return case_rows.get(conn, journal_no)
    except NotFound:
        raise not_visible(journal_no) from None


def _pick_chain(conn: Connection, case: Case, trigger: str | None) -> ChainRecord:
    chains = rows.open_chains(conn, case.id)
    if trigger is not None:
        chains = [c for c in chains if c.trigger == trigger]
    if len(chains) == 1:
        return chains[0]
    if not chains:
        raise NotAllowed(
            f"case {case.journal_no} waits for no approval",
            code=ErrorCode.NO_OPEN_APPROVAL,
            journal_no=case.journal_no,
        )
    raise InvalidInput(
        f"case {case.journal_no} waits on more than one chain: name one of "
        + ", ".join(c.trigger for c in chains),
    )


def _principal(
    actor: Actor, mine: dict[str, str | None], voted: set[str], asked: str | None, step: str
) -> str:
    if asked is not None:
        if asked not in mine:
            raise NotAllowed(
                f"{actor.username} may not act for {asked} on step '{step}'",
                code=ErrorCode.APPROVAL_NOT_YOURS,
                step=step,
                username=asked,
            )
        return asked
    if actor.username in mine:
        return actor.username
    open_for = [p for p in mine if p not in voted] or list(mine)
    if not open_for:
        raise NotAllowed(
            f"{actor.username} is not an approver of step '{step}', nor stands in for one",
            code=ErrorCode.APPROVAL_NOT_YOURS,
            step=step,
            username=actor.username,
        )
    if len(open_for) > 1:
        raise InvalidInput(
            f"{actor.username} stands in for {', '.join(open_for)} on step '{step}': "
            "say for whom they act"
        )
    return open_for[0]


def act(ctx: Context, actor: Actor, request: ActOnStep) -> ActResult:
    """Take one action on the case's open step; fire the chain's transition when it is
    complete, or its return trigger when it is returned. One transaction."""
    engine = ctx.engine
    now = engine.clock.now()
    with engine.transaction() as conn:
        case = _case_for(conn, actor, request.journal_no)
        readable = actor.may_read(case)
        try:
            record = _pick_chain(conn, case, request.trigger)
        except CaseflowError:
            if not readable:  # a stranger learns nothing of a case, not even its chain
                raise not_visible(request.journal_no) from None
            raise
        workflow = engine.registry.for_case(conn, case.workflow_id, case.workflow_version)
        definition = workflow.definition
        transition, chain = _chain_of(definition, record.trigger)
        step = chain.steps[record.step_index]
        routing = routing_on(conn, local_date(now))
        eligible = eligible_people(step, case.lead_administration, routing.people)
        mine = principals_for(
            actor.username,
            eligible,
            away=routing.away,
            delegations=routing.delegations,
            day=routing.day,
        )
        if not mine and not readable:
            raise not_visible(request.journal_no)
        votes = rows.votes(conn, record.id, record.step_index)
        voted = {v.vote.principal for v in votes}
        principal = _principal(actor, mine, voted, request.on_behalf_of, step.name)
        outcome = decide(
            chain,
            ChainPosition(record.step_index, tuple(v.vote for v in votes)),
            request.action,
            principal=principal,
            actor=actor.username,
            eligible=eligible,
            drafters=record.drafters,
            text=request.text,
        )
        rows.add_vote(conn, record.id, step.name, outcome.vote, now)
        by = on_behalf_label(actor.username, principal)
        skipped = {v.step for v in rows.votes(conn, record.id) if v.vote.action is Action.SKIP}
        prior = [s.name for s in chain.steps[: record.step_index] if s.name not in skipped]
        changes = _changes(case, step, prior, outcome.kind, request.action, outcome.vote.text, by)
        case = engine.record_in(
            conn,
            case,
            changes,
            actor,
            kind=AuditKind.APPROVAL,
            comment=_audit_text(step, request.action, by, outcome.vote.text),
        )
        next_step: str | None = None
        if outcome.kind is OutcomeKind.STEP_DONE and outcome.next_index is not None:
            close_step_deadline(conn, case, chain, record.step_index, now)
            rows.move_to(conn, record.id, outcome.next_index)
            open_step_deadline(
                conn, case, definition, chain, outcome.next_index, now, DueDates(engine.calendars)
            )
            next_step = chain.steps[outcome.next_index].name
        elif outcome.kind is OutcomeKind.CHAIN_DONE:
            rows.end(conn, record.id, ChainStatus.DONE, now)
            case = engine.fire_in(
                conn,
                case.journal_no,
                chain.trigger,
                _as_chain(conn, actor, transition, principal),
                comment=f"godkendelseskæden er fuldført ({by})",
                service=ServiceName.APPROVALS,
            )
        elif outcome.kind is OutcomeKind.RETURNED and chain.return_trigger is not None:
            restart = outcome.restart_index or 0
            rows.end(conn, record.id, ChainStatus.RETURNED, now, restart_index=restart)
            back = workflow.transition_for(case.state, chain.return_trigger)
            kept = [s.name for s in chain.steps[:restart]]
            case = engine.fire_in(
                conn,
                case.journal_no,
                chain.return_trigger,
                _as_chain(conn, actor, back, principal) if back is not None else actor,
                changes={f"fields.{APPROVED_FIELD}": kept or None},
                comment=f"{outcome.vote.text} ({by})",
            )
        return ActResult(case.journal_no, step.name, outcome.kind, by, next_step, case.state)


def _changes(
    case: Case,
    step: ApprovalStep,
    prior: list[str],
    kind: OutcomeKind,
    action: Action,
    text: str | None,
    by: str,
) -> dict[str, Any]:
    """What an action records on the case: the steps approved in this round (``prior``,
    then this one; read by the guard ``approved_by``) once a step is done, and a
    condition given."""
    changes: dict[str, Any] = {}
    if kind in (OutcomeKind.STEP_DONE, OutcomeKind.CHAIN_DONE):
        approved = [*prior, step.name] if action.approves else prior
        changes[f"fields.{APPROVED_FIELD}"] = approved or None
    if action is Action.APPROVE_WITH_CONDITION and text:
        known = case.fields.get(CONDITIONS_FIELD)
        conditions = list(known) if isinstance(known, list) else []
        changes[f"fields.{CONDITIONS_FIELD}"] = [*conditions, f"{step.name}: {text} ({by})"]
    return changes


_DONE = {
    Action.APPROVE: "godkendt",
    Action.APPROVE_WITH_CONDITION: "godkendt med betingelse",
    Action.RETURN: "sendt tilbage",
    Action.SKIP: "sprunget over",
}


def _audit_text(step: ApprovalStep, action: Action, by: str, text: str | None) -> str:
    """The audit row's comment: the step, what was done, by whom (for whom), and why."""
    said = f": {text}" if text else ""
    return f"{step.name} {_DONE[action]} af {by}{said}"
