"""Keeping a claim: a worker renews its lease while it still works on what it claimed.

Workers claim rows (due deadlines, pending notifications) under a lease: until
it expires, other workers leave them alone; after it, a dead worker's rows are
taken over. A live worker whose work takes long (a slow SMTP server, a fired
trigger with much to do) must not lose its rows that way, so between two units
of work it renews the lease on what is left once half of it has passed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from caseflow.clock import Clock


class LeaseKeeper:
    """Calls ``renew(until)`` when half the lease has passed since the claim or last renewal."""

    def __init__(
        self,
        clock: Clock,
        lease: timedelta,
        renew: Callable[[datetime], object],
        *,
        claimed_at: datetime | None = None,
    ) -> None:
        self.clock = clock
        self.lease = lease
        self.renew = renew
        self.renewals = 0
        self._due = (claimed_at or clock.now()) + lease / 2

    def keep(self) -> None:
        now = self.clock.now()
        if now >= self._due:
            self.renew(now + self.lease)
            self.renewals += 1
            self._due = now + self.lease / 2
