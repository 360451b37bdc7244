"""Workers that share a database: incidents, lease renewal, wake-ups, one worker on SQLite."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Connection, insert, select, update
from sqlalchemy.engine import make_url

from caseflow.calendar import COPENHAGEN_RULES
from caseflow.clock import FakeClock
from caseflow.deadlines.dispatcher import Dispatcher
from caseflow.deadlines.rules import Calendars
from caseflow.deadlines.sole import sole_dispatcher
from caseflow.deadlines.worker import Worker
from caseflow.engine import CaseEvent, Engine, NewCase
from caseflow.notifications.message import OutgoingMessage, Recipient
from caseflow.notifications.render import Renderer
from caseflow.notifications.sender import Sender
from caseflow.settings import default_templates_dir
from caseflow.store import deadlines as rows
from caseflow.store import outbox
from caseflow.store.tables import cases, deadlines, workflow_versions
from caseflow.store.wakeups import Listener
from caseflow.testing import copenhagen_time

REPO = Path(__file__).resolve().parents[2]
LEASE = timedelta(minutes=5)


def open_request(engine: Engine, number: int = 0) -> str:
    case = engine.open_case(
        NewCase(
            workflow_id="access-request",
            title=f"Aktindsigt {number}",
            lead_administration="BIF",
        ),
        engine.actor("bif.sagsbehandler"),
    )
    return case.journal_no


def dispatcher(engine: Engine, **options: object) -> Dispatcher:
    return Dispatcher(
        engine,
        Calendars.for_rules(COPENHAGEN_RULES),
        owner="test-worker",
        lease=LEASE,
        **options,  # type: ignore[arg-type]
    )


def deadline_of(engine: Engine, journal_no: str) -> rows.DeadlineRecord:
    with engine.transaction() as conn:
        (record,) = rows.for_case(conn, engine.get_case(journal_no).id)
    return record


# -- incidents -------------------------------------------------------------------------------


def break_workflow_of(engine: Engine, clock: FakeClock, journal_no: str) -> str:
    """Put the case on a stored workflow version whose text no longer loads; returns the
    version it had."""
    good = engine.get_case(journal_no).workflow_version
    with engine.transaction() as conn:
        conn.execute(
            insert(workflow_versions).values(
                workflow_id="access-request",
                version="broken",
                title="broken",
                source_path="access-request.yaml",
                source_text="id: [not a workflow",
                registered_at=clock.now(),
            )
        )
        conn.execute(
            update(cases).where(cases.c.journal_no == journal_no).values(workflow_version="broken")
        )
    return good


def test_a_deadline_that_keeps_failing_becomes_an_incident(
    engine: Engine, clock: FakeClock
) -> None:
    clock.set(copenhagen_time("2009-04-08 10:00"))
    journal_no = open_request(engine)
    good = break_workflow_of(engine, clock, journal_no)
    clock.set(copenhagen_time("2009-04-24 10:00"))
    worker = dispatcher(engine, max_attempts=3)

    for attempt in (1, 2):
        report = worker.run_once()
        assert (report.failed, report.incidents) == (1, 0)
        assert deadline_of(engine, journal_no).attempts == attempt
        clock.advance(timedelta(hours=1))  # past the backoff
    report = worker.run_once()
    assert (report.failed, report.incidents) == (1, 1)
    assert "incident" in " ".join(report.lines)
    record = deadline_of(engine, journal_no)
    assert (record.status, record.attempts, record.next_action_at) == ("incident", 3, None)
    assert record.last_error

    clock.advance(timedelta(days=30))
    assert worker.run_once().applied == 0  # left alone: a person's turn
    with engine.transaction() as conn:
        assert [journal_no] == [j for _, j in rows.incidents(conn)]
        conn.execute(
            update(cases).where(cases.c.journal_no == journal_no).values(workflow_version=good)
        )
        assert rows.reopen_incidents(conn, clock.now()) == [record.id]
    report = worker.run_once()
    assert (report.expired, report.failed) == (1, 0)
    assert deadline_of(engine, journal_no).status == "expired"
    assert all(r.ok for r in engine.verify_audit())


# -- leases ----------------------------------------------------------------------------------


class SlowChannel:
    """Each message takes 40 % of the lease (on the fake clock); meanwhile another worker
    tries to claim what is pending."""

    def __init__(self, engine: Engine, clock: FakeClock) -> None:
        self.engine = engine
        self.clock = clock
        self.sent: list[str] = []
        self.taken_over: list[outbox.OutboxRecord] = []

    def send(self, message: OutgoingMessage) -> None:
        self.clock.advance(LEASE * 0.4)
        now = self.clock.now()
        with self.engine.transaction() as conn:
            self.taken_over += outbox.claim(
                conn, now=now, owner="other-worker", lease_until=now + LEASE, limit=100
            )
        self.sent.append(message.key)


def test_a_slow_sender_renews_its_lease(engine: Engine, clock: FakeClock) -> None:
    clock.set(copenhagen_time("2009-04-08 10:00"))
    for number in range(6):
        open_request(engine, number)
    clock.set(copenhagen_time("2009-04-24 10:00"))
    assert dispatcher(engine).run_once().expired == 6  # 12 notifications queued
    channel = SlowChannel(engine, clock)
    sender = Sender(
        engine,
        Renderer(default_templates_dir()),
        channel,  # type: ignore[arg-type]
        Recipient("caseflow@localhost", "caseflow"),
        owner="test-worker",
        lease=LEASE,
    )
    report = sender.run_once()
    assert report.sent == 12
    assert channel.taken_over == []  # 12 x 40 % of the lease passed, yet nobody took any
    assert len(set(channel.sent)) == 12


def test_a_slow_fire_renews_the_lease_on_the_rest_of_the_batch(
    engine: Engine, clock: FakeClock
) -> None:
    clock.set(copenhagen_time("2009-04-08 10:00"))
    for number in range(4):
        open_request(engine, number)
    clock.set(copenhagen_time("2009-04-24 10:00"))
    seen: list[bool] = []

    def slow(conn: Connection, event: CaseEvent) -> None:
        """A hook with no ``idle_for``: every deadline goes through the engine, one by one."""
        if event.kind != "deadline" or "passed" not in (event.entry.comment or ""):
            return
        clock.advance(LEASE * 0.4)
        leases = conn.execute(
            select(deadlines.c.lease_expires_at).where(
                deadlines.c.status == "open", deadlines.c.lease_owner == "test-worker"
            )
        ).scalars()
        seen.extend(until > clock.now() for until in leases)

    engine.hooks.append(slow)
    report = dispatcher(engine).run_once()
    engine.hooks.remove(slow)
    assert report.expired == 4
    assert seen  # some rows were still waiting while the others were applied
    assert all(seen)  # and they were never left with an expired lease


# -- wake-ups (PostgreSQL) ---------------------------------------------------------------------


def needs_postgresql(engine: Engine) -> None:
    if engine.db.dialect.name != "postgresql":
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's; set CASEFLOW_TEST_DATABASE_URL to run this")


def test_a_committed_deadline_is_announced_to_listeners(engine: Engine, clock: FakeClock) -> None:
    needs_postgresql(engine)
    heard: list[datetime] = []
    stop = threading.Event()
    ready = threading.Event()

    def listen() -> None:
        with Listener(engine.db.url) as listener:
            ready.set()
            for moment in listener.moments(stop, poll=0.1):
                heard.append(moment)

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    assert ready.wait(10)
    clock.set(copenhagen_time("2009-04-08 10:00"))
    journal_no = open_request(engine)
    expected = deadline_of(engine, journal_no).next_action_at
    waited = time.monotonic() + 10
    while not heard and time.monotonic() < waited:
        time.sleep(0.05)
    stop.set()
    thread.join(5)
    assert heard == [expected]


def test_a_waiting_worker_wakes_when_a_deadline_is_created(
    engine: Engine, clock: FakeClock
) -> None:
    needs_postgresql(engine)
    worker = Worker(dispatcher(engine), _null_sender(engine), poll=timedelta(hours=1))
    thread = threading.Thread(target=worker.run_forever, daemon=True)
    thread.start()
    try:
        _wait_for(lambda: worker.cycles >= 1)  # the first round, at start
        time.sleep(1.5)  # the listener is connected by now; nothing else is planned
        assert worker.cycles == 1
        clock.set(copenhagen_time("2009-04-08 10:00"))
        open_request(engine)  # its reminder (20 April) is in the past of the wall clock
        _wait_for(lambda: worker.cycles >= 2)
    finally:
        worker.stop()
        thread.join(10)


def _null_sender(engine: Engine) -> Sender:
    class Nowhere:
        def send(self, message: OutgoingMessage) -> None:
            pass

    return Sender(
        engine,
        Renderer(default_templates_dir()),
        Nowhere(),  # type: ignore[arg-type]
        Recipient("caseflow@localhost", "caseflow"),
        owner="test-worker",
    )


def _wait_for(condition: object, seconds: float = 15) -> None:
    until = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < until, "the worker did not wake"
        time.sleep(0.05)


# -- one dispatcher per SQLite database ---------------------------------------------------------


def test_a_second_worker_on_sqlite_says_so_and_waits(engine: Engine, database_url: str) -> None:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        pytest.skip("only SQLite runs one dispatcher at a time")
    said: list[str] = []
    env = os.environ | {
        "CASEFLOW_DATABASE_URL": database_url,
        "CASEFLOW_WORKFLOWS_DIR": str(REPO / "workflows"),
    }
    with sole_dispatcher(url, said.append):
        second = subprocess.Popen(
            # --wait: a cron run gives up at once by default (issue 16); this one waits.
            [sys.executable, "-m", "caseflow", "worker", "--once", "--wait", "120"],
            env=env,
            cwd=Path(str(url.database)).parent,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(4)
        assert second.poll() is None, second.communicate()  # still waiting
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert said == []  # the first one had the lock at once
    assert "another worker (" in err
    assert f"{os.getpid()}) is dispatching on this SQLite database; waiting" in err
    assert "deadlines: 0 reminder(s)" in out
