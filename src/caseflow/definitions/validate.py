"""Semantic checks of a workflow file: everything a schema cannot say.

The schema (pydantic) checks each value's shape. This module checks how the parts
fit together: that names refer to declared states, roles and guards, that there is
exactly one initial state, that every state can be reached and left, and so on.

It works on the plain data read from YAML, not on validated models, and reads it
leniently: a value of the wrong shape is skipped here (the schema check already
reports it). That way one broken entry never hides the problems in the others,
and an author sees every problem in one run instead of one per run. Checks whose
answer would only echo another problem (reachability when a transition points to
an unknown state, say) are skipped while that problem stands.
"""

from __future__ import annotations

import difflib
import re
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from caseflow.definitions.guards import GUARDS
from caseflow.definitions.schema import ALL_STATES, NAME_PATTERN, expand_sources
from caseflow.errors import Problem

LinePath = tuple[str | int, ...]
LineMap = Mapping[LinePath, int]

# Names `transitions` gives to a model's attributes; a trigger must not shadow them.
RESERVED_TRIGGERS = frozenset({"trigger", "state", "may_trigger", "get_graph"})
RESERVED_TRIGGER_PREFIXES = ("to_", "may_", "is_")

_NAME_RE = re.compile(NAME_PATTERN)


# --- locating problems ----------------------------------------------------------------


def line_for(lines: LineMap, path: LinePath) -> int | None:
    """The line of ``path``, or of its nearest ancestor that has one (for missing keys)."""
    for end in range(len(path), -1, -1):
        line = lines.get(path[:end])
        if line is not None:
            return line
    return None


def transition_label(data: Any, index: int) -> str:
    """``transition 'approve' (#4)``: the trigger if readable, and the 1-based position."""
    transitions = data.get("transitions") if isinstance(data, dict) else None
    trigger = None
    if isinstance(transitions, list) and index < len(transitions):
        entry = transitions[index]
        if isinstance(entry, dict) and isinstance(entry.get("trigger"), str):
            trigger = entry["trigger"]
    return f"transition '{trigger}' (#{index + 1})" if trigger else f"transition #{index + 1}"


def where_for(path: LinePath, data: Any) -> str:
    """The part of the workflow a path lies in, as shown in a problem."""
    if len(path) >= 2 and path[0] == "states":
        return f"state '{path[1]}'"
    if len(path) >= 2 and path[0] == "transitions" and isinstance(path[1], int):
        return transition_label(data, path[1])
    if len(path) >= 2 and path[0] == "roles":
        return f"role '{path[1]}'"
    if len(path) >= 2 and path[0] == "deadlines" and isinstance(path[1], int):
        return deadline_label(data, path[1])
    if len(path) >= 2 and path[0] == "notifications" and isinstance(path[1], int):
        return rule_label(data, "notifications", path[1])
    return ""


def deadline_label(data: Any, index: int) -> str:
    """``deadline 'answer_in_time'``: the rule's id if readable, else its position."""
    return rule_label(data, "deadlines", index)


def rule_label(data: Any, section: str, index: int) -> str:
    """``notification 'to_approver'``: a rule of a list section by id, else by position."""
    kind = section.removesuffix("s")
    rules = data.get(section) if isinstance(data, dict) else None
    if isinstance(rules, list) and index < len(rules):
        entry = rules[index]
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            return f"{kind} '{entry['id']}'"
    return f"{kind} #{index + 1}"


def suggest(name: str, choices: Iterable[str]) -> str:
    """``" (did you mean 'approval'?)"`` if something is close, else ``""``."""
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def listing(names: Iterable[str]) -> str:
    return ", ".join(names) or "(none)"


# --- the lenient view of the data ------------------------------------------------------


@dataclass
class _State:
    name: str
    initial: bool | None  # None: present but not a boolean (the schema check reports it)
    final: bool | None
    owner: Any
    readable: bool  # False if the state's body is not a mapping (the schema check says so)


