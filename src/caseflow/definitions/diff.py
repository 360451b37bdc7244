"""What changes between two versions of a workflow: added, removed and changed parts.

Pure: two :class:`WorkflowDefinition` objects in, a :class:`WorkflowDiff` out. What is
compared is a table, :data:`CATEGORIES`: one :class:`Category` per kind of thing a
workflow declares (states, transitions, roles, guards, deadline rules, notification
rules, approval steps), each saying how to list a definition's entries of that kind by
a stable key. A new kind of declaration is compared by adding one entry.

Entries are compared as their JSON dumps, field by field, so a changed entry names the
fields that differ with their old and new values; where an entry sits in its file
(``line``) never counts, as it does not count for the version hash.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from caseflow.definitions.approval_schema import ApprovalChain, ApprovalMode, ApprovalStep
from caseflow.definitions.schema import TransitionDef, WorkflowDefinition

Entries = Mapping[str, Mapping[str, Any]]
"""A definition's entries of one kind: key -> the entry's fields as JSON values."""


class ChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True)
class Category:
    """One kind of thing a workflow declares, and how to list its entries by key."""

    name: str  # as the JSON and the CLI show it: "states", "deadline rules"
    entries: Callable[[WorkflowDefinition], Entries]
    # Whether its keys are state names: a removed or changed one may need running
    # cases moved (the diff counts the cases in it).
    holds_states: bool = False


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any

    def to_json(self) -> dict[str, Any]:
        return {"field": self.field, "old": self.old, "new": self.new}


@dataclass(frozen=True)
class Change:
    """One entry added, removed or changed (then with the fields that differ)."""

    category: str
    key: str
    kind: ChangeKind
    fields: tuple[FieldChange, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "key": self.key,
            "kind": str(self.kind),
            "fields": [f.to_json() for f in self.fields],
        }


@dataclass(frozen=True)
class WorkflowDiff:
    """Every change from ``old`` to ``new``, in category order, then key order."""

    workflow_id: str
    old_version: str
    new_version: str
    changes: tuple[Change, ...]
    categories: tuple[str, ...] = field(default=())
    state_categories: tuple[str, ...] = field(default=("states",))

    @property
    def identical(self) -> bool:
        return not self.changes

    def in_category(self, name: str) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.category == name)

    def touched_states(self) -> tuple[str, ...]:
        """The states of the old version that the new one removes or changes, in order."""
        return tuple(
            c.key
            for c in self.changes
            if c.category in self.state_categories
            and c.kind in (ChangeKind.REMOVED, ChangeKind.CHANGED)
        )

    def removed_states(self) -> tuple[str, ...]:
        return tuple(
            c.key
            for c in self.changes
            if c.category in self.state_categories and c.kind is ChangeKind.REMOVED
        )

    def counts(self) -> dict[str, dict[str, int]]:
        """Per category, how many entries were added, removed and changed."""
        found: dict[str, Counter[str]] = {name: Counter() for name in self.categories}
        for change in self.changes:
            found.setdefault(change.category, Counter())[str(change.kind)] += 1
        return {
            name: {str(kind): counter[str(kind)] for kind in ChangeKind}
            for name, counter in found.items()
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "workflow": self.workflow_id,
            "old_version": self.old_version,
            "new_version": self.new_version,
            "identical": self.identical,
            "counts": self.counts(),
            "changes": [c.to_json() for c in self.changes],
        }


# --- the categories ------------------------------------------------------------------------


def _dump(model: Any, *leave_out: str) -> dict[str, Any]:
    dumped: dict[str, Any] = model.model_dump(mode="json")
    for name in leave_out:
        dumped.pop(name, None)
    return dumped


def transition_keys(transitions: Sequence[TransitionDef]) -> list[str]:
    """A key per transition: its trigger, or, for a trigger written more than once, the
    trigger with the states it leads from (``withdraw [drafting, approval]``)."""
    counts = Counter(t.trigger for t in transitions)
    return [
        t.trigger if counts[t.trigger] == 1 else f"{t.trigger} [{', '.join(t.sources)}]"
        for t in transitions
    ]


def _states(definition: WorkflowDefinition) -> Entries:
    return {name: _dump(state, "name") for name, state in definition.states.items()}


def _transitions(definition: WorkflowDefinition) -> Entries:
    keys = transition_keys(definition.transitions)
    return {
        # Guards and approval steps are categories of their own; the transition keeps
        # its chain's shape (the steps in order, whether the drafter may approve, what
        # a return does), each a field of its own so that a change reads in a line.
        key: {**_dump(t, "trigger", "guards", "approval"), **_chain_shape(t.approval)}
        for key, t in zip(keys, definition.transitions, strict=True)
    }


def _chain_shape(chain: ApprovalChain | None) -> dict[str, Any]:
    if chain is None:
        return {"approval": None}
    on_return = None
    if chain.return_trigger is not None:
        on_return = f"fire {chain.return_trigger}, restart from {chain.restart_from}"
    return {
        "approval": " → ".join(step.name for step in chain.steps),
        "approval.allow_drafter": chain.allow_drafter,
        "approval.on_return": on_return,
    }


def _guards(definition: WorkflowDefinition) -> Entries:
    keys = transition_keys(definition.transitions)
    found: dict[str, Mapping[str, Any]] = {}
    for key, transition in zip(keys, definition.transitions, strict=True):
        for guard in transition.guards:
            found[f"{key}: {guard.name}"] = {"params": guard.params}
    return found


def _roles(definition: WorkflowDefinition) -> Entries:
    return {name: {"title": title.model_dump()} for name, title in definition.roles.items()}


def _step_rule_ids(definition: WorkflowDefinition) -> set[str]:
    return {
        t.approval.deadline_rule_id(step)
        for t in definition.approval_transitions
        if t.approval is not None
        for step in t.approval.steps
    }


def _deadlines(definition: WorkflowDefinition) -> Entries:
    # An approval step's deadline is a rule the loader makes from the step: it is
    # compared with its step (approval steps), not listed twice.
    of_steps = _step_rule_ids(definition)
    return {rule.id: _dump(rule, "id") for rule in definition.deadlines if rule.id not in of_steps}


def _notifications(definition: WorkflowDefinition) -> Entries:
    return {rule.id: _dump(rule, "id") for rule in definition.notifications}


def step_actions(chain: ApprovalChain, step: ApprovalStep) -> list[str]:
    """The actions an approver may take on ``step`` (the names of
    :class:`caseflow.approvals.chain.Action`): approving always, returning where the
    chain says which trigger sends the draft back, skipping where the step allows it."""
    actions = ["approve", "approve_with_condition"]
    if chain.return_trigger is not None:
        actions.append("return")
    if step.skippable:
        actions.append("skip")
    return actions


def _step_mode(step: ApprovalStep) -> str:
    return f"n_of_m: {step.n}" if step.mode is ApprovalMode.N_OF_M else str(step.mode)


def _step_deadline(step: ApprovalStep) -> str | None:
    deadline = step.deadline
    if deadline is None:
        return None
    parts = [f"within {deadline.working_days} working days"]
    if deadline.reminders:
        parts.append("reminders " + ", ".join(str(d) for d in deadline.reminders))
    if deadline.escalate:
        parts.append("escalate to " + ", ".join(deadline.escalate))
    if deadline.legal_source:
        parts.append(deadline.legal_source)
    return "; ".join(parts)


def _approval_steps(definition: WorkflowDefinition) -> Entries:
    """Each step of each chain, keyed ``transition: step``, by what an administrator
    reads it for: who approves, how many, by when, and what they may do. Deadlines are
    written as the file says them (not as a nested object) so a change reads in a line."""
    keys = transition_keys(definition.transitions)
    found: dict[str, Mapping[str, Any]] = {}
    for key, transition in zip(keys, definition.transitions, strict=True):
        chain = transition.approval
        if chain is None:
            continue
        for step in chain.steps:
            found[f"{key}: {step.name}"] = {
                "title": step.title.model_dump() if step.title else None,
                "approvers": [approver.text for approver in step.approvers],
                "mode": _step_mode(step),
                "deadline": _step_deadline(step),
                "owner": step.owner,
                "actions": step_actions(chain, step),
            }
    return found


def _workflow(definition: WorkflowDefinition) -> Entries:
    return {
        "workflow": {"title": definition.title.model_dump(), "description": definition.description}
    }


CATEGORIES: tuple[Category, ...] = (
    Category("workflow", _workflow),
    Category("states", _states, holds_states=True),
    Category("transitions", _transitions),
    Category("roles", _roles),
    Category("guards", _guards),
    Category("deadline rules", _deadlines),
    Category("notification rules", _notifications),
    Category("approval steps", _approval_steps),
)
"""What a diff compares, in the order it lists changes: one entry per kind of declaration."""


# --- the diff ------------------------------------------------------------------------------


def _field_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    names = list(dict.fromkeys([*old, *new]))
    return tuple(
        FieldChange(name, old.get(name), new.get(name))
        for name in names
        if old.get(name) != new.get(name)
    )


def _compare(category: Category, old: Entries, new: Entries) -> Iterable[Change]:
    for key, entry in old.items():
        if key not in new:
            yield Change(category.name, key, ChangeKind.REMOVED)
            continue
        fields = _field_changes(entry, new[key])
        if fields:
            yield Change(category.name, key, ChangeKind.CHANGED, fields)
    for key in new:
        if key not in old:
            yield Change(category.name, key, ChangeKind.ADDED)


def diff_workflows(
    old: WorkflowDefinition,
    new: WorkflowDefinition,
    *,
    old_version: str = "",
    new_version: str = "",
    categories: Sequence[Category] = CATEGORIES,
) -> WorkflowDiff:
    """Every change from ``old`` to ``new``, category by category (old order first, then
    what ``new`` adds, in its file order)."""
    changes: list[Change] = []
    for category in categories:
        changes.extend(_compare(category, category.entries(old), category.entries(new)))
    return WorkflowDiff(
        workflow_id=new.id,
        old_version=old_version,
        new_version=new_version,
        changes=tuple(changes),
        categories=tuple(c.name for c in categories),
        state_categories=tuple(c.name for c in categories if c.holds_states),
    )
