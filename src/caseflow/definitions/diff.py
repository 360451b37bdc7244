"""What changes between two versions of a workflow: added, removed and changed parts.

Pure: two :class:`WorkflowDefinition` objects in, a :class:`WorkflowDiff` out. What is
compared is a table, :data:`CATEGORIES`: one :class:`Category` per kind of thing a
workflow declares (states, transitions, roles, guards, deadline rules, notification
rules), each saying how to list a definition's entries of that kind by a stable key.
A new kind of declaration (approval steps, say) is compared by adding one entry.

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
        key: _dump(t, "trigger", "guards")  # guards are a category of their own
        for key, t in zip(keys, definition.transitions, strict=True)
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


def _deadlines(definition: WorkflowDefinition) -> Entries:
    return {rule.id: _dump(rule, "id") for rule in definition.deadlines}


def _notifications(definition: WorkflowDefinition) -> Entries:
    return {rule.id: _dump(rule, "id") for rule in definition.notifications}


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
