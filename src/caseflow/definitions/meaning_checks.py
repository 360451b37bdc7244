"""Semantic checks of what a workflow's states and steps mean to meetings.

The schema checks that each ``meaning:`` and ``service:`` is one of the known words;
this module checks how they fit together (:mod:`caseflow.definitions.meanings`):
that a transition a service fires says what it does there, that a step has its
service, that it leads between states of the meanings it needs, and that from one
state no two transitions do the same step. Like the other checkers it reads the
plain YAML data leniently, and every problem carries its file and line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from caseflow.definitions.meanings import ServiceName, StateMeaning, StepMeaning, steps_of
from caseflow.definitions.schema import ALL_STATES, expand_sources
from caseflow.definitions.validate import LineMap, LinePath, line_for, where_for
from caseflow.errors import Problem

_SERVICES = {s.value: s for s in ServiceName}
_STEPS = {s.value: s for s in StepMeaning}
_STATE_MEANINGS = {m.value: m for m in StateMeaning}


@dataclass
class _MeaningChecker:
    data: dict[str, Any]
    lines: LineMap
    file: str
    states: dict[str, StateMeaning | None]  # each readable state's meaning
    order: list[tuple[str, bool]]  # (name, final), in file order: for "from: '*'"
    problems: list[Problem] = field(default_factory=list)
    seen: dict[tuple[str, StepMeaning], int] = field(default_factory=dict)

    def add(self, path: LinePath, message: str) -> None:
        self.problems.append(
            Problem(self.file, line_for(self.lines, path), where_for(path, self.data), message)
        )

    def check(self, index: int, entry: dict[str, Any]) -> None:
        path: LinePath = ("transitions", index)
        raw_service, raw_step = entry.get("service"), entry.get("meaning")
        service = _SERVICES.get(raw_service) if isinstance(raw_service, str) else None
        step = _STEPS.get(raw_step) if isinstance(raw_step, str) else None
        if step is None:
            if service is not None and raw_step is None:  # else: an unknown word, the schema's
                choices = " or ".join(f"'meaning: {s}'" for s in steps_of(service))
                self.add(
                    (*path, "service"),
                    f"the {service} service fires this transition, so it must know what the "
                    f"transition does there: add {choices}",
                )
            return
        rule = step.rule
        if service is not rule.service and (service is not None or raw_service is None):
            given = f"not '{service}'" if service is not None else "and only it may fire it"
            self.add(
                (*path, "meaning"),
                f"'meaning: {step}' {rule.does}, which is the {rule.service} service's step "
                f"({given}): add 'service: {rule.service}'",
            )
        self._check_states(index, entry, step)

    def _check_states(self, index: int, entry: dict[str, Any], step: StepMeaning) -> None:
        rule = step.rule
        path: LinePath = ("transitions", index)
        for where, source in self._sources(entry.get("from")):
            if source not in self.states:
                continue  # unknown: reported with the transitions
            self._check_state((*path, *where), step, source, rule.sources, "from")
            first = self.seen.setdefault((source, step), index)
            if first != index:
                self.add(
                    (*path, "meaning"),
                    f"transition #{first + 1} already means '{step}' from state '{source}': "
                    "the service could not tell which one to fire; keep one of them",
                )
        dest = entry.get("to")
        if isinstance(dest, str) and dest in self.states:
            self._check_state((*path, "to"), step, dest, rule.dest, "to")

    def _check_state(
        self, path: LinePath, step: StepMeaning, state: str, wanted: StateMeaning, key: str
    ) -> None:
        found = self.states[state]
        if found is wanted:
            return
        means = f"means '{found}'" if found is not None else "means nothing to meetings"
        direction = "leads from" if key == "from" else "leads to"
        remedy = "take it out of 'from'" if key == "from" else "lead the transition elsewhere"
        self.add(
            path,
            f"'meaning: {step}' {direction} a state that means '{wanted}', and state "
            f"'{state}' {means}: give it 'meaning: {wanted}', or {remedy}",
        )

    def _sources(self, from_: Any) -> list[tuple[LinePath, str]]:
        """The states a transition leads from, each with its path below the transition."""
        if from_ == ALL_STATES:
            return [(("from",), name) for name in expand_sources(from_, self.order)]
        if isinstance(from_, str):
            return [(("from",), from_)]
        if isinstance(from_, list):
            return [(("from", i), name) for i, name in enumerate(from_) if isinstance(name, str)]
        return []


def check_meanings(data: dict[str, Any], lines: LineMap, file: str) -> list[Problem]:
    """Every problem with the meanings a workflow file's data declares."""
    raw_states = data.get("states")
    raw_transitions = data.get("transitions")
    if not isinstance(raw_states, dict) or not isinstance(raw_transitions, list):
        return []  # the schema check reports it
    states: dict[str, StateMeaning | None] = {}
    order: list[tuple[str, bool]] = []
    for name, body in raw_states.items():
        body = body if isinstance(body, dict) else {}
        meaning = body.get("meaning")
        states[str(name)] = _STATE_MEANINGS.get(meaning) if isinstance(meaning, str) else None
        order.append((str(name), body.get("final") is True))
    checker = _MeaningChecker(data, lines, file, states, order)
    for index, entry in enumerate(raw_transitions):
        if isinstance(entry, dict):
            checker.check(index, entry)
    return checker.problems
