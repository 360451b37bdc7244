"""Applying due deadlines: reminders, and what happens when a deadline passes.

The dispatcher leases a batch of due rows (other workers skip them) together
with what planning it reads (the deadlines, their cases in one query, their
workflows and rules), in the transaction that writes the batch before. While
that transaction commits, on a thread of its own, it works out every
deadline's effects in memory (:mod:`caseflow.deadlines.effects`: audit rows
chained per case, outbox rows, the deadline's new status), and the next
transaction writes them with one executemany per table. If that write fails
as a whole (a case changed since the claim, a row a transition ended or
another worker took over), the batch is rolled back to its savepoint and
applied again deadline by deadline on the rows as they are now, each in a
SAVEPOINT of its own, so the deadline at fault rolls back alone and is retried
later with backoff while the others apply. A deadline that fires a trigger
goes through the engine's full path (it may change the state and create
deadlines), in a transaction of its own after the batch, under the lease.

Each applied deadline writes its audit rows and its notifications together
with its new status, so a crash either loses nothing or redoes the batch: a
batch claimed but not written is free again after the short claim-ahead
lease, for any worker. A worker that was down finds the missed rows due and
applies each once, saying how late.
"""

from __future__ import annotations

import gc
import os
import socket
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from caseflow.deadlines import effects, followups
from caseflow.deadlines.effects import SYSTEM_USER, describe_lateness
from caseflow.deadlines.rules import Calendars
from caseflow.deadlines.vocabulary import DeadlineOutcome
from caseflow.domain import Actor, Case, CaseHead, RoleGrant
from caseflow.engine import Engine
from caseflow.leases import LeaseKeeper
from caseflow.store import audit, organisation, outbox
from caseflow.store import cases as case_rows
from caseflow.store import deadlines as rows

if TYPE_CHECKING:
    # Annotations only: a definition's models (pydantic) load with the first workflow,
    # not with every process that imports this module (an idle worker loads none).
    from caseflow.definitions import CompiledWorkflow, DeadlineRule

__all__ = [
    "DispatchReport",
    "Dispatcher",
    "SetResult",
    "describe_lateness",
    "system_actor",
    "worker_name",
]

RETRY_BASE = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=1)
MAX_ATTEMPTS = 8  # then the deadline is an incident (CASEFLOW_MAX_ATTEMPTS)
# A batch is claimed in the transaction before the one that applies it; if the worker
# dies in between, its rows are free again after this long (or the lease, if shorter).
CLAIM_AHEAD_LEASE = timedelta(seconds=30)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def system_actor(rule: DeadlineRule, roles: tuple[str, ...]) -> Actor:
    """Who acts when a rule fires a trigger: the workflow itself, with the roles it names."""
    return Actor(
        username=SYSTEM_USER,
        name=f"caseflow (deadline {rule.id})",
        grants=tuple(RoleGrant(role) for role in roles),
    )


@dataclass
class DispatchReport:
    reminders: int = 0
    expired: int = 0
    stale: int = 0
    failed: int = 0  # of which some became incidents:
    incidents: int = 0
    lines: list[str] = field(default_factory=list)

    @property
    def applied(self) -> int:
        return self.reminders + self.expired + self.stale

    def count(self, outcome: DeadlineOutcome, line: str) -> None:
        if outcome is DeadlineOutcome.REMINDER:
            self.reminders += 1
        elif outcome is DeadlineOutcome.EXPIRED:
            self.expired += 1
        else:
            self.stale += 1
        self.lines.append(line)


@dataclass
class SetResult:
    """What applying a set of deadlines did, kept apart until its savepoint is released."""

    applied: list[tuple[DeadlineOutcome, str]] = field(default_factory=list)  # and its line
    by_engine: list[int] = field(default_factory=list)  # deadlines that fire a trigger
    failed: list[tuple[int, str]] = field(default_factory=list)  # could not be planned


