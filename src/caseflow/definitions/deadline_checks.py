"""Semantic checks of the deadline rules in a workflow file.

The schema checks each rule's shape; this module checks how a rule fits its
workflow: that it names real states, triggers and roles, that its ``due`` text
can be read, and that the rule can work at all (a trigger it fires exists where
it runs, a clock that pauses is one that counts). Like
:mod:`caseflow.definitions.validate` it reads the plain YAML data leniently, so
one broken rule never hides the problems in another, and every problem carries
its file and line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from caseflow.definitions.deadline_schema import ANCHOR_KINDS, DeadlineAnchor, default_active_in
from caseflow.definitions.due import DueSpec, parse_due
from caseflow.definitions.schema import ALL_STATES, expand_sources
from caseflow.definitions.validate import (
    LineMap,
    LinePath,
    check_rule_list,
    line_for,
    listing,
    suggest,
    where_for,
)
from caseflow.errors import Problem


@dataclass(frozen=True)
class _Workflow:
    """What the checks need to know of the rest of the file (None: unreadable there)."""

    states: dict[str, bool] | None  # name -> final, in file order
    roles: set[str] | None
    sources: dict[str, set[str]] | None  # trigger -> the states it can be fired from
    dests: tuple[tuple[str, str], ...]  # (trigger, destination)


def _view(data: Mapping[str, Any]) -> _Workflow:
    raw_states = data.get("states")
    states = None
    if isinstance(raw_states, dict):
        states = {
            str(name): isinstance(body, dict) and body.get("final") is True
            for name, body in raw_states.items()
        }
    raw_roles = data.get("roles")
    roles = {str(r) for r in raw_roles} if isinstance(raw_roles, dict) else None
    raw = data.get("transitions")
    if not isinstance(raw, list):
        return _Workflow(states, roles, None, ())
    order = list((states or {}).items())
    sources: dict[str, set[str]] = {}
    dests: list[tuple[str, str]] = []
    for entry in raw:
        trigger = entry.get("trigger") if isinstance(entry, dict) else None
        if not isinstance(trigger, str):
            continue
        from_ = entry.get("from")
        readable = from_ == ALL_STATES or isinstance(from_, str)
        if isinstance(from_, list) and all(isinstance(s, str) for s in from_):
            readable = ALL_STATES not in from_
        named = expand_sources(from_, order) if readable else ()
        sources.setdefault(trigger, set()).update(named)
        if isinstance(entry.get("to"), str):
            dests.append((trigger, entry["to"]))
    return _Workflow(states, roles, sources, tuple(dests))


def _names(value: Any) -> list[tuple[int, str]]:
    """The text entries of a list, with their positions (other shapes: the schema's job)."""
    if not isinstance(value, list):
        return []
    return [(i, v) for i, v in enumerate(value) if isinstance(v, str)]


def _anchor(starts: Any) -> DeadlineAnchor | None:
    if not isinstance(starts, dict):
        return None
    given = [(k, starts[k]) for k in ANCHOR_KINDS if starts.get(k) is not None]
    if len(given) != 1 or not isinstance(given[0][1], str):
        return None
    return DeadlineAnchor(kind=given[0][0], name=given[0][1])


@dataclass
class _RuleChecker:
    workflow: _Workflow
    data: dict[str, Any]
    lines: LineMap
    file: str
    problems: list[Problem] = field(default_factory=list)

    def add(self, path: LinePath, message: str) -> None:
        self.problems.append(
            Problem(self.file, line_for(self.lines, path), where_for(path, self.data), message)
        )

    def check(self, path: LinePath, rule: dict[str, Any]) -> None:
        spec = self._due(path, rule.get("due"))
        anchor = _anchor(rule.get("starts"))
        active = self._states(path, "active_in", rule.get("active_in"))
        paused = self._states(path, "paused_in", rule.get("paused_in"))
        for i, name in _names(rule.get("paused_in")):
            if name in active:
                self.add(
                    (*path, "paused_in", i),
                    f"state '{name}' is in both active_in and paused_in; the clock either "
                    "runs or stops there: remove it from one of them",
                )
        if anchor is not None:
            self._anchor(path, anchor, spec)
            if rule.get("active_in") is None:
                active = self._default_active(path, anchor, paused)
            self._starts_where_it_runs(path, anchor, active, rule.get("active_in") is not None)
        if paused and spec is not None and not spec.counts:
            self.add(
                (*path, "paused_in"),
                f"only a deadline counted from its start ('within ...') can be paused; "
                f"'{spec.describe()}' is a date that a pause cannot move: remove paused_in",
            )
        self._satisfied_by(path, rule.get("satisfied_by"), (*active, *paused))
        self._reminders(path, rule.get("reminders"), spec)
        self._role(path, ("owner",), rule.get("owner"))
        self._on_expiry(path, rule.get("on_expiry"), active)

    # --- the parts ---------------------------------------------------------------

    def _due(self, path: LinePath, text: Any) -> DueSpec | None:
        if not isinstance(text, str) or not text.strip():
            return None  # the schema check reports it
        try:
            return parse_due(text)
        except ValueError as err:
            self.add((*path, "due"), str(err))
            return None

    def _anchor(self, path: LinePath, anchor: DeadlineAnchor, spec: DueSpec | None) -> None:
        where: LinePath = (*path, "starts", anchor.kind)
        if anchor.kind == "entering":
            self._state(where, "entering", anchor.name)
        elif anchor.kind == "transition":
            self._trigger(where, "transition", anchor.name)
        elif spec is not None and not spec.reads_field:
            self.add(
                (*path, "due"),
                f"the rule starts when field '{anchor.name}' is set, but its due "
                f"'{spec.describe()}' reads no field: write 'at field {anchor.name}' or "
                f"'N working days before field {anchor.name}', or start it another way",
            )

    def _default_active(
        self, path: LinePath, anchor: DeadlineAnchor, paused: tuple[str, ...]
    ) -> tuple[str, ...]:
        states = self.workflow.states
        if states is None:
            return ()
        found = default_active_in(anchor, list(states.items()), self.workflow.dests)
        active = tuple(s for s in found if s in states and s not in paused)
        for name in active:
            if states[name]:
                self.add(
                    (*path, "starts"),
                    f"the deadline would run in final state '{name}', where a case is "
                    "finished and nothing can meet it; start it elsewhere or give active_in",
                )
        return active

    def _starts_where_it_runs(
        self, path: LinePath, anchor: DeadlineAnchor, active: tuple[str, ...], explicit: bool
    ) -> None:
        if not explicit or anchor.kind == "field" or self.workflow.states is None:
            return
        if anchor.kind == "entering":
            landing = [anchor.name] if anchor.name in self.workflow.states else []
        else:
            landing = [d for t, d in self.workflow.dests if t == anchor.name]
        outside = [s for s in dict.fromkeys(landing) if s not in active]
        if outside:
            self.add(
                (*path, "starts"),
                f"the deadline starts in state(s) {listing(outside)}, which active_in "
                f"({listing(active)}) leaves out, so it would end the moment it starts: "
                "add them to active_in",
            )

    def _states(self, path: LinePath, key: str, value: Any) -> tuple[str, ...]:
        names = _names(value)
        for i, name in names:
            self._state((*path, key, i), key, name, final_ok=False)
        return tuple(name for _, name in names)

    def _state(self, where: LinePath, key: str, name: str, final_ok: bool = True) -> None:
        states = self.workflow.states
        if states is None:
            return
        if name not in states:
            self.add(
                where,
                f"'{key}' names unknown state '{name}'{suggest(name, states)}; "
                f"states are: {listing(states)}",
            )
        elif states[name] and not final_ok:
            self.add(
                where,
                f"'{key}' names final state '{name}'; a case there is finished, so no "
                "deadline can run or wait in it: remove it",
            )

    def _trigger(self, where: LinePath, key: str, name: str) -> bool:
        sources = self.workflow.sources
        if sources is None or name in sources:
            return True
        self.add(
            where,
            f"'{key}' names unknown trigger '{name}'{suggest(name, sources)}; "
            f"triggers are: {listing(sorted(sources))}",
        )
        return False

    def _role(self, path: LinePath, keys: Sequence[str | int], name: Any) -> None:
        roles = self.workflow.roles
        if not isinstance(name, str) or roles is None or name in roles:
            return
        self.add(
            (*path, *keys),
            f"unknown role '{name}'{suggest(name, roles)}; declare it under 'roles' or "
            f"use one of: {listing(sorted(roles))}",
        )

    def _satisfied_by(self, path: LinePath, value: Any, running: tuple[str, ...]) -> None:
        sources = self.workflow.sources or {}
        for i, trigger in _names(value):
            if not self._trigger((*path, "satisfied_by", i), "satisfied_by", trigger):
                continue
            if running and not sources.get(trigger, set()) & set(running):
                self.add(
                    (*path, "satisfied_by", i),
                    f"trigger '{trigger}' cannot be fired from any state the deadline runs "
                    f"or waits in ({listing(running)}), so it can never meet it",
                )

    def _reminders(self, path: LinePath, value: Any, spec: DueSpec | None) -> None:
        seen: set[int] = set()
        for i, days in enumerate(value if isinstance(value, list) else []):
            if not isinstance(days, int) or isinstance(days, bool) or days < 1:
                continue  # the schema check reports it
            if days in seen:
                self.add((*path, "reminders", i), f"reminder {days} is listed more than once")
            seen.add(days)
            counted = spec is not None and spec.kind == "within" and spec.unit == "working"
            if counted and spec is not None and spec.amount is not None and days >= spec.amount:
                self.add(
                    (*path, "reminders", i),
                    f"a reminder {days} working days before a deadline "
                    f"'{spec.describe()}' would come before the deadline starts; "
                    f"use fewer than {spec.amount}",
                )

    def _on_expiry(self, path: LinePath, value: Any, active: tuple[str, ...]) -> None:
        for j, action in enumerate(value if isinstance(value, list) else []):
            if not isinstance(action, dict):
                continue
            where: LinePath = (*path, "on_expiry", j)
            for i, role in _names(action.get("notify")):
                self._role(where, ("notify", i), role)
            self._role(where, ("escalate",), action.get("escalate"))
            trigger = action.get("fire")
            if isinstance(trigger, str) and self._trigger((*where, "fire"), "fire", trigger):
                self._fire_everywhere((*where, "fire"), trigger, active)

    def _fire_everywhere(self, where: LinePath, trigger: str, active: tuple[str, ...]) -> None:
        states = self.workflow.states or {}
        sources = (self.workflow.sources or {}).get(trigger, set())
        missing = [s for s in active if s in states and not states[s] and s not in sources]
        if missing:
            self.add(
                where,
                f"trigger '{trigger}' cannot be fired from state(s) {listing(missing)}, where "
                "the deadline runs; fire a trigger that exists from each of them",
            )


def check_deadlines(data: dict[str, Any], lines: LineMap, file: str) -> list[Problem]:
    """Every semantic problem in a workflow file's ``deadlines:`` list."""
    raw = data.get("deadlines")
    if not isinstance(raw, list):
        return []
    checker = _RuleChecker(_view(data), data, lines, file)
    check_rule_list(raw, "deadlines", "deadline", checker, lines)
    return checker.problems
