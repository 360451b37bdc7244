"""The words deadline rows are stored with, and what applying one did (pure).

:class:`DeadlineStatus` values are the texts of the ``deadlines.status``
column: code compares and writes members, and :mod:`caseflow.store.deadlines`
reads them back typed.
"""

from __future__ import annotations

from enum import StrEnum


class DeadlineStatus(StrEnum):
    """Where a deadline row is: running or paused (live), or ended and why."""

    OPEN = "open"  # running: the dispatcher acts at next_action_at
    PAUSED = "paused"  # clock stopped (waiting for a citizen); remaining days kept
    SATISFIED = "satisfied"  # the step it waited for was taken
    CANCELLED = "cancelled"  # the case left its states another way, or it was replaced
    EXPIRED = "expired"  # it passed, and its expiry's actions were applied
    STALE = "stale"  # the case had moved past it before the dispatcher came
    INCIDENT = "incident"  # failed too often: waits for a person (caseflow incidents)


LIVE_STATUSES = (DeadlineStatus.OPEN, DeadlineStatus.PAUSED)
"""The statuses of a deadline that may still act."""


class DeadlineOutcome(StrEnum):
    """What applying one due deadline did (the dispatcher's counts and log lines)."""

    REMINDER = "reminder"
    EXPIRED = "expired"
    STALE = "stale"
