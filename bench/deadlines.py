"""Deadlines due at once, drained by caseflow's dispatcher and by APScheduler 3, in one run.

Run: ``python bench/deadlines.py [--deadlines N] [--aps-deadlines N] [--open N] [--rounds R]
[--quick]``

The ratio's two drains (1, and 2's like-for-like job with grace None) alternate
for ``--rounds`` rounds (5) on fresh files, and the median of the rounds' ratios
is reported: this machine's speed drifts by a third from minute to minute.

1. caseflow: N access-request cases, each with its open ``answer_in_time``
   deadline, all due at one moment T0 a few seconds ahead. The rows are copies
   of one case opened through the engine (new ids, journal numbers, re-hashed
   one-row audit chains that verify, due times): opening 100,000 cases through
   the engine would take longer than the drain. The engine runs on the system
   clock, not a FakeClock, because lateness is real time: we sleep until T0 and
   call ``Dispatcher.run_once()`` as the worker does when it wakes. Each expiry
   notifies the case officer, escalates to the approver, marks the case overdue
   and writes its audit rows and outbox rows. Lateness of a deadline = when the
   transaction that applied it had committed (noted after each dispatcher
   transaction) minus its due time. Skipped = deadlines still open afterwards
   (must be 0). The plans of the dispatcher's claim query and of the deadline
   hook's query (run on every fire) are printed first.
2. APScheduler 3.x: a ``BackgroundScheduler`` with a ``SQLAlchemyJobStore`` on a
   SQLite file (WAL, ``synchronous=FULL``) holding one ``date`` job per deadline,
   all due at one T0, default job defaults (``misfire_grace_time=1`` s, 10 pool
   threads), with two jobs:
   - caseflow's expiry (like for like): the job leases its deadline row in a
     caseflow database and applies it with the dispatcher's own code
     (``Dispatcher.apply_set``), in one transaction per deadline: the same audit
     rows, outbox rows and overdue mark as the drain above. This is the design
     the issue compares against (a scheduler job per deadline), and its drain
     rate is the baseline of the ratio.
   - a minimal job, the least a durable expiry can do: on its thread's own
     sqlite3 connection (WAL, ``synchronous=FULL``, a second file) it marks the
     deadline row expired, inserts one log row and commits. Its rate bounds what
     any job-per-deadline design could reach here; the ratio against it is
     printed too.
   Lateness = when the job had returned (its EVENT_JOB_EXECUTED) minus its due
   time. Each runs twice: with the default misfire grace (how many it skips:
   EVENT_JOB_MISSED), and with ``misfire_grace_time=None`` so every deadline is
   applied (the rate). ``add_job`` costs a commit per job, so APScheduler holds
   fewer deadlines by default (``--aps-deadlines``): the two are compared by RATE
   (deadlines applied per second of drain); lateness grows with N, so compare
   lateness only at the same N.
3. ``--open`` open deadlines due in the next 30 days (one per case): in a fresh
   process, what ``caseflow worker`` does before it sleeps (imports, engine with
   its schema check, dispatcher, sender, the first ``Worker.next_wake()``), its
   resident memory, and the median of 2,000 next-due queries, with the query
   plan (the file was just written, so it is in the OS cache).

All files are in one temporary folder (``--keep DIR`` keeps them). The last line
printed is the ratio of drain rates caseflow/APScheduler for the same expiry.
"""

from __future__ import annotations

import argparse
import bisect
import dataclasses
import json
import logging
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    RootTransaction,
    Table,
    bindparam,
    create_engine,
    event,
    func,
    insert,
    select,
)
from sqlalchemy.dialects import sqlite as sqlite_dialect

from caseflow import organisation
from caseflow.calendar import COPENHAGEN_RULES
from caseflow.clock import SystemClock
from caseflow.context import wired_engine
from caseflow.deadlines.dispatcher import Dispatcher
from caseflow.deadlines.rules import Calendars
from caseflow.engine import Engine, NewCase
from caseflow.registry import WorkflowRegistry
from caseflow.store import audit, migrate
from caseflow.store import deadlines as deadline_rows
from caseflow.store.db import CommitBehind, HeldWriteConnection, make_engine, write_transaction
from caseflow.store.org_history import Stamp
from caseflow.store.tables import audit_events, cases, deadline_explanations, deadlines
from caseflow.testing import demo_organisation_file, query_plan

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = REPO / "workflows"
BATCH = 20_000
SQLITE = sqlite_dialect.dialect(paramstyle="qmark")


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an unsorted list."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def spread(values: list[float]) -> str:
    if not values:
        return "p50 -, p99 -, max -"
    return (
        f"p50 {percentile(values, 0.5):.2f} s, p99 {percentile(values, 0.99):.2f} s, "
        f"max {max(values):.2f} s"
    )