@dataclass
class _Checker:
    data: dict[str, Any]
    lines: LineMap
    file: str
    problems: list[Problem] = field(default_factory=list)

    def add(self, path: LinePath, message: str) -> None:
        self.problems.append(
            Problem(self.file, line_for(self.lines, path), where_for(path, self.data), message)
        )

    # --- states -------------------------------------------------------------------

    def states(self) -> dict[str, _State] | None:
        raw = self.data.get("states")
        if not isinstance(raw, dict):
            return None
        states = {}
        for name, body in raw.items():
            readable = isinstance(body, dict)
            body = body if readable else {}
            states[name] = _State(
                name=name,
                initial=_flag(body, "initial") if readable else None,
                final=_flag(body, "final") if readable else None,
                owner=body.get("owner"),
                readable=readable,
            )
        return states

    def check_states(self, states: dict[str, _State], roles: set[str] | None) -> None:
        for state in states.values():
            path: LinePath = ("states", state.name)
            if state.initial and state.final:
                self.add(
                    (*path, "final"),
                    f"state '{state.name}' is both initial and final, so every case would "
                    "start finished; remove 'final: true' or move 'initial: true' elsewhere",
                )
            if state.owner is None and state.final is False and state.readable:
                self.add(
                    path,
                    f"non-final state '{state.name}' needs an 'owner': the role whose work "
                    f"the case waits for here (roles: {listing(sorted(roles or ()))})",
                )
            elif isinstance(state.owner, str) and roles is not None and state.owner not in roles:
                self.add(
                    (*path, "owner"),
                    f"state '{state.name}' has unknown owner role '{state.owner}'"
                    f"{suggest(state.owner, roles)}; declare it under 'roles' or use one of: "
                    f"{listing(sorted(roles))}",
                )
        if not states:
            return  # the schema check reports an empty 'states'
        names = listing(states)
        if all(s.initial is not None for s in states.values()):
            initial = [s.name for s in states.values() if s.initial]
            if not initial:
                self.add(
                    ("states",),
                    "no initial state: add 'initial: true' to the state new cases start in "
                    f"(states: {names})",
                )
            for extra in initial[1:]:
                self.add(
                    ("states", extra, "initial"),
                    f"more than one initial state ({listing(repr(n) for n in initial)}): "
                    f"state '{extra}' also has 'initial: true'; keep it on exactly one state",
                )
        if all(s.final is not None for s in states.values()) and not any(
            s.final for s in states.values()
        ):
            self.add(
                ("states",),
                "no final state: add 'final: true' to the state(s) where cases end "
                f"(states: {names})",
            )

    # --- transitions --------------------------------------------------------------

    def check_transitions(
        self, states: dict[str, _State] | None, roles: set[str] | None
    ) -> list[tuple[tuple[str, ...], str]] | None:
        """Check every transition; return the graph's edges, or None if it is not sound."""
        raw = self.data.get("transitions")
        if not isinstance(raw, list):
            return None
        sound = states is not None
        edges: list[tuple[tuple[str, ...], str]] = []
        seen: dict[tuple[str, str], int] = {}  # (source, trigger) -> index of first transition
        order = [(s.name, bool(s.final)) for s in (states or {}).values()]
        for index, entry in enumerate(raw):
            if not isinstance(entry, dict):
                sound = False
                continue
            path: LinePath = ("transitions", index)
            trigger = entry.get("trigger")
            if isinstance(trigger, str):
                self._check_trigger_name(path, trigger)
            sources_ok = self._check_sources(path, entry.get("from"), states)
            dest_ok = self._check_dest(path, entry.get("to"), states)
            self._check_roles(path, entry.get("roles"), roles)
            self._check_guards(path, entry.get("guards"))
            if not (sources_ok and dest_ok):
                sound = False
                continue
            sources = expand_sources(entry["from"], order)
            edges.append((sources, entry["to"]))
            if isinstance(trigger, str):
                self._check_duplicate_trigger(index, trigger, sources, seen)
        return edges if sound else None

    def _check_trigger_name(self, path: LinePath, trigger: str) -> None:
        if not _NAME_RE.match(trigger):
            return  # the schema check reports the pattern
        if trigger in RESERVED_TRIGGERS or trigger.startswith(RESERVED_TRIGGER_PREFIXES):
            self.add(
                (*path, "trigger"),
                f"trigger '{trigger}' clashes with a name the state machine reserves "
                f"({listing(sorted(RESERVED_TRIGGERS))}, or starting with "
                f"{listing(RESERVED_TRIGGER_PREFIXES)}); choose another name",
            )

    def _check_sources(self, path: LinePath, from_: Any, states: dict[str, _State] | None) -> bool:
        if from_ == ALL_STATES:
            return True
        if isinstance(from_, str):
            named = [(from_, (*path, "from"))]
        elif isinstance(from_, list) and from_ and all(isinstance(s, str) for s in from_):
            if ALL_STATES in from_:
                return False  # the schema check reports it
            named = [(s, (*path, "from", i)) for i, s in enumerate(from_)]
        else:
            return False
        if states is None:
            return False
        ok = True
        for name, where in named:
            state = states.get(name)
            if state is None:
                ok = False
                self.add(where, _unknown_state("from", name, states))
            elif state.final:
                self.add(
                    where,
                    f"final state '{name}' cannot have outgoing transitions (a final state "
                    f"ends the case); remove '{name}' from 'from' or drop its 'final: true'",
                )
        return ok

    def _check_dest(self, path: LinePath, dest: Any, states: dict[str, _State] | None) -> bool:
        if not isinstance(dest, str) or states is None:
            return False
        if dest not in states:
            self.add((*path, "to"), _unknown_state("to", dest, states))
            return False
        return True

    def _check_roles(self, path: LinePath, names: Any, roles: set[str] | None) -> None:
        if not isinstance(names, list) or roles is None:
            return
        for i, name in enumerate(names):
            if isinstance(name, str) and name not in roles:
                self.add(
                    (*path, "roles", i),
                    f"unknown role '{name}'{suggest(name, roles)}; declare it under 'roles' "
                    f"or use one of: {listing(sorted(roles))}",
                )

    def _check_guards(self, path: LinePath, entries: Any) -> None:
        if not isinstance(entries, list):
            return
        for i, entry in enumerate(entries):
            if isinstance(entry, str):
                name, params = entry, None
            elif isinstance(entry, dict) and len(entry) == 1:
                ((name, params),) = entry.items()
            else:
                continue  # the schema check reports it
            guard = GUARDS.get(name)
            if guard is None:
                self.add(
                    (*path, "guards", i),
                    f"unknown guard '{name}'{suggest(name, GUARDS)}; known guards: "
                    f"{listing(sorted(GUARDS))}",
                )
                continue
            problem = guard.validate_params(params)
            if problem is not None:
                self.add((*path, "guards", i), f"guard '{name}' {problem}")

    def _check_duplicate_trigger(
        self,
        index: int,
        trigger: str,
        sources: tuple[str, ...],
        seen: dict[tuple[str, str], int],
    ) -> None:
        clashes: dict[int, list[str]] = {}
        for source in sources:
            first = seen.setdefault((source, trigger), index)
            if first != index:
                clashes.setdefault(first, []).append(source)
        for first, names in clashes.items():
            first_line = line_for(self.lines, ("transitions", first))
            at = f" (line {first_line})" if first_line is not None else ""
            self.add(
                ("transitions", index, "trigger"),
                f"trigger '{trigger}' is already defined from state(s) {listing(names)} by "
                f"transition #{first + 1}{at}; from one state a trigger must lead to one "
                f"place: rename one of them or take the state(s) out of one 'from'",
            )

    # --- the graph ----------------------------------------------------------------

    def check_graph(
        self, states: dict[str, _State], edges: list[tuple[tuple[str, ...], str]]
    ) -> None:
        initial = [s.name for s in states.values() if s.initial]
        if len(initial) != 1 or any(s.final is None for s in states.values()):
            return  # reported elsewhere; reachability would only echo it
        following: dict[str, set[str]] = {name: set() for name in states}
        for sources, dest in edges:
            for source in sources:
                following[source].add(dest)
        reached = {initial[0]}
        queue = deque(initial)
        while queue:
            for nxt in following[queue.popleft()]:
                if nxt not in reached:
                    reached.add(nxt)
                    queue.append(nxt)
        for state in states.values():
            if state.name not in reached:
                self.add(
                    ("states", state.name),
                    f"state '{state.name}' cannot be reached from the initial state "
                    f"'{initial[0]}': add a transition with 'to: {state.name}', or remove it",
                )
            if not state.final and not following[state.name]:
                self.add(
                    ("states", state.name),
                    f"non-final state '{state.name}' has no way out: add a transition "
                    "from it, or mark it 'final: true'",
                )


