"""Approval chains in a workflow file: the models of the YAML, and the resolved chain.

A transition may carry ``approval:``, an ordered chain of steps that must all be
approved before the transition fires (see ``docs/approval-chains.md``)::

    - trigger: approve
      from: approval
      to: ready_for_agenda
      roles: [office_head, director]
      approval:
        on_return: {fire: send_back, restart_from: first}
        steps:
          - name: office_head
            approvers: [{role: office_head}]
            deadline: {within: 3, reminders: [1], escalate: [director]}
          - name: director
            approvers: [{role: director}]
            mode: any

The same two layers as the rest of the format: ``ApprovalFile`` and friends mirror
the file (and generate its part of the JSON Schema); :class:`ApprovalChain` is what
:mod:`caseflow.approvals` and the services read. A step's deadline becomes an
ordinary deadline rule (:func:`step_deadline_rule`), so reminders, escalation and
incidents come from the deadline machinery, not from code of our own.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from caseflow.definitions.deadline_schema import DeadlineAnchor, DeadlineRule, ExpiryAction
from caseflow.definitions.primitives import FROZEN, LocalizedText, Name, Text, one_key, only_one


class ApproverKind(StrEnum):
    """Who may approve a step."""

    ROLE = "role"  # a role held in the case's lead administration (or unscoped)
    UNIT = "unit"  # anyone with a role in the named administration (unit)
    PERSON = "person"  # one named person (a username)


class ApprovalMode(StrEnum):
    """How many of a step's approvers must approve."""

    ALL = "all"
    ANY = "any"
    N_OF_M = "n_of_m"


RESTART_FIRST = "first"
RESTART_RETURNING = "returning"


# --- the resolved chain (what code uses) ------------------------------------------------


class Approver(BaseModel):
    """One entry of a step's approvers."""

    model_config = FROZEN

    kind: ApproverKind
    value: str

    @property
    def text(self) -> str:
        return f"{self.kind.value} {self.value}"


class StepDeadline(BaseModel):
    """A step's own deadline: working days from the step's opening."""

    model_config = FROZEN

    working_days: int
    reminders: tuple[int, ...] = ()
    escalate: tuple[str, ...] = ()
    legal_source: str | None = None


class ApprovalStep(BaseModel):
    """One step of a chain."""

    model_config = FROZEN

    name: str
    title: LocalizedText | None = None
    approvers: tuple[Approver, ...]
    mode: ApprovalMode = ApprovalMode.ANY
    n: int | None = None  # with mode n_of_m
    skippable: bool = False
    deadline: StepDeadline | None = None
    owner: str  # the role that answers for the step's deadline

    def needed(self, eligible: int) -> int:
        """How many distinct approvals complete the step among ``eligible`` people."""
        if self.mode is ApprovalMode.ALL:
            return max(eligible, 1)
        if self.mode is ApprovalMode.N_OF_M:
            return self.n or 1
        return 1


class ApprovalChain(BaseModel):
    """The chain a transition requires; the transition fires when its last step is done."""

    model_config = FROZEN

    trigger: str
    steps: tuple[ApprovalStep, ...]
    allow_drafter: bool = False
    return_trigger: str | None = None
    restart_from: str = RESTART_FIRST  # first, returning, or a step's name

    def index_of(self, step: str) -> int:
        for i, candidate in enumerate(self.steps):
            if candidate.name == step:
                return i
        raise KeyError(step)

    def restart_index(self, returning: int) -> int:
        """Where a chain returned at step ``returning`` starts again on resubmission."""
        if self.restart_from == RESTART_FIRST:
            return 0
        if self.restart_from == RESTART_RETURNING:
            return returning
        return self.index_of(self.restart_from)

    def deadline_rule_id(self, step: ApprovalStep) -> str:
        return step_rule_id(self.trigger, step.name)


def step_rule_id(trigger: str, step: str) -> str:
    """The id of the deadline rule of a step; no file rule can have it (it holds a dot)."""
    return f"approval.{trigger}.{step}"


def step_deadline_rule(
    chain: ApprovalChain, step: ApprovalStep, sources: tuple[str, ...]
) -> DeadlineRule | None:
    """The ordinary deadline rule a step's ``deadline:`` stands for, or None.

    Its anchor is a field no person can set (the name holds dots), so the deadline
    scheduler never starts it by itself: the approval services open it when the step
    opens and close it when the step is done; firing the chain's trigger satisfies it
    and leaving the state any other way cancels it, as for every rule.
    """
    if step.deadline is None:
        return None
    rule_id = chain.deadline_rule_id(step)
    expiry = [ExpiryAction(kind="notify", roles=(step.owner,))]
    if step.deadline.escalate:
        expiry.append(ExpiryAction(kind="escalate", roles=step.deadline.escalate))
    title = step.title or LocalizedText(da=f"Godkendelse: {step.name}", en=f"Approval: {step.name}")
    return DeadlineRule(
        id=rule_id,
        title=title,
        anchor=DeadlineAnchor(kind="field", name=rule_id),
        due=f"within {step.deadline.working_days} working days",
        active_in=sources,
        satisfied_by=(chain.trigger,),
        reminders=tuple(sorted(set(step.deadline.reminders), reverse=True)),
        owner=step.owner,
        legal_source=step.deadline.legal_source,
        on_expiry=tuple(expiry),
    )


