"""Notification rules in a workflow file: the models of the YAML, and the resolved rules.

The same two layers as :mod:`caseflow.definitions.schema`: ``NotificationFile``
mirrors what an author writes under ``notifications:`` (and generates its part
of the JSON Schema); :class:`NotificationRule` is what the notification hook
reads, with roles and case fields already told apart so no code has to look at
the shape of a ``to`` entry again.

Whether the named template exists is not checked here: definitions are pure
data and do not know where a deployment keeps its templates. The tests check
that every template the shipped workflows name exists in every language.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, WithJsonSchema, model_validator

from caseflow.definitions.primitives import FROZEN, NAME_PATTERN, Name, one_key, only_one
from caseflow.domain import AuditKind

OnKind = Literal["transition", "entering"]
ON_KINDS: tuple[OnKind, ...] = ("transition", "entering")
NotificationLanguage = Literal["da", "en"]

# The names caseflow.notifications.render accepts; '_' first marks a layout, not a
# notification, so a rule cannot name one.
TEMPLATE_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"

_NAME_RE = re.compile(NAME_PATTERN)


# --- the resolved rule (what code uses) -----------------------------------------------


class NotificationOn(BaseModel):
    """What sends a notification: firing a trigger, or a case entering a state."""

    model_config = FROZEN

    kind: OnKind
    name: str


class NotificationRule(BaseModel):
    """One notification rule of a workflow.

    ``to_roles`` are resolved to people by the organisation tables when the rule
    fires; ``to_fields`` name case fields that hold an e-mail address (a citizen's,
    say, who is in no table). ``language`` None means the deployment's language.
    """

    model_config = FROZEN

    id: str
    on: NotificationOn
    template: str
    to_roles: tuple[str, ...] = ()
    to_fields: tuple[str, ...] = ()
    language: NotificationLanguage | None = None
    # Excluded from dumps so moving the rule in its file does not change the version hash.
    line: int | None = Field(default=None, exclude=True)

    def matches(self, kind: AuditKind, trigger: str | None, state: str) -> bool:
        """Whether an engine event of ``kind`` sends this rule's notification.

        A fire enters its destination even when it leads back to the same state
        (``send_fristbrev`` in ``assessing``), as deadlines count it; opening a
        case enters the initial state. Edits and deadline events enter nothing.
        """
        if self.on.kind == "transition":
            return kind is AuditKind.FIRE and trigger == self.on.name
        return kind in _ENTERING and state == self.on.name


_ENTERING = (AuditKind.FIRE, AuditKind.OPEN)  # the events that enter a state


# --- the file format (what people write) ------------------------------------------------


class NotificationOnFile(BaseModel):
    """'on:' of a notification rule: exactly one of its keys."""

    model_config = one_key("Notification trigger")

    transition: Name | None = Field(default=None, description="When this trigger is fired.")
    entering: Name | None = Field(
        default=None, description="When a case enters this state (also by a fire that stays)."
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> NotificationOnFile:
        only_one(self, ON_KINDS, "'on'", "'on: {transition: send_fristbrev}'")
        return self


def _check_recipient(value: Any) -> str | dict[str, str]:
    if isinstance(value, str) and _NAME_RE.match(value):
        return value
    if isinstance(value, dict) and list(value) == ["field"]:
        name = value["field"]
        if isinstance(name, str) and _NAME_RE.match(name):
            return {"field": name}
        raise ValueError(
            f"'field' is {name!r}, which is not a case field name: use lowercase letters, "
            "digits and '_', starting with a letter (e.g. requester_email)"
        )
    if isinstance(value, str):
        raise ValueError(
            f"{value!r} is not a role name: use lowercase letters, digits and '_', "
            "starting with a letter (e.g. case_officer)"
        )
    raise ValueError(
        "a recipient is a role ('- approver') or a case field that holds an e-mail "
        "address ('- field: requester_email')"
    )


_RECIPIENT_JSON_SCHEMA: dict[str, Any] = {
    "description": "A role, or {field: NAME}: a case field that holds an e-mail address.",
    "anyOf": [
        {"type": "string", "pattern": NAME_PATTERN},
        {
            "type": "object",
            "properties": {"field": {"type": "string", "pattern": NAME_PATTERN}},
            "required": ["field"],
            "additionalProperties": False,
        },
    ],
}

RecipientEntry = Annotated[
    Any, PlainValidator(_check_recipient), WithJsonSchema(_RECIPIENT_JSON_SCHEMA)
]
TemplateName = Annotated[str, Field(pattern=TEMPLATE_PATTERN)]


class NotificationFile(BaseModel):
    """One entry under 'notifications:'."""

    model_config = ConfigDict(extra="forbid", title="Notification rule")

    id: Name = Field(description="Unique in the workflow, e.g. fristbrev_to_requester.")
    on: NotificationOnFile
    template: TemplateName = Field(
        description="A notification under templates/notifications/{da,en}/, e.g. transition "
        "or fristbrev.",
        examples=["transition", "fristbrev"],
    )
    to: list[RecipientEntry] = Field(
        min_length=1,
        description="Roles (e.g. approver, secretariat) and/or {field: NAME} for an address "
        "kept in a case field.",
    )
    language: NotificationLanguage | None = Field(
        default=None, description="da or en; default: the deployment's language."
    )


NOTIFICATION_FILE_KEYS: dict[str, tuple[str, ...]] = {
    "notification": tuple(NotificationFile.model_fields),
    "notification trigger": tuple(NotificationOnFile.model_fields),
}


# --- from the file to the rule ------------------------------------------------------------


def _on(spec: NotificationOnFile) -> NotificationOn:
    for kind in ON_KINDS:
        name = getattr(spec, kind)
        if name is not None:
            return NotificationOn(kind=kind, name=name)
    raise ValueError("'on' names nothing")  # the file model refuses this first


def resolve_notification(spec: NotificationFile, line: int | None = None) -> NotificationRule:
    """Turn a validated file entry into a rule; a recipient named twice counts once."""
    roles = [entry for entry in spec.to if isinstance(entry, str)]
    fields = [entry["field"] for entry in spec.to if isinstance(entry, dict)]
    return NotificationRule(
        id=spec.id,
        on=_on(spec.on),
        template=spec.template,
        to_roles=tuple(dict.fromkeys(roles)),
        to_fields=tuple(dict.fromkeys(fields)),
        language=spec.language,
        line=line,
    )