def _flag(body: dict[str, Any], key: str) -> bool | None:
    value = body.get(key, False)
    return value if isinstance(value, bool) else None


def _unknown_state(key: str, name: str, states: Mapping[str, object]) -> str:
    return (
        f"'{key}' names unknown state '{name}'{suggest(name, states)}; "
        f"states are: {listing(states)}"
    )


def check_workflow(data: dict[str, Any], lines: LineMap, file: str) -> list[Problem]:
    """Every semantic problem in a workflow file's data (a mapping read from YAML)."""
    checker = _Checker(data, lines, file)
    raw_roles = data.get("roles")
    roles = {r for r in raw_roles if isinstance(r, str)} if isinstance(raw_roles, dict) else None
    states = checker.states()
    if states is not None:
        checker.check_states(states, roles)
    edges = checker.check_transitions(states, roles)
    if states is not None and edges is not None:
        checker.check_graph(states, edges)
    return checker.problems


class RuleChecker(Protocol):
    """What :func:`check_rule_list` needs of a section's checker."""

    def add(self, path: LinePath, message: str) -> None: ...

    def check(self, path: LinePath, rule: dict[str, Any]) -> None: ...


def check_rule_list(
    raw: list[Any], section: str, noun: str, checker: RuleChecker, lines: LineMap
) -> None:
    """Check each rule of a list section (deadlines, notifications), and that ids are unique."""
    first_index: dict[str, int] = {}
    for index, rule in enumerate(raw):
        if not isinstance(rule, dict):
            continue
        path: LinePath = (section, index)
        checker.check(path, rule)
        rule_id = rule.get("id")
        if not isinstance(rule_id, str):
            continue
        first = first_index.setdefault(rule_id, index)
        if first != index:
            first_line = line_for(lines, (section, first))
            checker.add(
                (*path, "id"),
                f"duplicate {noun} id '{rule_id}' (first on line {first_line}); "
                "every rule needs its own id",
            )
