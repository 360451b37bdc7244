"""The clock the engine asks for "now".

Everything that depends on the time takes a :class:`Clock`, so tests and the demo
can replay a case through 2009 and 2010 without waiting for it.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Tells the current time as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that only moves when told to: for tests and the demo."""

    def __init__(self, start: datetime) -> None:
        self._now = _as_utc(start)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = _as_utc(moment)

    def advance(self, delta: timedelta) -> None:
        self._now += delta


class ShiftedClock:
    """Real time, moved to start at another moment: a rehearsal runs on from there.

    Used for CASEFLOW_NOW, so that leases and backoffs still expire as they would.
    """

    def __init__(self, start: datetime) -> None:
        self._start = _as_utc(start)
        self._began = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._began)


def _as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("FakeClock needs an aware datetime (with a time zone)")
    return moment.astimezone(UTC)
