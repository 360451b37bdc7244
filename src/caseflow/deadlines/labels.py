"""Deadline rows as people read them: the rule's title and who owns it.

A deadline row names its rule by id: a workflow's (``drafting_time``) or a
follow-up action's (``followup:7``), which tells a secretariat nothing. The
daily digest and ``caseflow deadlines list|explain`` show the title and the
owner instead, found the way the dispatcher finds them for the reminders
(:func:`caseflow.deadlines.followups.deadline_rule`,
:func:`caseflow.deadlines.owners.owner_of`,
:func:`caseflow.notifications.recipients.resolve`), so a list never disagrees
with the mail. The id stays in their JSON, for scripts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from caseflow.deadlines import followups
from caseflow.deadlines.owners import Owner, owner_of
from caseflow.domain import Case, CaseHead
from caseflow.meetings.vocabulary import FollowupOwnerKind
from caseflow.notifications import recipients
from caseflow.registry import WorkflowRegistry
from caseflow.store import organisation


@dataclass(frozen=True)
class Label:
    """A deadline's rule id, its title in one language, and its owner (None: no rule).

    ``notified`` is where the owner's reminders go; ``fallback`` says why that is
    not the owner's own address when it is not (an administration without one).
    """

    rule_id: str
    title: str
    owner: Owner | None
    notified: tuple[recipients.Address, ...] = ()
    fallback: str | None = None

    @property
    def owner_name(self) -> str | None:
        return self.owner["name"] if self.owner is not None else None

    def json(self) -> dict[str, Any]:
        return {
            "rule": self.rule_id,
            "title": self.title,
            "owner": self.owner,
            "notified": list(self.notified),
            "fallback": self.fallback,
        }


class Labels:
    """Labels for the deadlines one command shows; the organisation is read once for all."""

    def __init__(self, conn: Connection, registry: WorkflowRegistry, language: str) -> None:
        self.conn = conn
        self.registry = registry
        self.language = language
        self.directory = organisation.directory(conn)

    def of(self, rule_id: str, case: Case | CaseHead) -> Label:
        """The label of ``case``'s deadline of rule ``rule_id``, open or closed."""
        definition = self.registry.for_case(
            self.conn, case.workflow_id, case.workflow_version
        ).definition
        rule = followups.deadline_rule(self.conn, definition, rule_id, open_only=False)
        if rule is None:  # its workflow version lost the rule, or the action is gone
            return Label(rule_id, rule_id, None)
        return Label(
            rule_id,
            rule.title.pick(self.language),
            owner_of(self.directory, case, rule, definition, self.language),
            tuple(recipients.resolve(self.directory, case, [rule.owner])),
            self._fallback(rule.owner),
        )

    def _fallback(self, owner: str) -> str | None:
        unit = recipients.unit_of(owner)
        if unit is None:
            return None
        kind, code = unit
        if kind is FollowupOwnerKind.STEERING_GROUP:
            if recipients.steering_members(self.directory, code):
                return None
            return (
                f"no one seated in {code} has an e-mail address in the organisation file, "
                "so who holds the steering_group role on the case is told instead"
            )
        if recipients.unit_address(self.directory, owner) is not None:
            return None
        return (
            f"{code} has no e-mail address in the organisation file, "
            "so the case officer is told instead"
        )
