"""The worker: an APScheduler 3 clock that wakes the dispatcher and the sender.

The scheduler holds no deadlines (they are rows of ours) and no persistent job
store (APScheduler 3 cannot share one between processes). Its two jobs only
wake us: one at the next due time we know of, one periodic safety poll that
also notices deadlines created by other processes. Misfire grace is None, so
a late wake-up still runs; coalescing folds a backlog of wake-ups into one.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import FrameType

from apscheduler.schedulers.blocking import BlockingScheduler

from caseflow.calendar import COPENHAGEN
from caseflow.deadlines.dispatcher import Dispatcher, DispatchReport
from caseflow.notifications.sender import Sender, SendReport
from caseflow.store import outbox

log = logging.getLogger("caseflow.worker")


@dataclass(frozen=True)
class CycleReport:
    deadlines: DispatchReport
    notifications: SendReport


class Worker:
    """Runs dispatch-then-send cycles, once or for ever."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        sender: Sender,
        *,
        poll: timedelta = timedelta(seconds=30),
        daily: Callable[[], object] | None = None,
    ) -> None:
        self.dispatcher = dispatcher
        self.sender = sender
        self.poll = poll
        self.daily = daily  # e.g. the secretariats' digests, at 07:00 Copenhagen time
        self._lock = threading.Lock()
        self._scheduler: BlockingScheduler | None = None

    def run_once(self) -> CycleReport:
        """Apply every due deadline, then deliver every pending notification."""
        with self._lock:
            return CycleReport(self.dispatcher.run_once(), self.sender.run_once())

    def next_wake(self) -> datetime | None:
        due = self.dispatcher.next_due()  # its own transaction: never nest one in another
        with self.dispatcher.engine.transaction() as conn:
            attempt = outbox.next_attempt(conn)
        moments = [m for m in (due, attempt) if m]
        return min(moments) if moments else None

    def run_forever(self) -> None:
        scheduler = BlockingScheduler(
            timezone=UTC,
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )
        self._scheduler = scheduler
        scheduler.add_job(
            self._cycle,
            "interval",
            seconds=self.poll.total_seconds(),
            id="poll",
            next_run_time=datetime.now(UTC),
        )
        if self.daily is not None:
            scheduler.add_job(
                self._daily, "cron", hour=7, minute=0, timezone=COPENHAGEN, id="daily"
            )
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._stop)
        scheduler.start()

    def _cycle(self) -> None:
        report = self.run_once()
        for line in report.deadlines.lines + report.notifications.lines:
            log.info(line)
        wake = self.next_wake()
        idle = not (report.deadlines.applied or report.deadlines.failed) and not (
            report.notifications.sent or report.notifications.retried or report.notifications.failed
        )
        if idle and wake is not None and wake <= self.dispatcher.engine.clock.now():
            # What is due is leased by another worker (or a dead one, until its lease
            # ends): waking at once would spin on it; the safety poll comes back for it.
            return
        if wake is not None and self._scheduler is not None:
            # The engine's clock may be ahead of the wall clock (tests, demo): never wait
            # for a moment already past.
            when = max(wake, datetime.now(UTC))
            self._scheduler.add_job(
                self._cycle, "date", run_date=when, id="wake", replace_existing=True
            )

    def _daily(self) -> None:
        if self.daily is not None:
            self.daily()
        self._cycle()

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=True)
