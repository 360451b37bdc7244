"""The worker's wake-up query, which ``caseflow worker`` runs after every cycle.

It once opened the engine's write transaction inside another one on the same
held connection: every cycle of a long-running worker ended in a traceback and
the worker fell back to its safety poll. ``--once`` never asks, so only a
running worker showed it.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from caseflow.calendar import COPENHAGEN_RULES
from caseflow.clock import FakeClock
from caseflow.deadlines.dispatcher import Dispatcher
from caseflow.deadlines.rules import Calendars
from caseflow.deadlines.worker import Worker
from caseflow.engine import Engine
from caseflow.notifications.channels import FileChannel
from caseflow.notifications.message import Recipient
from caseflow.notifications.render import Renderer
from caseflow.notifications.sender import Sender
from caseflow.settings import default_templates_dir
from caseflow.store import deadlines
from caseflow.testing import copenhagen_time, open_access_request


def test_next_wake_after_a_cycle(engine: Engine, clock: FakeClock, tmp_path: Path) -> None:
    clock.set(copenhagen_time("2009-04-08 10:00"))
    journal_no = open_access_request(engine)
    sender = Sender(
        engine,
        Renderer(default_templates_dir()),
        FileChannel(tmp_path / "mail"),
        Recipient("caseflow@kk.example", "caseflow"),
        owner="test",
    )
    worker = Worker(Dispatcher(engine, Calendars.for_rules(COPENHAGEN_RULES)), sender)
    worker.run_once()
    with engine.transaction() as conn:
        [record] = deadlines.for_case(conn, engine.get_case(journal_no).id)
    assert worker.next_wake() == record.next_action_at
    worker.run_once()  # the held connection is still usable
    assert worker.next_wake() == record.next_action_at


class RecordingScheduler:
    """Stands in for APScheduler: notes the wake-up jobs a cycle asks for."""

    def __init__(self) -> None:
        self.jobs: list[object] = []

    def add_job(self, *args: object, **kwargs: object) -> None:
        self.jobs.append(kwargs.get("run_date"))


def test_no_wake_at_once_for_rows_another_worker_holds(
    engine: Engine, clock: FakeClock, tmp_path: Path
) -> None:
    """A due row leased by another worker must not make this one wake again at once:
    it would spin, querying the database flat out, until that lease ends."""
    clock.set(copenhagen_time("2009-04-08 10:00"))
    open_access_request(engine)
    clock.set(copenhagen_time("2009-04-28 10:00"))  # past due
    with engine.transaction() as conn:
        now = clock.now()
        assert deadlines.claim_due(
            conn, now=now, owner="other", lease_until=now + timedelta(minutes=5), limit=10
        )
    sender = Sender(
        engine,
        Renderer(default_templates_dir()),
        FileChannel(tmp_path / "mail"),
        Recipient("caseflow@kk.example", "caseflow"),
        owner="test",
    )
    worker = Worker(Dispatcher(engine, Calendars.for_rules(COPENHAGEN_RULES)), sender)
    scheduler = RecordingScheduler()
    worker._scheduler = scheduler  # type: ignore[assignment]
    worker._cycle()
    assert scheduler.jobs == []
