"""The worker: an APScheduler 3 clock that wakes the dispatcher and the sender.

The scheduler holds no deadlines (they are rows of ours) and no persistent job
store (APScheduler 3 cannot share one between processes). Its two jobs only
wake us: one at the next due time we know of, one periodic safety poll that
also notices deadlines created by other processes. Misfire grace is None, so
a late wake-up still runs; coalescing folds a backlog of wake-ups into one.

On PostgreSQL a thread LISTENs for the moments that committed transactions
announce when they create a deadline (:mod:`caseflow.store.wakeups`) and moves
the wake-up job earlier when one is sooner than the next wake-up planned, so a
deadline created by the web app a minute ahead is applied on time, not at the
next safety poll.
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
from caseflow.store import deadlines as deadline_rows
from caseflow.store import outbox
from caseflow.store.wakeups import Listener

log = logging.getLogger("caseflow.worker")


class _CopenhagenTime(logging.Formatter):
    """Log times in Copenhagen time, as every other time caseflow shows a person."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        moment = datetime.fromtimestamp(record.created, COPENHAGEN)
        return moment.strftime(datefmt or "%Y-%m-%d %H:%M:%S %Z")


def configure_logging() -> None:
    """Our own lines (what each cycle did) at INFO, in Copenhagen time; APScheduler's
    lines ("Running job ...", every poll) only when they warn."""
    handler = logging.StreamHandler()
    handler.setFormatter(_CopenhagenTime("%(asctime)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


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
        checkpoint: tuple[Callable[[], object], timedelta] | None = None,
    ) -> None:
        self.dispatcher = dispatcher
        self.sender = sender
        self.poll = poll
        self.daily = daily  # e.g. the secretariats' digests, at 07:00 Copenhagen time
        self.checkpoint = checkpoint  # records: sign a checkpoint, every so often
        self.cycles = 0  # dispatch-then-send rounds done by run_forever
        self._lock = threading.Lock()
        self._scheduler: BlockingScheduler | None = None
        self._planned: datetime | None = None  # the wake-up job's moment (engine time)
        self._planning = threading.Lock()
        self._stopping = threading.Event()

    def run_once(self) -> CycleReport:
        """Apply every due deadline, then deliver every pending notification."""
        with self._lock:
            return CycleReport(self.dispatcher.run_once(), self.sender.run_once())

    def next_wake(self) -> datetime | None:
        with self.dispatcher.engine.transaction() as conn:
            moments = [m for m in (deadline_rows.next_due(conn), outbox.next_attempt(conn)) if m]
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
        if self.checkpoint is not None:  # records (caseflow.services.records)
            job, every = self.checkpoint
            scheduler.add_job(job, "interval", seconds=every.total_seconds(), id="checkpoint")
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, self._stop)
        listening = None
        if self.dispatcher.engine.db.dialect.name == "postgresql":
            listening = threading.Thread(target=self._listen, name="caseflow-listen", daemon=True)
            listening.start()
        try:
            scheduler.start()
        finally:
            self._stopping.set()
            if listening is not None:
                listening.join(timeout=5)

    def stop(self) -> None:
        """End run_forever (from another thread, or a signal handler)."""
        self._stopping.set()
        if self._scheduler is not None and self._scheduler.running:
            # Not wait=True: a running cycle may be planning its next wake-up, which takes the
            # lock shutdown holds. The cycle finishes anyway (its thread is not a daemon).
            self._scheduler.shutdown(wait=False)

    def wake_at(self, moment: datetime) -> None:
        """Run a cycle at ``moment`` (engine time) if that is sooner than the one planned."""
        with self._planning:
            if self._scheduler is None or self._stopping.is_set():
                return
            if self._planned is not None and self._planned <= moment:
                return
            self._plan(moment)

    def _plan(self, moment: datetime) -> None:
        assert self._scheduler is not None
        self._planned = moment
        # The engine's clock may be ahead of the wall clock (tests, demo): never wait for
        # a moment already past.
        when = max(moment, datetime.now(UTC))
        self._scheduler.add_job(
            self._cycle, "date", run_date=when, id="wake", replace_existing=True
        )

    def _cycle(self) -> None:
        with self._planning:
            self._planned = None  # a wake-up that comes while we work is planned anew
        report = self.run_once()
        self.cycles += 1
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
        if wake is not None:
            self.wake_at(wake)

    def _listen(self) -> None:
        """Wake early for deadlines other transactions announce (PostgreSQL)."""
        while not self._stopping.is_set():
            try:
                with Listener(self.dispatcher.engine.db.url) as listener:
                    for moment in listener.moments(self._stopping):
                        self.wake_at(moment)
            except Exception as exc:  # the safety poll still runs; try again shortly
                log.warning("listening for new deadlines failed (%s); retrying in 5 s", exc)
                self._stopping.wait(5)

    def _daily(self) -> None:
        if self.daily is not None:
            self.daily()
        self._cycle()

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        self.stop()
