"""Pydantic models of a workflow: the file format, and the resolved definition.

Two layers, on purpose:

* ``WorkflowFile`` and friends mirror the YAML exactly (``from``, states keyed by
  name, guards as ``name`` or ``{name: params}``). The loader validates a file
  against them, and :func:`json_schema` turns them into the JSON Schema that
  editors use to complete and check files as they are typed.
* ``WorkflowDefinition`` and friends are what the rest of caseflow codes against:
  ``from: "*"`` already expanded, guards normalised, names filled in. They are
  frozen, so a loaded definition can be shared by every case on its version.

The models of deadline rules (both layers) live in
:mod:`caseflow.definitions.deadline_schema`, those of notification rules in
:mod:`caseflow.definitions.notification_schema`, and the shared names and texts
in :mod:`caseflow.definitions.primitives`; all are re-exported here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, WithJsonSchema

from caseflow.definitions.approval_schema import APPROVAL_FILE_KEYS, ApprovalChain, ApprovalFile
from caseflow.definitions.deadline_schema import (
    DEADLINE_FILE_KEYS,
    DeadlineAnchor,
    DeadlineFile,
    DeadlineRule,
    DeadlineStartFile,
    ExpiryAction,
    ExpiryActionFile,
)
from caseflow.definitions.guards import GUARDS
from caseflow.definitions.meanings import ServiceName, StateMeaning, StepMeaning
from caseflow.definitions.notification_schema import (
    NOTIFICATION_FILE_KEYS,
    NotificationFile,
    NotificationOn,
    NotificationOnFile,
    NotificationRule,
)
from caseflow.definitions.primitives import (
    FROZEN,
    NAME_PATTERN,
    WORKFLOW_ID_PATTERN,
    LocalizedText,
    Name,
    Text,
    WorkflowId,
)
from caseflow.errors import NotFound

__all__ = [
    "ALL_STATES",
    "FILE_KEYS",
    "NAME_PATTERN",
    "WORKFLOW_ID_PATTERN",
    "DeadlineAnchor",
    "DeadlineFile",
    "DeadlineRule",
    "DeadlineStartFile",
    "ExpiryAction",
    "ExpiryActionFile",
    "GuardSpec",
    "LocalizedText",
    "Name",
    "NotificationFile",
    "NotificationOn",
    "NotificationOnFile",
    "NotificationRule",
    "ServiceName",
    "StateDef",
    "StateFile",
    "StateMeaning",
    "StepMeaning",
    "Text",
    "TransitionDef",
    "TransitionFile",
    "WorkflowDefinition",
    "WorkflowFile",
    "WorkflowId",
    "expand_sources",
    "json_schema",
    "json_schema_text",
]

ALL_STATES = "*"


# --- the resolved definition (what code uses) ---------------------------------------------


class StateDef(BaseModel):
    """One state of a workflow."""

    model_config = FROZEN

    name: str
    title: LocalizedText | None = None
    description: str | None = None
    owner: str | None = None
    initial: bool = False
    final: bool = False
    meaning: StateMeaning | None = None  # what the state means to meetings


class GuardSpec(BaseModel):
    """A guard named on a transition, with its parameters (None for a bare name)."""

    model_config = FROZEN

    name: str
    params: Any = None


class TransitionDef(BaseModel):
    """One transition: a trigger that leads from any of ``sources`` to ``dest``."""

    model_config = FROZEN

    trigger: str
    sources: tuple[str, ...]
    dest: str
    roles: tuple[str, ...]
    guards: tuple[GuardSpec, ...] = ()
    title: LocalizedText | None = None
    requires_comment: bool = False
    service: ServiceName | None = None
    meaning: StepMeaning | None = None  # what it does for meetings (fired by ``service``)
    approval: ApprovalChain | None = None  # the chain that must approve first (service: approvals)
    # Where the transition is in the file, for messages. Excluded from dumps so that
    # moving it (adding a comment above) does not change the workflow's version hash.
    line: int | None = Field(default=None, exclude=True)


class WorkflowDefinition(BaseModel):
    """A whole, validated workflow. Build it with the loader, which checks it first."""

    model_config = FROZEN

    id: str
    title: LocalizedText
    description: str | None = None
    roles: dict[str, LocalizedText]
    states: dict[str, StateDef]  # file order kept
    transitions: tuple[TransitionDef, ...]
    deadlines: tuple[DeadlineRule, ...] = ()
    notifications: tuple[NotificationRule, ...] = ()

    @property
    def initial_state(self) -> str:
        for state in self.states.values():
            if state.initial:
                return state.name
        raise NotFound(f"workflow '{self.id}' has no initial state")

    def state(self, name: str) -> StateDef:
        try:
            return self.states[name]
        except KeyError:
            known = ", ".join(self.states)
            raise NotFound(
                f"workflow '{self.id}' has no state '{name}'; its states are: {known}"
            ) from None

    def states_meaning(self, meaning: StateMeaning) -> tuple[str, ...]:
        """The states that mean ``meaning`` to meetings, in file order."""
        return tuple(s.name for s in self.states.values() if s.meaning is meaning)

    def state_means(self, state: str, meaning: StateMeaning) -> bool:
        found = self.states.get(state)
        return found is not None and found.meaning is meaning

    def steps(self, step: StepMeaning) -> tuple[TransitionDef, ...]:
        """The transitions that mean ``step``, in file order."""
        return tuple(t for t in self.transitions if t.meaning is step)

    def step_from(self, state: str, step: StepMeaning) -> TransitionDef | None:
        """The transition that does ``step`` from ``state`` (a file has at most one)."""
        return next((t for t in self.steps(step) if state in t.sources), None)

    @property
    def approval_transitions(self) -> tuple[TransitionDef, ...]:
        """The transitions that require an approval chain, in file order."""
        return tuple(t for t in self.transitions if t.approval is not None)

    def deadline(self, rule_id: str) -> DeadlineRule:
        """The deadline rule with this id (a stored deadline names its rule by id)."""
        for rule in self.deadlines:
            if rule.id == rule_id:
                return rule
        known = ", ".join(r.id for r in self.deadlines) or "(none)"
        raise NotFound(
            f"workflow '{self.id}' has no deadline rule '{rule_id}'; its rules are: {known}"
        )


def expand_sources(from_: str | list[str], states: Iterable[tuple[str, bool]]) -> tuple[str, ...]:
    """Resolve a transition's ``from``: ``"*"`` means every non-final state, in file order.

    ``states`` yields ``(name, is_final)`` pairs in file order.
    """
    if from_ == ALL_STATES:
        return tuple(name for name, final in states if not final)
    if isinstance(from_, str):
        return (from_,)
    return tuple(from_)


# --- the file format (what people write) --------------------------------------------------


def _check_from(value: Any) -> str | list[str]:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        if ALL_STATES in value:
            raise ValueError("'*' must stand alone: write 'from: \"*\"', not a list containing it")
        return value
    raise ValueError(
        "'from' must be a state name, a non-empty list of state names, "
        'or "*" for every non-final state'
    )


def _check_guard_entry(value: Any) -> str | dict[str, Any]:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) == 1 and isinstance(next(iter(value)), str):
        return value
    raise ValueError(
        "a guard is a name ('- has_decision') or a mapping of one name to its "
        "parameters ('- sections_filled: [okonomi]')"
    )


_SOURCE_JSON_SCHEMA: dict[str, Any] = {
    "description": 'A state, a list of states, or "*" for every non-final state.',
    "anyOf": [
        {"const": ALL_STATES},
        {"type": "string", "pattern": NAME_PATTERN},
        {"type": "array", "items": {"type": "string", "pattern": NAME_PATTERN}, "minItems": 1},
    ],
}

_GUARD_JSON_SCHEMA: dict[str, Any] = {
    "description": "A guard name, or a mapping of one guard name to its parameters.",
    "anyOf": [
        {"type": "string", "pattern": NAME_PATTERN},
        {"type": "object", "minProperties": 1, "maxProperties": 1},
    ],
}  # json_schema() narrows this to the registered guards

SourceEntry = Annotated[Any, PlainValidator(_check_from), WithJsonSchema(_SOURCE_JSON_SCHEMA)]
GuardEntry = Annotated[Any, PlainValidator(_check_guard_entry), WithJsonSchema(_GUARD_JSON_SCHEMA)]


class StateFile(BaseModel):
    """One entry under 'states:', keyed by the state's name."""

    model_config = ConfigDict(extra="forbid", title="State")

    title: LocalizedText | None = None
    description: str | None = None
    owner: Name | None = Field(
        default=None, description="The role that owns the work in this state."
    )
    initial: bool = Field(default=False, description="The state a new case starts in (one).")
    final: bool = Field(default=False, description="A case in this state is finished.")
    meaning: Literal["preparing", "ready", "on_agenda", "decided"] | None = Field(
        default=None,
        description="What the state means to meetings: 'preparing' (being prepared for a "
        "meeting, not ready yet), 'ready' (waiting for a meeting's agenda), 'on_agenda' (an "
        "item on a meeting's agenda) or 'decided' (the committee has decided).",
    )