# --- the file format (what people write) ------------------------------------------------


class ApproverFile(BaseModel):
    """One entry under a step's 'approvers:': exactly one of its keys."""

    model_config = one_key("Approver")

    role: Name | None = Field(
        default=None, description="A role held in the case's lead administration."
    )
    unit: Text | None = Field(
        default=None, description="An administration (unit) code: anyone with a role there."
    )
    person: Text | None = Field(default=None, description="One person's username.")

    @model_validator(mode="after")
    def _exactly_one(self) -> ApproverFile:
        only_one(self, ("role", "unit", "person"), "an approver", "'{role: office_head}'")
        return self


class StepDeadlineFile(BaseModel):
    """'deadline:' of a step: working days from the step's opening."""

    model_config = ConfigDict(extra="forbid", title="Approval step deadline")

    within: Annotated[int, Field(gt=0, le=250)] = Field(
        description="Working days from the step's opening to its due date."
    )
    reminders: list[Annotated[int, Field(gt=0)]] = Field(
        default_factory=list, description="Working days before the due date, e.g. [1]."
    )
    escalate: list[Name] = Field(
        default_factory=list, description="Roles the step is handed to when it passes."
    )
    legal_source: Text | None = None


class ApprovalStepFile(BaseModel):
    """One entry under 'steps:' of an approval chain."""

    model_config = ConfigDict(extra="forbid", title="Approval step")

    name: Name = Field(description="Unique in the chain; guards name it (approved_by).")
    title: LocalizedText | None = None
    approvers: list[ApproverFile] = Field(min_length=1)
    mode: Literal["all", "any", "n_of_m"] = Field(
        default="any", description="'any' (one approves), 'all', or 'n_of_m' (with n)."
    )
    n: Annotated[int, Field(gt=0)] | None = Field(
        default=None, description="With mode n_of_m: how many must approve."
    )
    skippable: bool = Field(default=False, description="Whether an approver may skip it.")
    deadline: StepDeadlineFile | None = None
    owner: Name | None = Field(
        default=None,
        description="The role told of the step's deadline; default the step's first role "
        "approver, else the transition's first role.",
    )

    @model_validator(mode="after")
    def _n_with_mode(self) -> ApprovalStepFile:
        if (self.mode == "n_of_m") != (self.n is not None):
            raise ValueError("'n' goes with 'mode: n_of_m', and 'mode: n_of_m' needs 'n'")
        return self


class ReturnFile(BaseModel):
    """'on_return:' of a chain: which trigger sends the draft back, where it restarts."""

    model_config = ConfigDict(extra="forbid", title="Approval return")

    fire: Name = Field(description="The trigger fired when an approver returns the draft.")
    restart_from: Name = Field(
        default=RESTART_FIRST,
        description="Where the chain starts again on resubmission: 'first', 'returning' "
        "(the step that returned it) or a step's name.",
    )


class ApprovalFile(BaseModel):
    """'approval:' of a transition: the chain that must approve before it fires."""

    model_config = ConfigDict(extra="forbid", title="Approval chain")

    steps: list[ApprovalStepFile] = Field(min_length=1)
    allow_drafter: bool = Field(
        default=False, description="Whether the drafter may approve their own draft."
    )
    on_return: ReturnFile | None = None


APPROVAL_FILE_KEYS: dict[str, tuple[str, ...]] = {
    "approval": tuple(ApprovalFile.model_fields),
    "approval step": tuple(ApprovalStepFile.model_fields),
    "approver": tuple(ApproverFile.model_fields),
    "approval step deadline": tuple(StepDeadlineFile.model_fields),
    "approval return": tuple(ReturnFile.model_fields),
}


# --- from the file to the chain ---------------------------------------------------------------


def _approver(entry: ApproverFile) -> Approver:
    for kind in ApproverKind:
        value = getattr(entry, kind.value)
        if value is not None:
            return Approver(kind=kind, value=value)
    raise ValueError("an approver names nobody")  # the file model refuses this first


def resolve_chain(spec: ApprovalFile, trigger: str, roles: tuple[str, ...]) -> ApprovalChain:
    """Turn a validated ``approval:`` into a chain with every default filled in."""
    steps = []
    for step in spec.steps:
        approvers = tuple(_approver(a) for a in step.approvers)
        role_approvers = [a.value for a in approvers if a.kind is ApproverKind.ROLE]
        owner = step.owner or (role_approvers[0] if role_approvers else roles[0])
        deadline = None
        if step.deadline is not None:
            deadline = StepDeadline(
                working_days=step.deadline.within,
                reminders=tuple(step.deadline.reminders),
                escalate=tuple(step.deadline.escalate),
                legal_source=step.deadline.legal_source,
            )
        steps.append(
            ApprovalStep(
                name=step.name,
                title=step.title,
                approvers=approvers,
                mode=ApprovalMode(step.mode),
                n=step.n,
                skippable=step.skippable,
                deadline=deadline,
                owner=owner,
            )
        )
    on_return = spec.on_return
    return ApprovalChain(
        trigger=trigger,
        steps=tuple(steps),
        allow_drafter=spec.allow_drafter,
        return_trigger=on_return.fire if on_return else None,
        restart_from=on_return.restart_from if on_return else RESTART_FIRST,
    )
