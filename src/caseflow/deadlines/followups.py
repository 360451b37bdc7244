"""Follow-up actions as deadlines: a rule per action, built from its row.

A follow-up action after a decision ("the steering group proposes stronger
coordination before the end of 2009") is not a rule of the workflow file but
an obligation someone types in. Each one gets a deadline row whose rule id is
``followup:<id>``; the dispatcher asks :func:`rule_for` for its rule and then
treats it like any other: reminders to the owner 20 and 5 working days
before, and on expiry a notice to the owner and the case officer and an
escalation to the approvers (management). When the action is done or
cancelled, its deadline is closed with it.

``due`` reads like a workflow rule ("by end of 2009", "during 2010", "within
10 working days", "by 2009-12-31") or like a political date ("end of 2009",
"in 2010", "udgangen af 2009").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection

from caseflow.definitions import DeadlineRule, WorkflowDefinition
from caseflow.definitions.deadline_schema import DeadlineAnchor, ExpiryAction
from caseflow.definitions.due import parse_due, parse_field_date
from caseflow.definitions.primitives import LocalizedText
from caseflow.errors import NotFound
from caseflow.store import followups as rows
from caseflow.store.tables import FOLLOWUP_OPEN

PREFIX = "followup:"
DUE_FIELD = "followup_due"  # the name a political date is read under
REMINDERS = (20, 5)
OWNER_ROLES = {"steering_group": "steering_group", "administration": "case_officer"}


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


def make_rule(
    followup_id: int,
    description: str,
    owner_kind: str,
    due: str,
    definition: WorkflowDefinition,
) -> DeadlineRule:
    """The deadline rule of one follow-up action; it runs in every state of the case."""
    owner = OWNER_ROLES.get(owner_kind, "case_officer")
    text, _ = due_rule_text(due)
    short = description if len(description) <= 80 else description[:77] + "..."
    notify = tuple(dict.fromkeys((owner, "case_officer")))
    escalate = tuple(
        ExpiryAction(kind="escalate", roles=(role,))
        for role in ("approver",)
        if role in definition.roles
    )
    return DeadlineRule(
        id=rule_id(followup_id),
        title=LocalizedText(da=f"Opfølgning: {short}", en=f"Follow-up: {short}"),
        anchor=DeadlineAnchor(kind="transition", name="followup"),
        due=text,
        active_in=tuple(definition.states),
        reminders=REMINDERS,
        owner=owner,
        on_expiry=(ExpiryAction(kind="notify", roles=notify), *escalate),
    )


def rule_for(
    conn: Connection, rule_id_: str, definition: WorkflowDefinition
) -> DeadlineRule | None:
    """The rule of a follow-up's deadline row; None when the action is no longer open."""
    try:
        followup_id = int(rule_id_.removeprefix(PREFIX))
    except ValueError:
        return None
    try:
        record = rows.get(conn, followup_id)
    except NotFound:
        return None
    if record.status != FOLLOWUP_OPEN:
        return None
    return make_rule(record.id, record.description, record.owner_kind, record.due, definition)
