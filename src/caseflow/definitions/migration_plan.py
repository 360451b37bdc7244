"""A plan to move running cases onto another version of their workflow (pure).

The plan says which versions cases are moved from (none given: every other version),
where each occupied state goes (the same name by default, ``old=new`` otherwise) and
which states are selected (``--where state=S``). Before anything changes,
:func:`check_plan` names every state or target that does not exist and
:func:`unmapped` every occupied state that has no place in the new version: either
refuses the whole run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from caseflow.definitions.schema import NAME_PATTERN, WorkflowDefinition
from caseflow.errors import ErrorCode, InvalidInput

_NAME = re.compile(NAME_PATTERN)


@dataclass(frozen=True)
class MigrationPlan:
    """Which cases of ``workflow_id`` move to ``to_version``, and where each state goes."""

    workflow_id: str
    to_version: str
    from_versions: tuple[str, ...] = ()  # empty: every version but to_version
    mapping: Mapping[str, str] = field(default_factory=dict)
    where_states: tuple[str, ...] = ()  # empty: every state that is not final

    def moves_from(self, version: str) -> bool:
        if version == self.to_version:
            return False
        return not self.from_versions or version in self.from_versions

    def selects(self, state: str) -> bool:
        return not self.where_states or state in self.where_states

    def target(self, state: str, new: WorkflowDefinition) -> str | None:
        """Where a case in ``state`` goes: its mapping, or the same name if the new version
        has it; None: nowhere (the state is unmapped)."""
        if state in self.mapping:
            return self.mapping[state]
        return state if state in new.states else None

    def to_json(self) -> dict[str, Any]:
        return {
            "from": list(self.from_versions),
            "map": dict(self.mapping),
            "where": list(self.where_states),
        }

    @classmethod
    def from_json(cls, workflow_id: str, to_version: str, data: Mapping[str, Any]) -> MigrationPlan:
        return cls(
            workflow_id,
            to_version,
            tuple(data.get("from", ())),
            dict(data.get("map", {})),
            tuple(data.get("where", ())),
        )


def parse_mapping(items: Iterable[str]) -> dict[str, str]:
    """``["approval=review", ...]`` as {old: new}; a malformed item is refused with its text."""
    mapping: dict[str, str] = {}
    for item in items:
        old, sep, new = (part.strip() for part in item.partition("="))
        if not sep or not _NAME.match(old) or not _NAME.match(new):
            raise InvalidInput(
                f"{item!r} is not a state mapping: write OLD=NEW with two state names, "
                "e.g. approval=review",
                code=ErrorCode.INVALID_STATE_MAP,
                item=item,
            )
        if old in mapping and mapping[old] != new:
            raise InvalidInput(
                f"state {old!r} is mapped twice ({mapping[old]} and {new}); map it once",
                code=ErrorCode.INVALID_STATE_MAP,
                item=item,
            )
        mapping[old] = new
    return mapping


def check_plan(
    plan: MigrationPlan, old: Sequence[WorkflowDefinition], new: WorkflowDefinition
) -> list[str]:
    """Every way the plan does not fit the versions: a mapped or selected state that no
    old version has, a target the new version lacks."""
    known = {name for definition in old for name in definition.states}
    problems = [
        f"'{source}' is not a state of the versions moved from"
        for source in plan.mapping
        if known and source not in known
    ]
    problems += [
        f"'{source}={target}': the new version has no state '{target}' "
        f"(its states: {', '.join(new.states)})"
        for source, target in plan.mapping.items()
        if target not in new.states
    ]
    problems += [
        f"--where state={state}: not a state of the versions moved from"
        for state in plan.where_states
        if known and state not in known
    ]
    return problems


def unmapped(
    plan: MigrationPlan,
    occupied: Mapping[tuple[str, str], int],
    new: WorkflowDefinition,
) -> dict[tuple[str, str], int]:
    """Of ``occupied`` ((version, state) -> running cases, selected ones only), those whose
    state has no place in the new version."""
    return {
        (version, state): count
        for (version, state), count in occupied.items()
        if plan.moves_from(version) and plan.selects(state) and plan.target(state, new) is None
    }
