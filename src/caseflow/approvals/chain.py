"""What one approver's action does to an approval chain (pure: no I/O).

A chain is a position (the step it is at) and the votes given on that step. An
action is taken by an ``actor`` for a ``principal``: themselves, or a person they
stand in for (an absence's substitute, a delegate; see :mod:`.routing`). Votes
count per principal, so one person's approval counts once however many people
may act for them, and the drafter rule looks at both: the drafter may not approve
their own draft, for themselves or for anybody else, unless the file allows it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from caseflow.errors import Conflict, ErrorCode, InvalidInput, NotAllowed

if TYPE_CHECKING:
    # Annotations only: a definition's models (pydantic) load with the first workflow,
    # not with every process that imports this module (an idle worker loads none).
    from caseflow.definitions.approval_schema import ApprovalChain, ApprovalStep


class Action(StrEnum):
    """What an approver does on a step."""

    APPROVE = "approve"
    APPROVE_WITH_CONDITION = "approve_with_condition"  # approved, with a condition recorded
    RETURN = "return"  # back to the drafter, with a comment; restarts as the file says
    SKIP = "skip"  # where the file allows it

    @property
    def approves(self) -> bool:
        return self in (Action.APPROVE, Action.APPROVE_WITH_CONDITION)


@dataclass(frozen=True)
class Vote:
    """One action recorded on a step."""

    step_index: int
    principal: str  # for whom it counts
    actor: str  # who took it (the principal, or who stood in for them)
    action: Action
    text: str | None = None  # the condition, or the comment


@dataclass(frozen=True)
class ChainPosition:
    """Where a chain is: its step, and the votes given on that step so far."""

    step_index: int
    votes: tuple[Vote, ...] = ()


class OutcomeKind(StrEnum):
    RECORDED = "recorded"  # the step needs more approvals
    STEP_DONE = "step_done"  # the next step opens
    CHAIN_DONE = "chain_done"  # the chain's transition fires
    RETURNED = "returned"  # the return trigger fires; the chain restarts later


@dataclass(frozen=True)
class Outcome:
    kind: OutcomeKind
    vote: Vote
    next_index: int | None = None  # STEP_DONE: the step that opens
    restart_index: int | None = None  # RETURNED: where the next round starts


def step_complete(step: ApprovalStep, eligible: Collection[str], votes: Sequence[Vote]) -> bool:
    """Whether ``votes`` complete ``step`` among the ``eligible`` principals."""
    if any(v.action is Action.SKIP for v in votes):
        return True
    approved = {v.principal for v in votes if v.action.approves}
    if step.mode.value == "all":
        return bool(eligible) and set(eligible) <= approved
    return len(approved) >= step.needed(len(eligible))


def decide(
    chain: ApprovalChain,
    position: ChainPosition,
    action: Action,
    *,
    principal: str,
    actor: str,
    eligible: Collection[str],
    drafters: Collection[str],
    text: str | None = None,
) -> Outcome:
    """The outcome of ``actor`` taking ``action`` for ``principal``; refuses what the
    chain does not allow (with the error an interface phrases)."""
    step = chain.steps[position.step_index]
    text = (text or "").strip() or None
    if principal not in eligible:
        raise NotAllowed(
            f"{principal} is not an approver of step '{step.name}'",
            code=ErrorCode.APPROVAL_NOT_YOURS,
            step=step.name,
            username=principal,
        )
    if any(v.principal == principal for v in position.votes):
        raise Conflict(
            f"{principal} has already acted on step '{step.name}'",
            code=ErrorCode.ALREADY_APPROVED,
            step=step.name,
            username=principal,
        )
    if action is not Action.RETURN and not chain.allow_drafter:
        drafter = next((p for p in (principal, actor) if p in drafters), None)
        if drafter is not None:
            raise NotAllowed(
                f"{drafter} drafted this case and may not approve it (nor skip a step)",
                code=ErrorCode.OWN_DRAFT,
                username=drafter,
                step=step.name,
            )
    if action is Action.APPROVE_WITH_CONDITION and text is None:
        raise InvalidInput(
            "an approval with a condition needs the condition", code=ErrorCode.TEXT_REQUIRED
        )
    if action is Action.RETURN:
        if text is None:
            raise InvalidInput("a return needs a comment: say why", code=ErrorCode.COMMENT_REQUIRED)
        if chain.return_trigger is None:
            raise NotAllowed(
                f"the chain of '{chain.trigger}' declares no return (on_return)",
                code=ErrorCode.RETURN_NOT_DECLARED,
                trigger=chain.trigger,
            )
    if action is Action.SKIP and not step.skippable:
        raise NotAllowed(
            f"step '{step.name}' may not be skipped",
            code=ErrorCode.SKIP_NOT_ALLOWED,
            step=step.name,
        )
    vote = Vote(position.step_index, principal, actor, action, text)
    if action is Action.RETURN:
        restart = chain.restart_index(position.step_index)
        return Outcome(OutcomeKind.RETURNED, vote, restart_index=restart)
    if not step_complete(step, eligible, (*position.votes, vote)):
        return Outcome(OutcomeKind.RECORDED, vote)
    if position.step_index + 1 >= len(chain.steps):
        return Outcome(OutcomeKind.CHAIN_DONE, vote)
    return Outcome(OutcomeKind.STEP_DONE, vote, next_index=position.step_index + 1)