class Dispatcher:
    """Claims due deadline rows and applies them."""

    def __init__(
        self,
        engine: Engine,
        calendars: Calendars,
        *,
        owner: str | None = None,
        batch_size: int = 1000,
        lease: timedelta = timedelta(minutes=5),
        language: str = "da",
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        self.engine = engine
        self.calendars = calendars
        self.owner = owner or worker_name()
        self.batch_size = batch_size
        self.lease = lease
        self.language = language
        self.max_attempts = max_attempts
        self._directory: organisation.Directory | None = None

    def run_once(self) -> DispatchReport:
        """Apply everything due now, batch after batch, and report.

        Each transaction writes one batch and claims the next (with all that
        planning it needs), and is committed on a thread of its own while the next
        batch is planned: the commit's wait for the disk costs the drain nothing.
        """
        report = DispatchReport()
        self._directory = None  # the organisation is read once per run: it may change between
        with _collector_paused(), self.engine.commits_behind() as commits:
            with commits.transaction() as conn:
                batch = self._claim(conn)
            while batch.records:
                now = self.engine.clock.now()
                planned = self._plan(batch, now)
                with commits.transaction() as conn:
                    result = self._write_claimed(conn, batch, planned, now, report)
                    batch = self._claim(conn)
                if result.by_engine:
                    commits.wait()
                    self._apply_through_engine_each(result.by_engine, now, report)
        return report

    def _claim(self, conn: Connection) -> _Batch:
        """Lease the next batch of due rows and load what planning them takes."""
        now = self.engine.clock.now()
        due = rows.claim_due(
            conn,
            now=now,
            owner=self.owner,
            lease_until=now + min(self.lease, CLAIM_AHEAD_LEASE),
            limit=self.batch_size,
        )
        return self._load(conn, due)

    def next_due(self) -> datetime | None:
        with self.engine.transaction() as conn:
            return rows.next_due(conn)

    # -- one batch -------------------------------------------------------------------------

    def _write_claimed(
        self,
        conn: Connection,
        batch: _Batch,
        planned: _Planned,
        now: datetime,
        report: DispatchReport,
    ) -> SetResult:
        """Write a batch claimed in an earlier transaction and planned since, set-wise; if
        that fails (a case or a row changed meanwhile), deadline by deadline. Deadlines
        that fire a trigger are left for the engine (``by_engine``), their lease renewed
        in full."""
        try:
            with conn.begin_nested():
                result = self._write(conn, planned)
        except Exception:
            result = self._apply_one_by_one(conn, batch.records, now)
        if result.by_engine:
            rows.extend_leases(
                conn, result.by_engine, owner=self.owner, lease_until=now + self.lease
            )
        self._settle(conn, result, now, report)
        return result

    def _apply_through_engine_each(
        self, ids: Sequence[int], claimed_at: datetime, report: DispatchReport
    ) -> None:
        """Apply deadlines that fire a trigger, each in a transaction of its own.

        A fire may take long (it runs the engine's hooks): before each, the lease
        on the rest is renewed once half of it has passed, so that no other worker
        takes over rows this one is still working through.
        """
        remaining = list(ids)
        keeper = LeaseKeeper(
            self.engine.clock,
            self.lease,
            lambda until: self._extend(remaining, until),
            claimed_at=claimed_at,
        )
        while remaining:
            keeper.keep()
            deadline_id = remaining.pop(0)
            now = self.engine.clock.now()
            with self.engine.transaction() as conn:
                one = SetResult()
                try:
                    with conn.begin_nested():
                        done = self._apply_through_engine(conn, deadline_id, now)
                    if done is not None:
                        one.applied.append(done)
                except Exception as exc:
                    one.failed.append((deadline_id, _describe(exc)))
                self._settle(conn, one, now, report)

    def _settle(
        self, conn: Connection, result: SetResult, now: datetime, report: DispatchReport
    ) -> None:
        for outcome, line in result.applied:
            report.count(outcome, line)
        for deadline_id, error in result.failed:
            self._record_failure(conn, deadline_id, error, now, report)

    def _extend(self, ids: Sequence[int], until: datetime) -> None:
        with self.engine.transaction() as conn:
            rows.extend_leases(conn, ids, owner=self.owner, lease_until=until)

    def _apply_one_by_one(
        self, conn: Connection, due: Sequence[rows.Due], now: datetime
    ) -> SetResult:
        """The fallback: each deadline in a savepoint of its own; one failure rolls back alone.

        The rows are read again first: one ended by a transition since it was claimed,
        or taken over by another worker after its lease ran out, is not ours to apply.
        """
        result = SetResult()
        for record in rows.claimed(conn, [record.id for record in due], self.owner):
            try:
                with conn.begin_nested():
                    one = self.apply_set(conn, [record], now)
            except Exception as exc:
                result.failed.append((record.id, _describe(exc)))
                continue
            result.applied += one.applied
            result.by_engine += one.by_engine
            result.failed += one.failed
        return result

    def apply_set(self, conn: Connection, records: Sequence[rows.Due], now: datetime) -> SetResult:
        """Plan every deadline of ``records`` in memory, then write all of them set-wise.

        Works inside the caller's transaction on rows leased to this dispatcher's
        owner (:func:`rows.claim_due`, :func:`rows.claimed`): the write raises
        :class:`rows.LeaseLost` if one is no longer open and ours. Deadlines that
        must fire a trigger are only listed (``by_engine``), for the caller to run
        through the engine. Public for the benchmark, whose scheduler-job baseline
        applies one deadline per transaction with it.
        """
        return self._write(conn, self._plan(self._load(conn, records), now))

    def _load(self, conn: Connection, records: Sequence[rows.Due]) -> _Batch:
        """Everything planning ``records`` reads: their cases, workflows and rules."""
        cases = case_rows.heads(conn, {r.case_id for r in records})
        batch = _Batch(records, cases, self._organisation(conn))
        # A backlog is mostly deadlines of a few rules: each is looked up once per batch.
        known: dict[tuple[str, str, str], tuple[CompiledWorkflow, DeadlineRule | None]] = {}
        for record in records:
            try:
                case = batch.cases[record.case_id]
                key = (case.workflow_id, case.workflow_version, record.rule_id)
                found = known.get(key)
                if found is None:
                    workflow = self._workflow(conn, case)
                    rule = followups.deadline_rule(conn, workflow.definition, record.rule_id)
                    found = known[key] = (workflow, rule)
            except Exception as exc:  # this deadline alone fails, and is retried
                batch.unloadable[record.id] = _describe(exc)
                continue
            batch.found[record.id] = found
        return batch

    def _plan(self, batch: _Batch, now: datetime) -> _Planned:
        """What writing ``batch`` writes, worked out in memory (no I/O)."""
        planned = _Planned(effects.Ledger(batch.cases, now))
        result, ledger = planned.result, planned.ledger
        setting = effects.Setting(self.calendars, batch.directory, self.language, now)
        # Whether a kind of row (workflow, rule, due or not) goes through the engine.
        engine_path: dict[tuple[int, str | None, bool], bool] = {}
        for record in batch.records:
            error = batch.unloadable.get(record.id)
            if error is not None:
                result.failed.append((record.id, error))
                continue
            workflow, rule = batch.found[record.id]
            try:
                expired = now >= record.due_at
                key = (id(workflow), rule.id if rule else None, expired)
                by_engine = engine_path.get(key)
                if by_engine is None:
                    by_engine = engine_path[key] = not self._hooks_idle(
                        rule, workflow, expired
                    ) or effects.needs_engine(record, rule, now)
                if by_engine:
                    result.by_engine.append(record.id)
                    continue
                case = ledger.case(record.case_id)
                plan = effects.plan(setting, record, rule, case, workflow.definition)
                ledger.record(record.case_id, plan.events)
            except Exception as exc:  # nothing written yet: this deadline alone is retried
                result.failed.append((record.id, _describe(exc)))
                continue
            planned.applied.append(plan.deadline)
            planned.notes += plan.notifications
            result.applied.append((plan.outcome, plan.line))
        return planned

    def _write(self, conn: Connection, planned: _Planned) -> SetResult:
        rows.apply_many(conn, planned.applied, self.owner)
        case_rows.save_many(conn, planned.ledger.writes(), planned.ledger.now)
        audit.append_many(conn, planned.ledger.entries)
        outbox.enqueue_many(conn, planned.notes, planned.ledger.now)
        return planned.result

    def _hooks_idle(
        self, rule: DeadlineRule | None, workflow: CompiledWorkflow, expired: bool
    ) -> bool:
        """Whether the engine's hooks would do nothing with a deadline's audit events."""
        changed = effects.marked_fields(rule) if rule and expired else frozenset()
        return self.engine.hooks_idle(effects.DEADLINE_EVENT, changed, workflow)

    # -- the engine's full path: a deadline that fires a trigger ------------------------------

    def _apply_through_engine(
        self, conn: Connection, deadline_id: int, now: datetime
    ) -> tuple[DeadlineOutcome, str] | None:
        """Apply one deadline with every event going through the engine and its hooks."""
        found = rows.claimed(conn, [deadline_id], self.owner)
        if not found:
            return None  # ended meanwhile by a transition
        record = found[0]
        case = case_rows.get_by_id(conn, record.case_id)
        workflow = self._workflow(conn, case)
        rule = followups.deadline_rule(conn, workflow.definition, record.rule_id)
        setting = effects.Setting(self.calendars, self._organisation(conn), self.language, now)
        plan = effects.plan(setting, record, rule, case, workflow.definition)
        outbox.enqueue_many(conn, plan.notifications, now)
        if plan.outcome is DeadlineOutcome.EXPIRED and rule is not None:
            case = self._fire_actions(conn, rule, record, case, workflow, now)
        for event in plan.events:
            current = case_rows.get_by_id(conn, case.id)
            self.engine.record_in(
                conn,
                current,
                event.changes,
                system_actor(rule, ()) if rule else Actor(SYSTEM_USER, "caseflow"),
                kind=effects.DEADLINE_EVENT,
                comment=event.comment,
            )
        if plan.outcome is DeadlineOutcome.REMINDER:
            rows.advance(conn, record, plan.deadline.reminders_sent)
        else:  # a fired transition may have ended it already: the expiry is what happened
            rows.close(conn, record.id, plan.deadline.status, now)
        return plan.outcome, plan.line

    def _fire_actions(
        self,
        conn: Connection,
        rule: DeadlineRule,
        record: rows.Due,
        case: Case,
        workflow: CompiledWorkflow,
        now: datetime,
    ) -> Case:
        late = describe_lateness(now - record.due_at)
        for action in rule.on_expiry:
            if action.kind == "fire" and action.trigger:
                transition = workflow.transition_for(case.state, action.trigger)
                case = self.engine.fire_in(
                    conn,
                    case.journal_no,
                    action.trigger,
                    system_actor(rule, transition.roles if transition else ()),
                    comment=f"deadline '{rule.id}' passed ({late})",
                )
        return case

    # -- helpers -----------------------------------------------------------------------------

    def _record_failure(
        self, conn: Connection, deadline_id: int, error: str, now: datetime, report: DispatchReport
    ) -> None:
        record = rows.get(conn, deadline_id)
        report.failed += 1
        if record.attempts + 1 >= self.max_attempts:
            rows.record_incident(conn, deadline_id, error)
            report.incidents += 1
            report.lines.append(
                f"deadline {deadline_id} failed {record.attempts + 1} times ({error}); it is an "
                f"incident now: fix the cause, then `caseflow incidents retry D-{deadline_id}`"
            )
            return
        delay = min(RETRY_BASE * 2**record.attempts, RETRY_CAP)
        rows.record_failure(conn, deadline_id, error, now + delay)
        report.lines.append(f"deadline {deadline_id} failed ({error}); retry in {delay}")

    def _organisation(self, conn: Connection) -> organisation.Directory:
        if self._directory is None:
            self._directory = organisation.directory(conn)
        return self._directory

    def _workflow(self, conn: Connection, case: Case | CaseHead) -> CompiledWorkflow:
        return self.engine.registry.for_case(conn, case.workflow_id, case.workflow_version)


@dataclass
class _Batch:
    """Claimed deadlines with what planning them reads (no I/O needed after loading)."""

    records: Sequence[rows.Due]
    cases: dict[int, CaseHead]
    directory: organisation.Directory
    found: dict[int, tuple[CompiledWorkflow, DeadlineRule | None]] = field(default_factory=dict)
    unloadable: dict[int, str] = field(default_factory=dict)  # deadline id -> why


@dataclass
class _Planned:
    """A batch worked out in memory: the rows to write, and what to report."""

    ledger: effects.Ledger
    applied: list[rows.Applied] = field(default_factory=list)
    notes: list[outbox.NewNotification] = field(default_factory=list)
    result: SetResult = field(default_factory=SetResult)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while one batch is applied.

    A batch allocates tens of thousands of short-lived objects (rows, plans, audit
    entries); they go when their last reference does, but their count keeps
    triggering collections that walk every object the process holds, which cost a
    quarter of the drain's time. A batch is bounded, so the cycles it may leave
    are collected right after it.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"