def sleep_until(moment: datetime) -> None:
    delay = (moment - datetime.now(UTC)).total_seconds()
    if delay > 0:
        time.sleep(delay)


# -- caseflow -----------------------------------------------------------------------------


def system_clock_engine(path: Path) -> Engine:
    """What make_test_engine builds (migrated file, Copenhagen's organisation, deadline
    hook), but on the system clock: lateness must be measured in real time."""
    db = make_engine(f"sqlite:///{path}")
    migrate.upgrade(db)
    clock = SystemClock()
    stamp = Stamp("bench", clock.now(), "bench/deadlines.py")
    with write_transaction(db) as conn:
        organisation.store(conn, organisation.load_file(demo_organisation_file()), stamp)
    return wired_engine(db, WorkflowRegistry(WORKFLOWS), clock, COPENHAGEN_RULES)


def open_template(engine: Engine) -> str:
    """One access request opened through the engine: its rows are the ones we copy."""
    case = engine.open_case(
        NewCase(
            workflow_id="access-request",
            title="Aktindsigt i notat om helhedsplaner",
            lead_administration="BIF",
            fields={"requester_email": "borger@example.dk"},
        ),
        engine.actor("bif.sagsbehandler"),
    )
    return case.journal_no


def store_cases_with_deadlines(
    engine: Engine, template_no: str, count: int, due: Callable[[int], datetime]
) -> None:
    """Copy the template case ``count`` times, each with its one-row audit chain (re-hashed
    for its journal number: the chain verifies) and its open ``answer_in_time`` deadline
    (with its explanation), due at ``due(i)`` with no reminders left.

    The copies are the template's own column values (as stored) with new ids, journal
    numbers, hashes and due times, written with the driver's executemany: a million
    cases take about a minute.
    """
    template = engine.get_case(template_no)
    first = engine.history(template_no)[0]
    with engine.db.connect() as conn:
        case_cols, case_row = _stored(conn, cases, cases.c.id, template.id)
        audit_cols, audit_row = _stored(conn, audit_events, audit_events.c.case_id, template.id)
        deadline_cols, deadline_row = _stored(conn, deadlines, deadlines.c.case_id, template.id)
        explanation_cols, explanation_row = _stored(
            conn,
            deadline_explanations,
            deadline_explanations.c.deadline_id,
            deadline_row[deadline_cols.index("id")],
        )
        case_id, audit_id, deadline_id = conn.execute(
            select(
                select(func.max(cases.c.id)).scalar_subquery(),
                select(func.max(audit_events.c.id)).scalar_subquery(),
                select(func.max(deadlines.c.id)).scalar_subquery(),
            )
        ).one()
    deadline_row[deadline_cols.index("reminders_at")] = "[]"
    deadline_row[deadline_cols.index("reminders_sent")] = 0

    def copy(columns: list[str], row: list[Any], **values: Any) -> tuple[Any, ...]:
        new = list(row)
        for name, value in values.items():
            new[columns.index(name)] = value
        return tuple(new)

    for offset in range(0, count, BATCH):
        case_values, audit_values, deadline_values, explanation_values = [], [], [], []
        for i in range(offset, min(offset + BATCH, count)):
            journal_no = f"1999-{i:07d}"
            digest = audit.entry_hash(journal_no, first)
            moment = rows_text(due(i))
            case_id, audit_id, deadline_id = case_id + 1, audit_id + 1, deadline_id + 1
            case_values.append(
                copy(case_cols, case_row, id=case_id, journal_no=journal_no, audit_head=digest)
            )
            audit_values.append(
                copy(audit_cols, audit_row, id=audit_id, case_id=case_id, hash=digest)
            )
            deadline_values.append(
                copy(
                    deadline_cols,
                    deadline_row,
                    id=deadline_id,
                    case_id=case_id,
                    due_at=moment,
                    next_action_at=moment,
                )
            )
            explanation_values.append(
                copy(explanation_cols, explanation_row, deadline_id=deadline_id)
            )
        with write_transaction(engine.db) as conn:
            driver = conn.connection.driver_connection
            assert driver is not None
            for table, values in (
                (cases, case_values),
                (audit_events, audit_values),
                (deadlines, deadline_values),
                (deadline_explanations, explanation_values),
            ):
                driver.executemany(str(insert(table).compile(dialect=SQLITE)), values)


