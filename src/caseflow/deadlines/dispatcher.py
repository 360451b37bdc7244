"""Applying due deadlines: reminders, and what happens when a deadline passes.

The dispatcher leases a batch of due rows in one short transaction (other
workers skip them), then applies the whole batch in one transaction with a
SAVEPOINT per deadline: one commit per batch rather than per deadline, and a
deadline that fails rolls back alone and is retried later with backoff. Each
applied deadline writes its audit row and its notifications (to the outbox)
together with its new status, so a crash either loses nothing or redoes the
batch. A worker that was down finds the missed rows due and applies each once,
saying how late.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from caseflow.calendar import COPENHAGEN, local_date
from caseflow.deadlines import followups
from caseflow.deadlines.rules import Calendars
from caseflow.definitions import CompiledWorkflow, DeadlineRule, WorkflowDefinition
from caseflow.domain import Actor, Case, RoleGrant
from caseflow.engine import Engine
from caseflow.errors import NotFound
from caseflow.notifications import recipients
from caseflow.store import cases as case_rows
from caseflow.store import deadlines as rows
from caseflow.store import organisation, outbox
from caseflow.store.tables import DEADLINE_OPEN

SYSTEM_USER = "caseflow"
RETRY_BASE = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=1)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def system_actor(rule: DeadlineRule, roles: tuple[str, ...]) -> Actor:
    """Who acts when a rule fires a trigger: the workflow itself, with the roles it names."""
    return Actor(
        username=SYSTEM_USER,
        name=f"caseflow (deadline {rule.id})",
        grants=tuple(RoleGrant(role) for role in roles),
    )


def describe_lateness(late: timedelta) -> str:
    if late < timedelta(minutes=1):
        return "on time"
    days, seconds = late.days, late.seconds
    hours, minutes = seconds // 3600, (seconds % 3600) // 60
    parts = [f"{days} d"] if days else []
    if hours:
        parts.append(f"{hours} h")
    if minutes and not days:
        parts.append(f"{minutes} min")
    return "late by " + " ".join(parts)


@dataclass
class DispatchReport:
    reminders: int = 0
    expired: int = 0
    stale: int = 0
    failed: int = 0
    lines: list[str] = field(default_factory=list)

    @property
    def applied(self) -> int:
        return self.reminders + self.expired + self.stale


class Dispatcher:
    """Claims due deadline rows and applies them."""

    def __init__(
        self,
        engine: Engine,
        calendars: Calendars,
        *,
        owner: str | None = None,
        batch_size: int = 500,
        lease: timedelta = timedelta(minutes=5),
        language: str = "da",
    ) -> None:
        self.engine = engine
        self.calendars = calendars
        self.owner = owner or worker_name()
        self.batch_size = batch_size
        self.lease = lease
        self.language = language

    def run_once(self) -> DispatchReport:
        """Apply everything due now, batch after batch, and report."""
        report = DispatchReport()
        while True:
            now = self.engine.clock.now()
            with self.engine.transaction() as conn:
                ids = rows.claim_due(
                    conn,
                    now=now,
                    owner=self.owner,
                    lease_until=now + self.lease,
                    limit=self.batch_size,
                )
            if not ids:
                return report
            with self.engine.transaction() as conn:
                for deadline_id in ids:
                    self._apply_one(conn, deadline_id, now, report)

    def next_due(self) -> datetime | None:
        with self.engine.transaction() as conn:
            return rows.next_due(conn)

    def _apply_one(
        self, conn: Connection, deadline_id: int, now: datetime, report: DispatchReport
    ) -> None:
        try:
            with conn.begin_nested():
                self._apply(conn, deadline_id, now, report)
        except Exception as exc:
            record = rows.get(conn, deadline_id)
            delay = min(RETRY_BASE * 2**record.attempts, RETRY_CAP)
            rows.record_failure(conn, deadline_id, f"{type(exc).__name__}: {exc}", now + delay)
            report.failed += 1
            report.lines.append(f"deadline {deadline_id} failed ({exc}); retry in {delay}")

    def _apply(
        self, conn: Connection, deadline_id: int, now: datetime, report: DispatchReport
    ) -> None:
        record = rows.get(conn, deadline_id)
        if record.status != DEADLINE_OPEN or record.next_action_at is None:
            return  # ended meanwhile by a transition
        case = case_rows.get_by_id(conn, record.case_id)
        workflow = self._workflow(conn, case)
        rule = _rule(conn, record, workflow.definition)
        if rule is None or _is_stale(record, rule, case):
            rows.close(conn, record.id, "stale", now)
            report.stale += 1
            report.lines.append(f"{case.journal_no}: stale deadline {record.rule_id} closed")
            return
        if now >= record.due_at:
            self._expire(conn, record, rule, case, now)
            report.expired += 1
            late = describe_lateness(now - record.due_at)
            report.lines.append(f"{case.journal_no}: '{rule.id}' passed ({late})")
        else:
            number = self._remind(conn, record, rule, case, now)
            report.reminders += 1
            report.lines.append(f"{case.journal_no}: reminder {number} for '{rule.id}'")

    def _remind(
        self,
        conn: Connection,
        record: rows.DeadlineRecord,
        rule: DeadlineRule,
        case: Case,
        now: datetime,
    ) -> int:
        # Reminders missed while no worker ran are not all sent: only the newest one.
        due_reminders = [i for i, t in enumerate(record.reminders_at) if t <= now]
        number = (due_reminders[-1] if due_reminders else record.reminders_sent) + 1
        days_left = self.calendars.working.between(local_date(now), local_date(record.due_at))
        context = self._context(conn, case, rule, record)
        context["deadline"]["working_days_left"] = days_left
        self._notify(
            conn,
            f"deadline:{record.id}:reminder:{number}",
            "reminder",
            case,
            (rule.owner,),
            context,
            now,
        )
        self._audit(
            conn,
            case,
            f"reminder {number} of '{rule.id}': due "
            f"{_local(record.due_at)}, {days_left} working day(s) left",
        )
        rows.advance(conn, record, number)
        return number

    def _expire(
        self,
        conn: Connection,
        record: rows.DeadlineRecord,
        rule: DeadlineRule,
        case: Case,
        now: datetime,
    ) -> None:
        late = describe_lateness(now - record.due_at)
        context = self._context(conn, case, rule, record)
        context["deadline"]["late_by"] = max(
            0, self.calendars.working.between(local_date(record.due_at), local_date(now))
        )
        for index, action in enumerate(rule.on_expiry):
            key = f"deadline:{record.id}:expiry:{index}"
            if action.kind == "notify":
                self._notify(conn, key, "expired", case, action.roles, context, now)
            elif action.kind == "escalate":
                owner = _owner(conn, case, rule, self._workflow(conn, case).definition)
                self._notify(
                    conn, key, "escalation", case, action.roles, context | {"owner": owner}, now
                )
            elif action.kind == "fire" and action.trigger:
                transition = self._workflow(conn, case).transition_for(case.state, action.trigger)
                roles = transition.roles if transition else ()
                case = self.engine.fire_in(
                    conn,
                    case.journal_no,
                    action.trigger,
                    system_actor(rule, roles),
                    comment=f"deadline '{rule.id}' passed ({late})",
                )
            elif action.kind == "mark":
                case = self.engine.record_in(
                    conn,
                    case,
                    {"fields.overdue": True},
                    system_actor(rule, ()),
                    kind="deadline",
                    comment=f"'{rule.id}' overdue since {_local(record.due_at)}",
                )
        rows.close(conn, record.id, "expired", now)
        self._audit(
            conn, case, f"deadline '{rule.id}' passed: due {_local(record.due_at)}, applied {late}"
        )

    def _notify(
        self,
        conn: Connection,
        key: str,
        template: str,
        case: Case,
        roles: tuple[str, ...],
        context: dict[str, Any],
        now: datetime,
    ) -> None:
        # One row per recipient: each is delivered (and retried) on its own, exactly once.
        for address in recipients.for_roles(conn, case, roles):
            outbox.enqueue(
                conn,
                key=f"{key}:{str(address['address']).lower()}",
                case_id=case.id,
                template=template,
                language=self.language,
                recipients=[address],
                context=context | {"recipient": {"name": address.get("name")}},
                now=now,
            )

    def _workflow(self, conn: Connection, case: Case) -> CompiledWorkflow:
        return self.engine.registry.for_case(conn, case.workflow_id, case.workflow_version)

    def _context(
        self, conn: Connection, case: Case, rule: DeadlineRule, record: rows.DeadlineRecord
    ) -> dict[str, Any]:
        """What the deadline templates need (see their headers), as JSON for the outbox."""
        definition = self._workflow(conn, case).definition
        state = definition.states.get(case.state)
        titles = state.title if state is not None else None
        english = self.language == "en"
        return {
            "case": {
                "journal_no": case.journal_no,
                "title": case.title,
                "state_title": (titles.en if english else titles.da) if titles else case.state,
                "committee": case.committee,
            },
            "deadline": {
                "title": rule.title.en if english else rule.title.da,
                "due_at": record.due_at.isoformat(),
                "legal_source": rule.legal_source,
            },
        }

    def _audit(self, conn: Connection, case: Case, comment: str) -> None:
        current = case_rows.get_by_id(conn, case.id)
        self.engine.record_in(
            conn, current, {}, Actor(SYSTEM_USER, "caseflow"), kind="deadline", comment=comment
        )


def _rule(
    conn: Connection, record: rows.DeadlineRecord, definition: WorkflowDefinition
) -> DeadlineRule | None:
    """The rule of a deadline row: the workflow's, or a follow-up action's own."""
    if followups.is_followup(record.rule_id):
        return followups.rule_for(conn, record.rule_id, definition)
    return next((r for r in definition.deadlines if r.id == record.rule_id), None)


def _is_stale(record: rows.DeadlineRecord, rule: DeadlineRule, case: Case) -> bool:
    """A deadline the case has moved past, which a transition should already have ended."""
    if case.state not in rule.active_in:
        return True
    return (
        rule.anchor.kind == "entering"
        and case.state == rule.anchor.name
        and case.state_generation != record.generation
    )


def _owner(
    conn: Connection, case: Case, rule: DeadlineRule, definition: WorkflowDefinition
) -> dict[str, str | None]:
    """Who owns an overdue deadline, for the escalation message."""
    name = None
    if case.case_officer:
        try:
            name = organisation.get_actor(conn, case.case_officer).name
        except NotFound:
            name = None
    role = definition.roles.get(rule.owner)
    return {
        "name": name,
        "role_title": role.da if role is not None else rule.owner,
        "administration": case.lead_administration,
    }


def _local(moment: datetime) -> str:
    return moment.astimezone(COPENHAGEN).strftime("%Y-%m-%d %H:%M")
