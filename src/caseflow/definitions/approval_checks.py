"""Semantic checks of the approval chains in a workflow file.

The schema checks each chain's shape; this module checks how a chain fits its
workflow: that the roles it names are declared, that its steps have names of
their own, that ``on_return`` fires a trigger the case can take from where the
chain runs and restarts from a step that exists, and that an ``n_of_m`` step of
named persons does not ask for more approvals than it has approvers. Like the
other checks it reads the plain YAML leniently and gives file and line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from caseflow.definitions.approval_schema import RESTART_FIRST, RESTART_RETURNING
from caseflow.definitions.validate import LineMap, LinePath, line_for, listing, suggest, where_for
from caseflow.errors import Problem


def _sources(entry: dict[str, Any], states: dict[str, Any]) -> list[str]:
    value = entry.get("from")
    if value == "*":
        return [n for n, s in states.items() if not (isinstance(s, dict) and s.get("final"))]
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


@dataclass
class _ChainChecker:
    data: dict[str, Any]
    lines: LineMap
    file: str
    roles: list[str]
    problems: list[Problem] = field(default_factory=list)

    def add(self, path: LinePath, message: str) -> None:
        self.problems.append(
            Problem(self.file, line_for(self.lines, path), where_for(path, self.data), message)
        )

    def role(self, path: LinePath, name: Any) -> None:
        if isinstance(name, str) and name not in self.roles:
            self.add(
                path,
                f"unknown role '{name}'{suggest(name, self.roles)}; declare it under 'roles' "
                f"or use one of: {listing(sorted(self.roles))}",
            )

    def chain(self, path: LinePath, entry: dict[str, Any], chain: dict[str, Any]) -> None:
        if entry.get("service") is not None:
            self.add(
                (*path, "service"),
                "a transition with an approval chain is fired by its chain; leave out 'service'",
            )
        steps = chain.get("steps")
        names: list[str] = []
        for i, step in enumerate(steps if isinstance(steps, list) else []):
            if isinstance(step, dict):
                self.step((*path, "approval", "steps", i), step, names)
        self.on_return((*path, "approval", "on_return"), entry, chain.get("on_return"), names)

    def step(self, path: LinePath, step: dict[str, Any], names: list[str]) -> None:
        name = step.get("name")
        if isinstance(name, str):
            if name in names:
                self.add((*path, "name"), f"step '{name}' comes twice in the chain; rename one")
            names.append(name)
        approvers = step.get("approvers")
        persons = 0
        only_persons = True
        for i, approver in enumerate(approvers if isinstance(approvers, list) else []):
            if not isinstance(approver, dict):
                continue
            if "role" in approver:
                self.role((*path, "approvers", i, "role"), approver["role"])
            if "person" in approver:
                persons += 1
            else:
                only_persons = False
        if step.get("owner") is not None:
            self.role((*path, "owner"), step["owner"])
        deadline = step.get("deadline")
        if isinstance(deadline, dict):
            escalate = deadline.get("escalate")
            for i, role in enumerate(escalate if isinstance(escalate, list) else []):
                self.role((*path, "deadline", "escalate", i), role)
        n = step.get("n")
        if only_persons and persons and isinstance(n, int) and n > persons:
            self.add(
                (*path, "n"),
                f"asks for {n} approvals from {persons} named person(s); "
                "lower 'n' or add approvers",
            )

    def on_return(
        self, path: LinePath, entry: dict[str, Any], value: Any, names: list[str]
    ) -> None:
        if not isinstance(value, dict):
            return
        restart = value.get("restart_from", RESTART_FIRST)
        known = [RESTART_FIRST, RESTART_RETURNING, *names]
        if isinstance(restart, str) and restart not in known:
            self.add(
                (*path, "restart_from"),
                f"'restart_from' names no step '{restart}'{suggest(restart, known)}; "
                f"use one of: {listing(known)}",
            )
        fire = value.get("fire")
        if not isinstance(fire, str):
            return
        states = self.data.get("states")
        transitions = self.data.get("transitions")
        if not isinstance(states, dict) or not isinstance(transitions, list):
            return
        offered: set[str] = set()
        for other in transitions:
            if isinstance(other, dict) and other.get("trigger") == fire:
                offered |= set(_sources(other, states))
        missing = [s for s in _sources(entry, states) if s not in offered]
        if missing:
            self.add(
                (*path, "fire"),
                f"'{fire}' cannot be fired from {listing(missing)}, where the chain runs; "
                "name a trigger that leads back from there (e.g. send_back)",
            )


def check_approvals(data: dict[str, Any], lines: LineMap, file: str) -> list[Problem]:
    """Every semantic problem in the approval chains of a workflow file's transitions."""
    transitions = data.get("transitions")
    if not isinstance(transitions, list):
        return []
    roles = data.get("roles")
    checker = _ChainChecker(
        data, lines, file, [str(r) for r in roles] if isinstance(roles, dict) else []
    )
    for i, entry in enumerate(transitions):
        if isinstance(entry, dict) and isinstance(entry.get("approval"), dict):
            checker.chain(("transitions", i), entry, entry["approval"])
    return checker.problems