def _stored(
    conn: Connection, table: Table, column: ColumnElement[int], key: int
) -> tuple[list[str], list[Any]]:
    """One row as the database holds it (JSON and times as text), with its column names,
    in the table's column order (the order a bare ``insert(table)`` names them)."""
    statement = select(*table.columns).where(column == bindparam("key"))
    row = conn.exec_driver_sql(str(statement.compile(dialect=SQLITE)), (key,)).one()
    return [c.name for c in table.columns], list(row)


@dataclasses.dataclass
class Drain:
    deadlines: int
    seconds: float
    lateness: list[float]  # seconds, one per applied deadline
    skipped: int  # left unapplied (caseflow: still open; APScheduler: EVENT_JOB_MISSED)
    errors: int = 0

    @property
    def applied(self) -> int:
        return len(self.lateness)

    @property
    def rate(self) -> float:
        return self.applied / self.seconds


def caseflow_drain(folder: Path, count: int) -> Drain:
    engine = system_clock_engine(folder / "caseflow.db")
    template_no = open_template(engine)
    start = time.perf_counter()
    placeholder = datetime.now(UTC) + timedelta(days=1)
    store_cases_with_deadlines(engine, template_no, count, lambda i: placeholder)
    stored = time.perf_counter() - start
    settle(engine)
    size = (folder / "caseflow.db").stat().st_size / 2**20
    print(
        f"caseflow: stored {count:,} cases with open deadlines in {stored:.1f} s "
        f"({size:.0f} MB file)"
    )

    # Due "now": T0 a moment ahead, set on every copied deadline; the worker wakes at T0.
    due = datetime.now(UTC) + timedelta(seconds=3)
    move_due_time(engine, placeholder, due)
    hook_plan = query_plan(engine, lambda conn: deadline_rows.live_for_case(conn, 1))
    claim_plan = query_plan(
        engine,
        lambda conn: deadline_rows.claim_due(
            conn, now=datetime.now(UTC), owner="plan", lease_until=datetime.now(UTC), limit=1
        ),
    )
    print(f"caseflow: plan of the deadline hook's live_for_case: {hook_plan}")
    print(f"caseflow: plan of claim_due: {claim_plan}")
    print(f"caseflow: draining {count:,} deadlines due at {due:%H:%M:%S} ...", flush=True)
    commits = timed_transactions(engine)
    dispatcher = Dispatcher(engine, Calendars.for_rules(COPENHAGEN_RULES), owner="bench")
    sleep_until(due)
    start = time.perf_counter()
    report = dispatcher.run_once()
    seconds = time.perf_counter() - start

    with engine.db.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT d.due_at, max(a.at) FROM deadlines d JOIN audit_events a"
            " ON a.case_id = d.case_id AND a.kind = 'deadline'"
            " WHERE d.status = 'expired' GROUP BY d.id"
        ).all()
        still_open = conn.exec_driver_sql(
            "SELECT count(*) FROM deadlines WHERE status = 'open' AND due_at <= ?",
            (rows_text(due),),
        ).scalar_one()
        counts = conn.exec_driver_sql(
            "SELECT (SELECT count(*) FROM audit_events WHERE kind = 'deadline'),"
            " (SELECT count(*) FROM outbox),"
            " (SELECT count(*) FROM cases WHERE json_extract(fields, '$.overdue'))"
        ).one()
    lateness = []
    begun = [began for began, _ in commits]
    for due_text, applied_text in rows:
        _, committed = commits[bisect.bisect_left(begun, _utc(applied_text))]
        lateness.append((committed - _utc(due_text)).total_seconds())
    journal_nos = [f"1999-{i:07d}" for i in range(0, count, max(1, count // 200))]
    broken = [r.journal_no for r in engine.verify_audit(journal_nos) if not r.ok]
    print(
        f"caseflow: run_once applied {report.expired:,} expiries ({report.failed} failed,"
        f" {report.stale} stale) in {seconds:.1f} s: {counts[0]:,} audit rows, {counts[1]:,}"
        f" outbox rows, {counts[2]:,} cases marked overdue; audit chains of"
        f" {len(journal_nos)} sampled cases: {broken or 'all valid'}"
    )
    engine.close()
    return Drain(count, seconds, lateness, still_open, report.failed)


def settle(engine: Engine) -> None:
    """Fold the WAL into the file, as in a database whose deadlines were written long
    before they fall due (a WAL full of fresh writes slows every read until the next
    checkpoint)."""
    with engine.db.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def move_due_time(engine: Engine, placeholder: datetime, due: datetime) -> None:
    """Make the stored deadlines due at ``due`` (they were stored due at ``placeholder``),
    and settle the database."""
    with write_transaction(engine.db) as conn:
        conn.execute(
            deadlines.update()
            .where(deadlines.c.due_at == placeholder)
            .values(due_at=due, next_action_at=due)
        )
    settle(engine)


class TimedCommits(CommitBehind):
    """The dispatcher's transactions, noting when each began and when its commit returned."""

    def __init__(self, held: HeldWriteConnection, moments: list[tuple[datetime, datetime]]):
        super().__init__(held)
        self.moments = moments
        self._begun: list[datetime] = []

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        with super().transaction() as conn:
            self._begun.append(datetime.now(UTC))
            yield conn

    def _commit(self, root: RootTransaction) -> None:
        super()._commit(root)
        self.moments.append((self._begun[len(self.moments)], datetime.now(UTC)))


def timed_transactions(engine: Engine) -> list[tuple[datetime, datetime]]:
    """Note when each of the dispatcher's write transactions began and had committed.

    A batch is planned (its audit rows stamped) before the transaction that writes
    it begins, so the first transaction begun after a row's stamp is the one that
    committed it.
    """
    moments: list[tuple[datetime, datetime]] = []
    held = engine.commits_behind().held  # the engine's write connection (no thread yet)
    engine.commits_behind = lambda: TimedCommits(held, moments)  # type: ignore[method-assign]
    return moments


def rows_text(moment: datetime) -> str:
    """A time as the store writes it on SQLite."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# -- APScheduler ----------------------------------------------------------------------------

_local = threading.local()


def expire_deadline(work_db: str, deadline_id: int) -> None:
    """The minimal APScheduler job: mark the deadline expired and log it, durably."""
    conn: sqlite3.Connection | None = getattr(_local, "conn", None)
    if conn is None:
        conn = sqlite3.connect(work_db, isolation_level=None, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        _local.conn = conn
    now = datetime.now(UTC).isoformat()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(
        "UPDATE deadlines SET status = 'expired', closed_at = ? WHERE id = ?", (now, deadline_id)
    )
    conn.execute("INSERT INTO expiry_log (deadline_id, at) VALUES (?, ?)", (deadline_id, now))
    conn.execute("COMMIT")


_job_dispatcher: list[Dispatcher] = []  # the caseflow job's dispatcher, set by its drain


def expire_through_caseflow(deadline_id: int) -> None:
    """The like-for-like APScheduler job: caseflow's own expiry of this one deadline.

    One transaction: lease the row to the dispatcher, then apply it as the
    dispatcher applies a batch (audit rows, outbox rows, overdue mark), so the
    job does exactly the work caseflow does per deadline, one deadline per commit.
    """
    dispatcher = _job_dispatcher[0]
    now = dispatcher.engine.clock.now()
    with dispatcher.engine.transaction() as conn:
        conn.execute(
            deadlines.update()
            .where(deadlines.c.id == deadline_id)
            .values(lease_owner=dispatcher.owner, lease_expires_at=now + dispatcher.lease)
        )
        result = dispatcher.apply_set(
            conn, deadline_rows.claimed(conn, [deadline_id], dispatcher.owner), now
        )
    if len(result.applied) != 1:
        raise RuntimeError(f"deadline {deadline_id} was not applied: {result}")


def sqlite_engine(path: Path) -> Any:
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute("PRAGMA synchronous=FULL")

    return engine


@dataclasses.dataclass
class Jobs:
    """What one kind of APScheduler job needs: the function, its arguments per
    deadline, and a check after the drain that returns how many were applied."""

    func: Callable[..., None]
    args: Callable[[int], tuple[Any, ...]]
    applied: Callable[[], int]
    due_at: Callable[[datetime], None] = lambda due: None  # the rows' due time, if they have one
    close: Callable[[], None] = lambda: None


def minimal_jobs(folder: Path, count: int, tag: str) -> Jobs:
    work_db = folder / f"aps-work-{tag}.db"
    with sqlite3.connect(work_db) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(
            "CREATE TABLE deadlines (id INTEGER PRIMARY KEY, status TEXT NOT NULL, closed_at TEXT)"
        )
        conn.execute(
            "CREATE TABLE expiry_log (id INTEGER PRIMARY KEY, deadline_id INTEGER NOT NULL,"
            " at TEXT NOT NULL)"
        )
        conn.executemany(
            "INSERT INTO deadlines (id, status) VALUES (?, 'open')", ((i,) for i in range(count))
        )

    def applied() -> int:
        with sqlite3.connect(work_db) as conn:
            expired, logged = conn.execute(
                "SELECT (SELECT count(*) FROM deadlines WHERE status = 'expired'),"
                " (SELECT count(*) FROM expiry_log)"
            ).fetchone()
        assert expired == logged, (expired, logged)
        return int(expired)

    return Jobs(expire_deadline, lambda i: (str(work_db), i), applied)


def caseflow_jobs(folder: Path, count: int, tag: str) -> Jobs:
    """A caseflow database with ``count`` open deadlines; the drain sets their due time
    to the jobs' run time once it knows it."""
    engine = system_clock_engine(folder / f"aps-caseflow-{tag}.db")
    template_no = open_template(engine)
    far = datetime.now(UTC) + timedelta(days=1)
    store_cases_with_deadlines(engine, template_no, count, lambda i: far)
    with engine.db.connect() as conn:
        first = conn.execute(
            select(func.min(deadlines.c.id)).where(deadlines.c.due_at == far)
        ).scalar_one()
    _job_dispatcher[:] = [
        Dispatcher(engine, Calendars.for_rules(COPENHAGEN_RULES), owner="apscheduler")
    ]

    def applied() -> int:
        with engine.db.connect() as conn:
            expired, audited, queued = conn.exec_driver_sql(
                "SELECT (SELECT count(*) FROM deadlines WHERE status = 'expired'),"
                " (SELECT count(*) FROM audit_events WHERE kind = 'deadline'),"
                " (SELECT count(*) FROM outbox)"
            ).one()
        # each expiry: one audit row (with the overdue mark), two notifications
        assert (audited, queued) == (expired, 2 * expired), (expired, audited, queued)
        return int(expired)

    return Jobs(
        expire_through_caseflow,
        lambda i: (first + i,),
        applied,
        lambda due: move_due_time(engine, far, due),
        engine.close,
    )


def apscheduler_drain(
    folder: Path, count: int, grace: str, make_jobs: Callable[[Path, int, str], Jobs]
) -> tuple[Drain, float]:
    """Returns the drain and the rate at which ``add_job`` stored jobs (jobs/s)."""
    from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    logging.getLogger("apscheduler").setLevel(logging.CRITICAL)  # one warning per missed job
    tag = f"{make_jobs.__name__}-{grace}"
    jobs = make_jobs(folder, count, tag)
    job_defaults = {} if grace == "default" else {"misfire_grace_time": None}
    lateness: list[float] = []
    missed: list[int] = []
    errors: list[int] = []
    done = threading.Event()
    last = [time.perf_counter()]

    def listener(ev: Any) -> None:
        now = datetime.now(UTC)
        if ev.code == EVENT_JOB_EXECUTED:
            lateness.append((now - ev.scheduled_run_time).total_seconds())
        elif ev.code == EVENT_JOB_MISSED:
            missed.append(1)
        else:
            errors.append(1)
            if len(errors) == 1:
                print(f"  first job error: {ev.exception!r}")
        if len(lateness) + len(missed) + len(errors) >= count:
            last[0] = time.perf_counter()
            done.set()

    # How fast does add_job store jobs? Measure on a scratch store, to know how far ahead
    # T0 must be for every job to be stored before it is due.
    scratch = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=sqlite_engine(folder / f"s-{tag}.db"))},
        timezone=UTC,
    )
    scratch.start(paused=True)
    sample = min(300, count)
    start = time.perf_counter()
    far = datetime.now(UTC) + timedelta(days=1)
    for i in range(sample):
        scratch.add_job(jobs.func, "date", run_date=far, args=jobs.args(i), id=f"s{i}")
    per_job = (time.perf_counter() - start) / sample
    scratch.shutdown(wait=False)

    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=sqlite_engine(folder / f"aps-{tag}.db"))},
        job_defaults=job_defaults,
        timezone=UTC,
    )
    scheduler.add_listener(listener, EVENT_JOB_EXECUTED | EVENT_JOB_MISSED | EVENT_JOB_ERROR)
    scheduler.start(paused=True)
    due = datetime.now(UTC) + timedelta(seconds=per_job * count * 1.5 + 3)
    jobs.due_at(due)
    start = time.perf_counter()
    for i in range(count):
        scheduler.add_job(jobs.func, "date", run_date=due, args=jobs.args(i), id=f"deadline-{i}")
    added = time.perf_counter() - start
    if datetime.now(UTC) >= due:
        print("  warning: jobs were still being added at their due time")
    sleep_until(due - timedelta(seconds=0.5))
    scheduler.resume()
    sleep_until(due)
    start = time.perf_counter()
    if not done.wait(timeout=3600):
        raise RuntimeError(f"APScheduler handled {len(lateness) + len(missed)} of {count} in 1 h")
    seconds = last[0] - start
    scheduler.shutdown(wait=True)
    applied = jobs.applied()
    jobs.close()
    assert applied == len(lateness), (applied, len(lateness))
    return Drain(count, seconds, lateness, len(missed), len(errors)), count / added


