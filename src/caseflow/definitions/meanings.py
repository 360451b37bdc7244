"""What a workflow's states and steps mean to meetings, and the services that own steps.

Meetings (:mod:`caseflow.meetings`) work on cases of any workflow: they never name a
state or a trigger. A workflow file says instead what its states and transitions
mean to them, with ``meaning:`` on a state or a transition::

    states:
      ready_for_agenda: {owner: secretariat, meaning: ready}
      on_agenda: {owner: committee, meaning: on_agenda}
    transitions:
      - trigger: put_on_agenda
        from: ready_for_agenda
        to: on_agenda
        roles: [secretariat]
        service: agenda
        meaning: put_on_agenda

A step (a transition's meaning) belongs to one service, which alone fires it
(``service:``), and leads from states of one meaning to a state of another
(:data:`STEP_RULES`); :mod:`caseflow.definitions.meaning_checks` holds a file to
that, with file and line. A workflow that declares no meaning has no committee
steps: its cases never go on an agenda, and everything else works as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class ServiceName(StrEnum):
    """The services that own some of a workflow's transitions (see ``TransitionDef.service``)."""

    AGENDA = "agenda"  # putting a case on a meeting's agenda, taking it off
    MINUTES = "minutes"  # the committee's decision and outcome at a meeting
    APPROVALS = "approvals"  # a transition with an approval chain (``approval:``)


class StateMeaning(StrEnum):
    """What a state means to meetings (``meaning:`` on a state)."""

    PREPARING = "preparing"  # being prepared for a meeting: not ready yet (the report, queue)
    READY = "ready"  # ready for a meeting's agenda, or waiting for one (the queue)
    ON_AGENDA = "on_agenda"  # an item on a meeting's agenda, until the meeting treats it
    DECIDED = "decided"  # the committee has decided (what a decision may send on)


class StepMeaning(StrEnum):
    """What a transition does for meetings (``meaning:`` on a transition)."""

    PUT_ON_AGENDA = "put_on_agenda"  # caseflow agenda add
    TAKE_OFF_AGENDA = "take_off_agenda"  # caseflow agenda withdraw
    DECIDE = "decide"  # caseflow minutes decide --outcome decided
    POSTPONE = "postpone"  # ... --outcome postponed
    REFER = "refer"  # ... --outcome referred --to COMMITTEE
    SEND_ON = "send_on"  # ... --outcome decided --to COMMITTEE, after the decision

    @property
    def rule(self) -> StepRule:
        return STEP_RULES[self]


@dataclass(frozen=True)
class StepRule:
    """Which service fires a step, and between states of which meanings it leads."""

    service: ServiceName
    sources: StateMeaning  # every state it leads from means this
    dest: StateMeaning  # the state it leads to means this
    does: str  # what it does, for messages: "puts a case on a meeting's agenda"


STEP_RULES: dict[StepMeaning, StepRule] = {
    StepMeaning.PUT_ON_AGENDA: StepRule(
        ServiceName.AGENDA,
        StateMeaning.READY,
        StateMeaning.ON_AGENDA,
        "puts a case on a meeting's agenda",
    ),
    StepMeaning.TAKE_OFF_AGENDA: StepRule(
        ServiceName.AGENDA,
        StateMeaning.ON_AGENDA,
        StateMeaning.READY,
        "takes a case off a meeting's agenda",
    ),
    StepMeaning.DECIDE: StepRule(
        ServiceName.MINUTES,
        StateMeaning.ON_AGENDA,
        StateMeaning.DECIDED,
        "records the committee's decision",
    ),
    StepMeaning.POSTPONE: StepRule(
        ServiceName.MINUTES,
        StateMeaning.ON_AGENDA,
        StateMeaning.READY,
        "postpones an item to the committee's next meeting",
    ),
    StepMeaning.REFER: StepRule(
        ServiceName.MINUTES,
        StateMeaning.ON_AGENDA,
        StateMeaning.READY,
        "refers an item to another committee",
    ),
    StepMeaning.SEND_ON: StepRule(
        ServiceName.MINUTES,
        StateMeaning.DECIDED,
        StateMeaning.READY,
        "sends a decided case on to the next committee",
    ),
}


def steps_of(service: ServiceName) -> tuple[StepMeaning, ...]:
    """The steps ``service`` fires, in the order above."""
    return tuple(step for step, rule in STEP_RULES.items() if rule.service is service)


# --- versions stored before files declared meanings -----------------------------------------

LEGACY_STATES: dict[str, StateMeaning] = {
    "registered": StateMeaning.PREPARING,
    "drafting": StateMeaning.PREPARING,
    "approval": StateMeaning.PREPARING,
    "ready_for_agenda": StateMeaning.READY,
    "on_agenda": StateMeaning.ON_AGENDA,
    "decided": StateMeaning.DECIDED,
}
LEGACY_STEPS: dict[str, StepMeaning] = {step.value: step for step in StepMeaning}
"""What caseflow made of these state and trigger names (committee-case's) before workflow
files said what their states and steps mean. A version stored then is read with them."""


def with_legacy_meanings(data: dict[str, Any]) -> dict[str, Any]:
    """A stored version's data as caseflow read it before ``meaning:`` existed: when it
    declares no meaning at all, the states and triggers named as :data:`LEGACY_STATES`
    and :data:`LEGACY_STEPS` say mean what those names meant then (a step owned by its
    service, as the current file has it). Anything else, or a version that declares a
    meaning anywhere, is left as it is."""
    states, transitions = data.get("states"), data.get("transitions")
    if not isinstance(states, dict) or not isinstance(transitions, list):
        return data
    bodies = [*states.values(), *transitions]
    if any(isinstance(body, dict) and "meaning" in body for body in bodies):
        return data
    upgraded_states = {
        name: {**body, "meaning": LEGACY_STATES[name].value}
        if isinstance(body, dict) and name in LEGACY_STATES
        else body
        for name, body in states.items()
    }
    upgraded_transitions = []
    for entry in transitions:
        trigger = entry.get("trigger") if isinstance(entry, dict) else None
        step = LEGACY_STEPS.get(trigger) if isinstance(trigger, str) else None
        if step is not None:
            entry = {"service": step.rule.service.value, **entry, "meaning": step.value}
        upgraded_transitions.append(entry)
    return {**data, "states": upgraded_states, "transitions": upgraded_transitions}
