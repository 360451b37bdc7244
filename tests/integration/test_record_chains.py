"""Two transactions appending to one record chain at once (PostgreSQL): the second waits
for the first and links onto its link, instead of failing on a taken sequence number."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from caseflow.context import Context
from caseflow.records.chains import ChainKind
from caseflow.store import records as record_rows
from caseflow.store.db import read_transaction, write_transaction

AT = datetime(2009, 5, 14, 8, 0, tzinfo=UTC)


def test_concurrent_appends_to_one_chain_follow_each_other(ctx: Context) -> None:
    db = ctx.engine.db
    if db.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has one writer at a time")
    second_done = threading.Event()

    def second() -> None:
        with write_transaction(db) as conn:
            record_rows.track(conn, ChainKind.MINUTES, "99", "99", AT, "b" * 64)
        second_done.set()

    with write_transaction(db) as conn:
        record_rows.track(conn, ChainKind.MINUTES, "99", "99", AT, "a" * 64)
        thread = threading.Thread(target=second)
        thread.start()
        assert not second_done.wait(0.5)  # it waits for this transaction
    thread.join(10)
    assert second_done.is_set()
    with read_transaction(db) as conn:
        links = record_rows.links_by_chain(conn)[ChainKind.MINUTES]["99"]
    assert [(k.seq, k.digest[0]) for k in links] == [(1, "a"), (2, "b")]
    assert links[1].prev_hash == links[0].hash