# -- open deadlines: the worker's start ----------------------------------------------------

WORKER_START = textwrap.dedent(
    """
    import time
    started = time.perf_counter()
    import json, statistics, sys
    from datetime import timedelta
    from pathlib import Path
    from caseflow.deadlines.worker import Worker
    from caseflow.context import Context
    from caseflow.settings import Settings
    imported = time.perf_counter()
    settings = Settings(database_url=sys.argv[1], workflows_dir=Path(sys.argv[2]),
                        mail_dir=Path(sys.argv[3]))
    ctx = Context.from_settings(settings)
    engine = ctx.engine
    worker = Worker(ctx.dispatcher(), ctx.sender(), poll=timedelta(seconds=30))
    built = time.perf_counter()
    try:
        wake = worker.next_wake()
        failure = None
    except Exception as exc:  # what next_wake means to do, in one transaction
        failure = f"{type(exc).__name__}: {' '.join(str(exc).split())[:160]}"
        from caseflow.store import deadlines as rows, outbox
        with engine.transaction() as conn:
            moments = [m for m in (rows.next_due(conn), outbox.next_attempt(conn)) if m]
        wake = min(moments) if moments else None
    ready = time.perf_counter()
    print("ready", flush=True)
    with open("/proc/self/status", encoding="ascii") as status:
        rss = next(int(l.split()[1]) / 1024 for l in status if l.startswith("VmRSS:"))

    from sqlalchemy import event
    from caseflow.store import deadlines as rows
    from caseflow.store.db import read_transaction
    seen = []
    def note(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))
    event.listen(engine.db, "before_cursor_execute", note)
    with read_transaction(engine.db) as conn:
        rows.next_due(conn)
    event.remove(engine.db, "before_cursor_execute", note)
    statement, parameters = seen[-1]
    times = []
    with read_transaction(engine.db) as conn:
        plan = [r[-1] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement,
                                                    parameters)]
        for _ in range(2000):
            t = time.perf_counter()
            rows.next_due(conn)
            times.append(time.perf_counter() - t)
    calls = []
    for _ in range(500):
        t = time.perf_counter()
        worker.dispatcher.next_due()
        calls.append(time.perf_counter() - t)
    t = time.perf_counter()
    report = worker.dispatcher.run_once()
    idle = time.perf_counter() - t
    print(json.dumps({
        "imports": imported - started, "build": built - imported, "next_wake": ready - built,
        "total": ready - started, "rss": rss, "wake": str(wake), "failure": failure,
        "query": statistics.median(times), "query_p99": sorted(times)[int(0.99 * len(times))],
        "call": statistics.median(calls), "run_once": idle, "applied": report.applied,
        "sql": " ".join(statement.split()), "plan": plan,
    }))
    """
)


