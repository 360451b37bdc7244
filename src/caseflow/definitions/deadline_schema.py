"""Deadline rules in a workflow file: the models of the YAML, and the resolved rules.

The same two layers as :mod:`caseflow.definitions.schema`: ``DeadlineFile`` and
friends mirror what an author writes under ``deadlines:`` (and generate its part
of the JSON Schema); :class:`DeadlineRule` is what the engine and the deadline
machinery read, with every default filled in so that no code has to know what an
omitted ``active_in`` means. The ``due`` text stays text in both layers: it is
read by :func:`caseflow.definitions.due.parse_due`, the one grammar of dates.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from caseflow.definitions.primitives import (
    FROZEN,
    LocalizedText,
    Name,
    Text,
    one_key,
    only_one,
)

AnchorKind = Literal["entering", "transition", "field"]
ActionKind = Literal["notify", "escalate", "fire", "mark"]
ANCHOR_KINDS: tuple[AnchorKind, ...] = ("entering", "transition", "field")
ACTION_KINDS: tuple[ActionKind, ...] = ("notify", "escalate", "fire", "mark")
MARKS = ("overdue",)


# --- the resolved rule (what code uses) -----------------------------------------------


class DeadlineAnchor(BaseModel):
    """What starts a deadline: entering a state, firing a trigger, or setting a field."""

    model_config = FROZEN

    kind: AnchorKind
    name: str


class ExpiryAction(BaseModel):
    """One thing to do when a deadline passes: ``roles`` for notify/escalate, etc."""

    model_config = FROZEN

    kind: ActionKind
    roles: tuple[str, ...] = ()
    trigger: str | None = None
    mark: str | None = None


class DeadlineRule(BaseModel):
    """One deadline rule of a workflow, defaults resolved.

    ``active_in`` is never empty; ``reminders`` are distinct and sorted
    descending (the earliest reminder first). Leaving ``active_in`` and
    ``paused_in`` by a trigger not in ``satisfied_by`` cancels the deadline.
    """

    model_config = FROZEN

    id: str
    title: LocalizedText
    anchor: DeadlineAnchor
    due: str  # as written; read it with caseflow.deadlines.rules.parse_due
    active_in: tuple[str, ...]
    paused_in: tuple[str, ...] = ()
    satisfied_by: tuple[str, ...] = ()
    reminders: tuple[int, ...] = ()
    owner: str
    legal_source: str | None = None
    on_expiry: tuple[ExpiryAction, ...]
    # Excluded from dumps so moving the rule in its file does not change the version hash.
    line: int | None = Field(default=None, exclude=True)


# --- the file format (what people write) ------------------------------------------------


class DeadlineStartFile(BaseModel):
    """'starts:' of a deadline rule: exactly one of its keys."""

    model_config = one_key("Deadline start")

    entering: Name | None = Field(default=None, description="When a case enters this state.")
    transition: Name | None = Field(default=None, description="When this trigger is fired.")
    field: Name | None = Field(
        default=None, description="When this case field (a key of case.fields) is set or changed."
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> DeadlineStartFile:
        only_one(self, ANCHOR_KINDS, "'starts'", "'starts: {entering: received}'")
        return self


RoleList = Annotated[list[Name], Field(min_length=1)]


class ExpiryActionFile(BaseModel):
    """One entry under 'on_expiry:': exactly one of its keys."""

    model_config = one_key("Expiry action")

    notify: RoleList | None = Field(default=None, description="Tell these roles.")
    escalate: Name | None = Field(default=None, description="Hand the matter to this role.")
    fire: Name | None = Field(
        default=None, description="Fire this trigger (it must exist from every active_in state)."
    )
    mark: Literal["overdue"] | None = Field(default=None, description="Mark the case overdue.")

    @model_validator(mode="after")
    def _exactly_one(self) -> ExpiryActionFile:
        only_one(self, ACTION_KINDS, "an 'on_expiry' entry", "'- escalate: approver'")
        return self


Reminder = Annotated[int, Field(gt=0)]


class DeadlineFile(BaseModel):
    """One entry under 'deadlines:'."""

    model_config = ConfigDict(extra="forbid", title="Deadline rule")

    id: Name = Field(description="Unique in the workflow, e.g. answer_in_time.")
    title: LocalizedText
    starts: DeadlineStartFile
    due: Text = Field(
        description="When it falls due: 'within 7 working days', 'within 5 weekdays', "
        "'within 30 days', '8 working days before field meeting_date', 'at field due_date', "
        "'by end of 2009', 'by end of month|quarter|year', 'by 2009-12-31', 'during 2010'.",
        examples=["within 7 working days", "at field obligation_due"],
    )
    active_in: list[Name] | None = Field(
        default=None,
        min_length=1,
        description="States in which it runs. Default: the entered state, the transition's "
        "destination, or every non-final state for a field.",
    )
    paused_in: list[Name] = Field(
        default_factory=list,
        description="States in which the clock stops; it resumes with the working days left.",
    )
    satisfied_by: list[Name] = Field(
        default_factory=list,
        description="Triggers that meet the deadline; leaving it any other way cancels it.",
    )
    reminders: list[Reminder] = Field(
        default_factory=list, description="Working days before the due date, e.g. [2, 1]."
    )
    owner: Name = Field(description="The role that answers for the deadline.")
    legal_source: Text | None = Field(
        default=None, description="e.g. 'Offentlighedsloven § 36, stk. 1'."
    )
    on_expiry: list[ExpiryActionFile] = Field(
        min_length=1, description="What happens when it passes, in order."
    )


DEADLINE_FILE_KEYS: dict[str, tuple[str, ...]] = {
    "deadline": tuple(DeadlineFile.model_fields),
    "deadline start": tuple(DeadlineStartFile.model_fields),
    "expiry action": tuple(ExpiryActionFile.model_fields),
}


# --- from the file to the rule ------------------------------------------------------------


def default_active_in(
    anchor: DeadlineAnchor,
    states: Sequence[tuple[str, bool]],
    transitions: Iterable[tuple[str, str]],
) -> tuple[str, ...]:
    """Where a rule runs when the file does not say.

    ``states`` are ``(name, is_final)`` in file order; ``transitions`` are
    ``(trigger, destination)`` pairs. A trigger defined more than once may lead to
    several states; the deadline runs in each of them.
    """
    if anchor.kind == "entering":
        return (anchor.name,)
    if anchor.kind == "transition":
        return tuple(dict.fromkeys(dest for trigger, dest in transitions if trigger == anchor.name))
    return tuple(name for name, final in states if not final)


def _action(entry: ExpiryActionFile) -> ExpiryAction:
    if entry.notify is not None:
        return ExpiryAction(kind="notify", roles=tuple(entry.notify))
    if entry.escalate is not None:
        return ExpiryAction(kind="escalate", roles=(entry.escalate,))
    if entry.fire is not None:
        return ExpiryAction(kind="fire", trigger=entry.fire)
    return ExpiryAction(kind="mark", mark=entry.mark)


def _anchor(starts: DeadlineStartFile) -> DeadlineAnchor:
    for kind in ANCHOR_KINDS:
        name = getattr(starts, kind)
        if name is not None:
            return DeadlineAnchor(kind=kind, name=name)
    raise ValueError("'starts' names nothing")  # the file model refuses this first


def resolve_deadline(
    spec: DeadlineFile,
    states: Sequence[tuple[str, bool]],
    transitions: Sequence[tuple[str, str]],
    line: int | None = None,
) -> DeadlineRule:
    """Turn a validated file entry into a rule with every default filled in."""
    anchor = _anchor(spec.starts)
    paused = tuple(spec.paused_in)
    if spec.active_in is not None:
        active = tuple(spec.active_in)
    else:
        active = tuple(s for s in default_active_in(anchor, states, transitions) if s not in paused)
    return DeadlineRule(
        id=spec.id,
        title=spec.title,
        anchor=anchor,
        due=spec.due,
        active_in=active,
        paused_in=paused,
        satisfied_by=tuple(spec.satisfied_by),
        reminders=tuple(sorted(set(spec.reminders), reverse=True)),
        owner=spec.owner,
        legal_source=spec.legal_source,
        on_expiry=tuple(_action(e) for e in spec.on_expiry),
        line=line,
    )
