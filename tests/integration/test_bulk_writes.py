"""Many rows written at once land exactly as one by one would (both databases).

The dispatcher writes a batch's outbox rows with one executemany of prepared
arguments (:mod:`caseflow.store.prepared`): every row once, ON CONFLICT keeping
the row already there (or the first of two in one batch), times and JSON text
converted as a single write converts them.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import func, select

from caseflow.engine import Engine
from caseflow.store import outbox
from caseflow.store.tables import outbox as outbox_table

NOW = datetime(2009, 11, 5, 15, 30, tzinfo=UTC)
ROWS = 1_201


def notification(number: int) -> outbox.NewNotification:
    return outbox.NewNotification(
        key=f"bulk:{number}",
        case_id=None,
        template="reminder",
        language="da",
        recipients=json.dumps([{"address": f"r{number}@example.dk", "name": f"R {number}"}]),
        context=json.dumps({"n": number, "title": "Ældre, ø og å"}),
    )


def test_a_large_batch_is_written_once_row_by_row(engine: Engine) -> None:
    count = ROWS
    with engine.transaction() as conn:
        outbox.enqueue_many(conn, [notification(n) for n in range(count)], NOW)
    with engine.transaction() as conn:
        rows = conn.execute(
            select(outbox_table.c.key, outbox_table.c.context, outbox_table.c.created_at)
        ).all()
    assert len(rows) == count
    assert {r.key for r in rows} == {f"bulk:{n}" for n in range(count)}
    by_key = {r.key: r for r in rows}
    last = by_key[f"bulk:{count - 1}"]
    assert last.context == {"n": count - 1, "title": "Ældre, ø og å"}
    assert last.created_at.astimezone(UTC) == NOW


def test_a_key_already_there_or_twice_in_the_batch_is_kept_once(engine: Engine) -> None:
    with engine.transaction() as conn:
        outbox.enqueue_many(conn, [notification(7)], NOW)
    batch = [notification(n) for n in range(ROWS)]
    batch.append(notification(3))  # twice in the batch
    with engine.transaction() as conn:
        outbox.enqueue_many(conn, batch, NOW)
    with engine.transaction() as conn:
        keys = conn.execute(
            select(outbox_table.c.key, func.count()).group_by(outbox_table.c.key)
        ).all()
    assert len(keys) == ROWS
    assert all(n == 1 for _, n in keys)
