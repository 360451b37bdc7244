"""The words outbox rows are stored with (pure).

:class:`OutboxStatus` values are the texts of the ``outbox.status`` column: code
compares and writes members, and :mod:`caseflow.store.outbox` reads them back typed.
"""

from __future__ import annotations

from enum import StrEnum


class OutboxStatus(StrEnum):
    """Where a notification is: waiting to be sent (or retried), sent, or given up on."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up or refused for good: visible, retryable by hand