class TransitionFile(BaseModel):
    """One entry under 'transitions:'."""

    model_config = ConfigDict(extra="forbid", title="Transition")

    trigger: Name = Field(description="The action's name, e.g. submit_for_approval.")
    from_: SourceEntry = Field(alias="from")
    to: Name = Field(description="The state the transition leads to.")
    roles: list[Name] = Field(min_length=1, description="Roles that may fire it.")
    guards: list[GuardEntry] = Field(default_factory=list)
    title: LocalizedText | None = None
    requires_comment: bool = False
    service: Literal["agenda", "minutes"] | None = Field(
        default=None,
        description="Only this service fires the transition, with its own checks and rows: "
        "'agenda' (putting a case on a meeting's agenda, taking it off) or 'minutes' (the "
        "committee's decision at a meeting). A plain step (`case advance`) is refused.",
    )
    meaning: (
        Literal["put_on_agenda", "take_off_agenda", "decide", "postpone", "refer", "send_on"] | None
    ) = Field(
        default=None,
        description="What the transition does for meetings, which its service needs to know: "
        "'put_on_agenda' or 'take_off_agenda' (service: agenda); 'decide', 'postpone', "
        "'refer' or 'send_on' (service: minutes).",
    )
    approval: ApprovalFile | None = Field(
        default=None,
        description="An approval chain that must approve before the transition fires; "
        "its steps are acted on with `caseflow approval`, never `case advance`.",
    )


