"""Waking workers early when a transaction creates a deadline (PostgreSQL's LISTEN/NOTIFY).

A worker sleeps until the next due moment it knows of. When a fire creates (or
resumes, or an operator re-opens) a deadline, :func:`announce` sends its next
action time on the channel ``caseflow_deadlines`` inside that transaction;
PostgreSQL delivers it only if the transaction commits. Workers LISTEN on a
connection of their own (:class:`Listener`) and wake early when the moment is
sooner than the one they wait for. SQLite has no such thing: there, a worker
runs in the same process as nothing else that creates deadlines, and its
safety poll notices what other processes wrote.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.engine import URL

CHANNEL = "caseflow_deadlines"


def announce(conn: Connection, moment: datetime | None) -> None:
    """Tell listening workers, on commit, that something is due at ``moment``."""
    if moment is None or conn.dialect.name != "postgresql":
        return
    conn.execute(select(func.pg_notify(CHANNEL, payload(moment))))


def payload(moment: datetime) -> str:
    """What :func:`announce` sends for ``moment`` (and what :class:`Listener` reads)."""
    return moment.astimezone(UTC).isoformat()


class Listener:
    """A dedicated PostgreSQL connection that LISTENs for announced moments."""

    def __init__(self, url: URL) -> None:
        self.conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._conn: Any = None

    def __enter__(self) -> Listener:
        import psycopg  # PostgreSQL only: the driver is an optional dependency

        self._conn = psycopg.connect(self.conninfo, autocommit=True)
        self._conn.execute(f"LISTEN {CHANNEL}")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def moments(self, stop: threading.Event, poll: float = 1.0) -> Iterator[datetime]:
        """Announced moments as they arrive, until ``stop`` is set (checked each ``poll`` s)."""
        assert self._conn is not None, "use the listener in a with block"
        while not stop.is_set():
            for notice in self._conn.notifies(timeout=poll):
                try:
                    yield datetime.fromisoformat(notice.payload)
                except ValueError:
                    continue  # not ours to understand: the next poll will see it anyway
                if stop.is_set():
                    return
