"""Follow-up actions as deadlines: a rule per action, built from its row.

A follow-up action after a decision ("the steering group proposes stronger
coordination before the end of 2009") is not a rule of the workflow file but
an obligation someone types in. Each one gets a deadline row whose rule id is
``followup:<id>``; the dispatcher asks :func:`deadline_rule` for its rule and
then treats it like any other: reminders to the owner 20 and 5 working days
before, and on expiry a notice to the owner and the case officer and an
escalation to management (the workflow's approvers, or its office heads where an
approval chain of office head and director has taken their place). When the action is done or
cancelled, its deadline is closed with it.

The rule's title is the action's own text and its owner the unit that owns it
(``steering_group:OMR``, ``administration:TMF``), so reminders, the digest and
``caseflow deadlines list`` name the action and who owns it, never ``followup:7``.

``due`` reads like a workflow rule ("by end of 2009", "during 2010", "within
10 working days", "by 2009-12-31") or like a political date ("end of 2009",
"in 2010", "udgangen af 2009").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from caseflow.definitions.due import parse_due, parse_field_date
from caseflow.errors import NotFound
from caseflow.meetings.vocabulary import FollowupStatus
from caseflow.store import followups as rows

if TYPE_CHECKING:
    # Annotations only: a definition's models (pydantic) load with the first workflow,
    # not with every process that imports this module (an idle worker loads none).
    from caseflow.definitions import DeadlineRule, WorkflowDefinition
    from caseflow.definitions.primitives import LocalizedText

PREFIX = "followup:"
DUE_FIELD = "followup_due"  # the name a political date is read under
REMINDERS = (20, 5)
TITLE_LENGTH = 80


def rule_id(followup_id: int) -> str:
    return f"{PREFIX}{followup_id}"


def is_followup(rule_id_: str) -> bool:
    return rule_id_.startswith(PREFIX)


def due_rule_text(due: str) -> tuple[str, Mapping[str, Any]]:
    """A ``due`` as typed → the rule text to compute it and the fields that text reads.

    Raises ValueError saying how to write it when it is neither form.
    """
    text = " ".join(due.split())
    try:
        spec = parse_due(text)
    except ValueError as rule_error:
        try:
            found = parse_field_date(text, "due")
        except ValueError:
            raise ValueError(
                f"cannot read due {text!r}: write e.g. 'by end of 2009', 'during 2010', "
                "'within 10 working days', 'by 2009-12-31' or 'end of 2009'"
            ) from rule_error
        if found is None:
            raise ValueError("the due date is empty") from rule_error
        return f"at field {DUE_FIELD}", {DUE_FIELD: text}
    if spec.reads_field:
        raise ValueError(f"due {text!r} reads a case field; a follow-up's due stands alone")
    return text, {}


def title(description: str) -> LocalizedText:
    """``Opfølgning: <the action>``, shortened to fit a subject line."""
    # Here, not at the top: the models (pydantic) load with the first rule made.
    from caseflow.definitions.primitives import LocalizedText

    short = description if len(description) <= TITLE_LENGTH else description[:77] + "..."
    return LocalizedText(da=f"Opfølgning: {short}", en=f"Follow-up: {short}")


MANAGEMENT = ("approver", "office_head")
"""The roles an overdue action escalates to: the first of them the workflow has."""


def make_rule(
    followup_id: int,
    description: str,
    owner: str,
    due: str,
    definition: WorkflowDefinition,
) -> DeadlineRule:
    """The deadline rule of one follow-up action; it runs in every state of the case.

    ``owner`` is the action's (``steering_group:OMR``): reminders go to it, and on
    expiry it and the case officer are told.
    """
    # Here, not at the top: the models (pydantic) load with the first rule made.
    from caseflow.definitions.deadline_schema import DeadlineAnchor, DeadlineRule, ExpiryAction

    text, _ = due_rule_text(due)
    notify = tuple(dict.fromkeys((owner, "case_officer")))
    management = [role for role in MANAGEMENT if role in definition.roles][:1]
    escalate = tuple(ExpiryAction(kind="escalate", roles=(role,)) for role in management)
    return DeadlineRule(
        id=rule_id(followup_id),
        title=title(description),
        anchor=DeadlineAnchor(kind="transition", name="followup"),
        due=text,
        active_in=tuple(definition.states),
        reminders=REMINDERS,
        owner=owner,
        on_expiry=(ExpiryAction(kind="notify", roles=notify), *escalate),
    )


def deadline_rule(
    conn: Connection, definition: WorkflowDefinition, rule_id_: str, *, open_only: bool = True
) -> DeadlineRule | None:
    """The rule of a deadline row: the workflow's, or a follow-up action's own.

    None when there is none; with ``open_only`` (the dispatcher's view) also when
    the follow-up action is done or cancelled, so its deadline is closed as stale.
    """
    if not is_followup(rule_id_):
        return next((r for r in definition.deadlines if r.id == rule_id_), None)
    try:
        record = rows.get(conn, int(rule_id_.removeprefix(PREFIX)))
    except (ValueError, NotFound):
        return None
    if open_only and record.status is not FollowupStatus.OPEN:
        return None
    return make_rule(record.id, record.description, record.owner, record.due, definition)