def worker_start(folder: Path, count: int, spawns: int = 5) -> tuple[float, list[dict[str, Any]]]:
    """Store ``count`` open deadlines, then start the worker in fresh processes.

    Returns the start of the first process, which byte-compiles caseflow (this
    environment may set PYTHONDONTWRITEBYTECODE; an installed package is compiled
    at install time), and the reports of ``spawns`` processes after it.
    """
    path = folder / "open.db"
    engine = system_clock_engine(path)
    template_no = open_template(engine)
    start = time.perf_counter()
    store_open_deadlines(engine, template_no, count)
    stored = time.perf_counter() - start
    with engine.db.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.close()
    size = path.stat().st_size / 2**20
    print(
        f"open deadlines: stored {count:,} cases with an open deadline due within 30 days in"
        f" {stored:.1f} s ({size:.0f} MB file)"
    )
    command = [sys.executable, "-c", WORKER_START, f"sqlite:///{path}", str(WORKFLOWS)]
    command.append(str(folder / "mail"))
    environment = dict(os.environ, PYTHONPYCACHEPREFIX=str(folder / "pycache"))
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    reports = []
    for _ in range(spawns + 1):
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=environment)
        assert child.stdout is not None
        first = child.stdout.readline()
        to_ready = time.perf_counter() - start
        assert first.strip() == "ready", first
        output, _ = child.communicate(timeout=600)
        assert child.returncode == 0
        reports.append(json.loads(output) | {"process": to_ready})
    return reports[0]["process"], reports[1:]


