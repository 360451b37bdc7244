"""Renewing leases on claimed rows: the same query for every table workers claim from.

Deadlines and outbox rows are claimed alike (``lease_owner``, ``lease_expires_at``,
a status that says the row still waits); a worker renews its claim only on the
rows that still wait and are still its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, Table, update


def extend(
    conn: Connection,
    table: Table,
    ids: Sequence[int],
    *,
    waiting: str,
    owner: str,
    lease_until: datetime,
) -> int:
    """Hold the rows of ``ids`` (in status ``waiting``, leased to ``owner``) until
    ``lease_until``; returns how many were still the owner's."""
    if not ids:
        return 0
    result = conn.execute(
        update(table)
        .where(
            table.c.id.in_(list(ids)),
            table.c.status == waiting,
            table.c.lease_owner == owner,
        )
        .values(lease_expires_at=lease_until)
    )
    return int(result.rowcount)