class WorkflowFile(BaseModel):
    """A workflow file: one workflow."""

    model_config = ConfigDict(extra="forbid", title="caseflow workflow")

    id: WorkflowId = Field(description="Lowercase letters, digits and '-'.")
    title: LocalizedText
    description: str | None = None
    roles: dict[Name, LocalizedText] = Field(min_length=1)
    states: dict[Name, StateFile] = Field(min_length=1)
    transitions: list[TransitionFile] = Field(min_length=1)
    deadlines: list[DeadlineFile] = Field(
        default_factory=list,
        description="Deadline rules: when a deadline starts, when it falls due, what follows.",
    )
    notifications: list[NotificationFile] = Field(
        default_factory=list,
        description="Notification rules: who is told, with which template, when a trigger "
        "is fired or a state entered; written to the outbox with the transition.",
    )


FILE_KEYS: dict[str, tuple[str, ...]] = {
    "workflow": tuple(f.alias or n for n, f in WorkflowFile.model_fields.items()),
    "state": tuple(f.alias or n for n, f in StateFile.model_fields.items()),
    "transition": tuple(f.alias or n for n, f in TransitionFile.model_fields.items()),
    "text": tuple(LocalizedText.model_fields),
    **DEADLINE_FILE_KEYS,
    **NOTIFICATION_FILE_KEYS,
    **APPROVAL_FILE_KEYS,
}
"""The keys allowed in each kind of mapping, for "unknown key" messages."""


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a workflow file, with guard names and parameters spelled out."""
    schema = WorkflowFile.model_json_schema(by_alias=True)
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
    bare = sorted(name for name, g in GUARDS.items() if g.params_schema is None)
    with_params = {
        name: dict(g.params_schema) for name, g in GUARDS.items() if g.params_schema is not None
    }
    guard_schema: dict[str, Any] = {
        "description": _GUARD_JSON_SCHEMA["description"],
        "anyOf": [
            {"enum": bare},
            *(
                {
                    "type": "object",
                    "properties": {name: params},
                    "required": [name],
                    "additionalProperties": False,
                }
                for name, params in sorted(with_params.items())
            ),
        ],
    }
    schema["$defs"][TransitionFile.__name__]["properties"]["guards"]["items"] = guard_schema
    _close_pattern_properties(schema)
    return schema


def _close_pattern_properties(node: Any) -> None:
    """Mappings keyed by pattern (states, roles) allow no other keys; say so for editors."""
    if isinstance(node, dict):
        if "patternProperties" in node:
            node.setdefault("additionalProperties", False)
        for value in node.values():
            _close_pattern_properties(value)
    elif isinstance(node, list):
        for value in node:
            _close_pattern_properties(value)


def json_schema_text() -> str:
    """The committed ``workflows/workflow.schema.json``, byte for byte.

    Regenerate after changing the models or the guard registry::

        python -c "from caseflow.definitions.schema import json_schema_text as t; \
open('workflows/workflow.schema.json', 'w', encoding='utf-8').write(t())"
    """
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
