"""Keeping a case's deadline rows in step with its state and fields.

This runs as an engine hook, inside the transaction of the fire or edit that
caused it: the deadlines a transition creates, cancels, satisfies, pauses or
resumes are written together with the new state, or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from caseflow.deadlines.rules import (
    Calendars,
    DueDate,
    compute_due,
    ends_rule,
    parse_due,
    remaining_working_days,
    resume_due,
    rules_starting,
)
from caseflow.deadlines.vocabulary import DeadlineStatus
from caseflow.domain import AuditKind
from caseflow.engine import CaseEvent
from caseflow.errors import InvalidInput
from caseflow.store import deadlines as rows
from caseflow.store.cases import CaseReads

if TYPE_CHECKING:
    # Annotations only: a definition's models (pydantic) load with the first workflow,
    # not with every process that imports this module (an idle worker loads none).
    from caseflow.definitions import CompiledWorkflow, DeadlineRule

_LIVE = "live_deadlines"
SUPERSEDED = DeadlineStatus.CANCELLED  # a field-anchored deadline whose field changed is replaced


def changed_fields(changes: Mapping[str, Any]) -> set[str]:
    """Names of ``case.fields`` entries an audit row's changes touched."""
    names: set[str] = set()
    for key, change in changes.items():
        if key.startswith("fields."):
            names.add(key.removeprefix("fields."))
        elif key == "fields":
            old, new = change
            names |= {
                k
                for k in set(old or {}) | set(new or {})
                if (old or {}).get(k) != (new or {}).get(k)
            }
    return names


class DueDates:
    """:func:`compute_due`, worked out once per rule, minute and field value.

    The due date, its reminders and its explanation depend on the start's minute
    (the explanation shows it), the one field the rule reads, if any, and whether
    the due moment had passed at the start: fires in the same minute share them.
    The deadline scheduler and the approval chains' step deadlines each keep one.
    """

    def __init__(self, calendars: Calendars) -> None:
        self.calendars = calendars
        self._due: dict[tuple[Any, ...], tuple[DeadlineRule, DueDate | None, bool]] = {}
        self._fields: dict[int, tuple[DeadlineRule, str | None]] = {}

    def __call__(
        self, rule: DeadlineRule, start: datetime, fields: Mapping[str, Any]
    ) -> DueDate | None:
        known = self._fields.get(id(rule))
        if known is None or known[0] is not rule:
            known = self._fields[id(rule)] = (rule, parse_due(rule.due).field)
        value = fields.get(known[1]) if known[1] else None
        key = (id(rule), start.replace(second=0, microsecond=0), value)
        try:
            cached = self._due.get(key)
        except TypeError:  # a field value that is not hashable: work it out each time
            return compute_due(rule, start=start, fields=fields, calendars=self.calendars)
        if cached is not None and cached[0] is rule:
            due = cached[1]
            if due is None or (due.due_at <= start) == cached[2]:
                return due
        due = compute_due(rule, start=start, fields=fields, calendars=self.calendars)
        if len(self._due) >= 1024:
            self._due.clear()
        self._due[key] = (rule, due, due is not None and due.due_at <= start)
        return due


class DeadlineScheduler:
    """The engine hook that creates and ends deadline rows."""

    def __init__(self, calendars: Calendars) -> None:
        self.calendars = calendars
        self._compute_due = DueDates(calendars)

    def idle_for(
        self, kind: AuditKind, changed_fields: frozenset[str], workflow: CompiledWorkflow
    ) -> bool:
        """An edit-like event (no fire, no opening) touches only deadlines anchored on a
        field it changes: with none, this hook does nothing (see Engine.hooks_idle)."""
        if kind in (AuditKind.OPEN, AuditKind.FIRE):
            return False
        return not any(
            rule.anchor.kind == "field" and rule.anchor.name in changed_fields
            for rule in workflow.definition.deadlines
        )

    def case_reads(self, dialect: str) -> CaseReads:
        """The case's live deadlines, read with a fired case (see Engine.case_reads)."""
        return ((_LIVE, rows.live_case_read(dialect)),)

    def __call__(self, conn: Connection, event: CaseEvent) -> None:
        if event.workflow is None or not event.workflow.definition.deadlines:
            return
        definition = event.workflow.definition
        by_id = {rule.id: rule for rule in definition.deadlines}
        fields = changed_fields(event.entry.changes)
        trigger = event.transition.trigger if event.transition else None
        live = self._live(conn, event)
        still_live: set[str] = set()
        for record in live:
            rule = by_id.get(record.rule_id)
            if rule is None:
                continue
            if self._update(conn, event, record, rule, trigger, fields):
                still_live.add(rule.id)
        entered = event.case.state if event.kind in (AuditKind.OPEN, AuditKind.FIRE) else None
        for rule in rules_starting(
            definition, entered=entered, trigger=trigger, changed_fields=fields
        ):
            if rule.id not in still_live:
                self._start(conn, event, rule)

    @staticmethod
    def _live(conn: Connection, event: CaseEvent) -> list[rows.LiveDeadline]:
        if event.kind is AuditKind.OPEN:
            return []
        if _LIVE in event.read:
            return rows.live_of_read(event.read[_LIVE])
        return rows.live_of_case(conn, event.case.id)

    def _update(
        self,
        conn: Connection,
        event: CaseEvent,
        record: rows.LiveDeadline,
        rule: DeadlineRule,
        trigger: str | None,
        fields: set[str],
    ) -> bool:
        """Apply the event to one live deadline; True if it stays live."""
        now = event.at
        if event.kind is AuditKind.FIRE:
            outcome = ends_rule(rule, new_state=event.case.state, trigger=trigger)
            if outcome in ("satisfied", "cancelled"):
                rows.close(conn, record.id, DeadlineStatus(outcome), now)
                return False
            if outcome == "paused" and record.status is DeadlineStatus.OPEN:
                left = remaining_working_days(record.due_at, now, self.calendars)
                rows.pause(conn, record.id, left)
                return True
            if outcome == "running" and record.status is DeadlineStatus.PAUSED:
                due = resume_due(record.remaining_working_days or 0, now, rule, self.calendars)
                rows.resume(
                    conn,
                    record.id,
                    due_at=due.due_at,
                    reminders_at=due.reminders,
                    explanation=due.explanation,
                    now=now,
                )
                return True
        if rule.anchor.kind == "field" and rule.anchor.name in fields:
            rows.close(conn, record.id, SUPERSEDED, now)  # a new one follows from the new value
            return False
        return True

    def _start(self, conn: Connection, event: CaseEvent, rule: DeadlineRule) -> None:
        if event.case.state not in rule.active_in:
            return
        try:
            due = self._compute_due(rule, event.at, event.case.fields)
        except ValueError as exc:
            raise InvalidInput(
                f"deadline '{rule.id}' of case {event.case.journal_no}: {exc}"
            ) from None
        if due is None:
            return
        rows.create(
            conn,
            case_id=event.case.id,
            rule_id=rule.id,
            generation=event.case.state_generation,
            started_at=event.at,
            not_before=due.not_before,
            due_at=due.due_at,
            reminders_at=due.reminders,
            explanation=due.explanation,
            now=event.at,
        )
