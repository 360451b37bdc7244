"""One dispatching worker per SQLite database.

SQLite serialises writers anyway, and two workers on one file would only take
turns at the write lock and get in each other's way. So a worker on SQLite
first takes an exclusive lock on a file beside the database
(``caseflow.db-worker.lock``), holding its ``host:pid``. A second worker says
who has it and waits; the operating system releases the lock when the first
exits or dies (even by SIGKILL), and the second takes over. PostgreSQL needs
none of this: there, workers share the work (SKIP LOCKED and leases).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy.engine import URL

from caseflow.deadlines.dispatcher import worker_name
from caseflow.errors import WorkerBusy


def lock_path(url: URL) -> Path | None:
    """The lock file of a SQLite database file; None for other databases and in-memory ones."""
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(f"{url.database}-worker.lock")


@contextlib.contextmanager
def sole_dispatcher(
    url: URL, say: Callable[[str], object], *, poll: float = 0.5, wait: float | None = None
) -> Iterator[None]:
    """Be the only dispatching worker on a SQLite database while the block runs: wait
    for the lock for ever (``wait=None``, a long-running worker under a supervisor), or
    give up after ``wait`` seconds with :class:`WorkerBusy` (``worker --once`` from
    cron: runs must not pile up behind a running worker)."""
    path = lock_path(url)
    if path is None:
        yield
        return
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        waited = False
        started = time.monotonic()
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = path.read_text(encoding="utf-8").strip() or "unknown"
                if wait is not None and time.monotonic() - started >= wait:
                    raise WorkerBusy(
                        f"another worker ({holder}) is dispatching on this SQLite database; "
                        f"gave up after {wait:g} s, nothing was done",
                        holder=holder,
                        waited=wait,
                    ) from None
                if not waited:
                    say(
                        f"another worker ({holder}) is dispatching on this SQLite database; waiting"
                    )
                    waited = True
                time.sleep(poll)
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, worker_name().encode("utf-8"), 0)
        if waited:
            say("the other worker has stopped; this one dispatches now")
        yield
    finally:
        os.close(descriptor)  # closing releases the lock