def store_open_deadlines(engine: Engine, template_no: str, count: int) -> None:
    """One open deadline per case, due times spread over the next 30 days."""
    start = datetime.now(UTC) + timedelta(days=1)
    store_cases_with_deadlines(
        engine,
        template_no,
        count,
        lambda i: start + timedelta(seconds=(i * 7919) % (30 * 86400)),
    )


# -- main ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--deadlines", type=int, default=100_000, help="caseflow: due at once")
    parser.add_argument(
        "--aps-deadlines", type=int, default=10_000, help="APScheduler: jobs due at once"
    )
    parser.add_argument("--open", type=int, default=1_000_000, help="open deadlines stored")
    parser.add_argument(
        "--rounds", type=int, default=5, help="alternating rounds of the ratio's two drains"
    )
    parser.add_argument("--quick", action="store_true", help="10,000 / 2,000 / 100,000")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep the files")
    args = parser.parse_args()
    if args.quick:
        args.deadlines, args.aps_deadlines, args.open = 10_000, 2_000, 100_000

    with tempfile.TemporaryDirectory(prefix="caseflow-bench-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        print(f"{os.cpu_count()} CPUs, SQLite {sqlite3.sqlite_version}, files in {folder}")

        # The ratio's two drains alternate, round after round, on fresh files: this
        # machine's speed drifts by a third from minute to minute, and a ratio of two
        # runs minutes apart measures the drift as much as the designs.
        flows: list[Drain] = []
        same_works: list[Drain] = []
        for number in range(1, args.rounds + 1):
            round_folder = folder / f"round-{number}"
            round_folder.mkdir()
            flow = caseflow_drain(round_folder, args.deadlines)
            print(
                f"round {number}: caseflow: {args.deadlines:,} deadlines due at once drained in"
                f" {flow.seconds:.1f} s = {flow.rate:,.0f} deadlines/s; lateness"
                f" {spread(flow.lateness)}; skipped (still open) {flow.skipped}",
                flush=True,
            )
            aps, add_rate = apscheduler_drain(
                round_folder, args.aps_deadlines, "none", caseflow_jobs
            )
            print(
                f"round {number}: APScheduler, caseflow's expiry, grace None:"
                f" {args.aps_deadlines:,} jobs (add_job {add_rate:,.0f} jobs/s) handled in"
                f" {aps.seconds:.1f} s; applied {aps.applied:,} = {aps.rate:,.0f} deadlines/s;"
                f" SKIPPED (missed) {aps.skipped:,}; errors {aps.errors}; lateness of applied"
                f" {spread(aps.lateness)}; ratio {flow.rate / aps.rate:.1f}",
                flush=True,
            )
            flows.append(flow)
            same_works.append(aps)
        ratios = [f.rate / a.rate for f, a in zip(flows, same_works, strict=True)]
        flow_rate = statistics.median(f.rate for f in flows)
        same_work_rate = statistics.median(a.rate for a in same_works)

        baselines: dict[tuple[str, str], Drain] = {}
        for make_jobs, job, grace in (
            (minimal_jobs, "minimal job", "default"),
            (minimal_jobs, "minimal job", "none"),
            (caseflow_jobs, "caseflow's expiry", "default"),
        ):
            aps, add_rate = apscheduler_drain(folder, args.aps_deadlines, grace, make_jobs)
            label = "default misfire grace (1 s)" if grace == "default" else "grace None"
            print(
                f"APScheduler, {job}, {label}: {args.aps_deadlines:,} jobs (add_job"
                f" {add_rate:,.0f} jobs/s) handled in {aps.seconds:.1f} s; applied"
                f" {aps.applied:,} = {aps.rate:,.0f} deadlines/s; SKIPPED (missed)"
                f" {aps.skipped:,}; errors {aps.errors}; lateness of applied"
                f" {spread(aps.lateness)}",
                flush=True,
            )
            baselines[job, grace] = aps
        minimal = baselines["minimal job", "none"]
        skipped = max(f.skipped for f in flows)

        compiling, runs = worker_start(folder, args.open)
        started = runs[-1] | {
            k: statistics.median(r[k] for r in runs) for k in ("query", "query_p99", "call")
        }
        process = statistics.median(r["process"] for r in runs)
        rss = statistics.median(r["rss"] for r in runs)
        parts = {
            k: statistics.median(r[k] for r in runs) for k in ("imports", "build", "next_wake")
        }
        print(
            f"worker start with {args.open:,} open deadlines, median of {len(runs)} fresh"
            f" processes: {process:.3f} s from spawn to ready (in process: imports"
            f" {parts['imports']:.3f} s, engine+dispatcher+sender {parts['build']:.3f} s,"
            f" next_wake {parts['next_wake'] * 1e3:.1f} ms); resident memory {rss:.0f} MB;"
            f" first start, byte-compiling caseflow: {compiling:.3f} s"
        )
        if started["failure"]:
            print(
                f"  Worker.next_wake() FAILED: {started['failure']}; timed instead: the same two"
                " queries (next due deadline, next outbox attempt) in one transaction"
            )
        print(f"  first wake-up: {started['wake']}")
        print(
            f"next-due query: median {started['query'] * 1e3:.3f} ms, p99"
            f" {started['query_p99'] * 1e3:.3f} ms; Dispatcher.next_due() with its transaction"
            f" {started['call'] * 1e3:.3f} ms; run_once with nothing due"
            f" {started['run_once'] * 1e3:.1f} ms ({started['applied']} applied)"
        )
        print(f"  {started['sql']}")
        for line in started["plan"]:
            print(f"  plan: {line}")
        uses_index = any("ix_deadlines_open_next_action" in line for line in started["plan"])
        print(f"  uses ix_deadlines_open_next_action: {'yes' if uses_index else 'NO'}")
        verdict = {True: "met", False: "NOT met"}
        print(
            f"targets: start < 1 s {verdict[process < 1]}, memory < 150 MB"
            f" {verdict[rss < 150]}, next-due < 1 ms {verdict[started['query'] < 1e-3]},"
            f" skipped 0 {verdict[skipped == 0]},"
            f" ratio >= 25 {verdict[statistics.median(ratios) >= 25]}"
        )
        print(
            f"ratio against APScheduler's minimal job (one UPDATE + one INSERT per commit,"
            f" {minimal.rate:,.0f}/s): {flow_rate / minimal.rate:.1f}"
        )
        print(
            f"ratio caseflow/APScheduler drain rate, the same expiry per deadline, median of"
            f" {len(ratios)} rounds (caseflow {flow_rate:,.0f}/s, APScheduler"
            f" {same_work_rate:,.0f}/s; per round: {', '.join(f'{r:.1f}' for r in ratios)}):"
            f" {statistics.median(ratios):.1f}"
        )


if __name__ == "__main__":
    main()
