"""Many rows written at once land exactly as one by one would (both databases); case
heads (:func:`caseflow.store.cases.heads`) read and save only their own columns.

The dispatcher writes a batch's outbox rows with one executemany of prepared
arguments (:mod:`caseflow.store.prepared`): every row once, ON CONFLICT keeping
the row already there (or the first of two in one batch), times and JSON text
converted as a single write converts them.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from caseflow.domain import CaseHead
from caseflow.engine import Engine
from caseflow.errors import Conflict
from caseflow.store import cases as case_rows
from caseflow.store import outbox
from caseflow.store.db import write_transaction
from caseflow.store.tables import outbox as outbox_table
from caseflow.testing import open_test_case

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


def test_case_heads_are_the_cases_without_their_texts_and_save_column_by_column(
    engine: Engine,
) -> None:
    journal_nos = [open_test_case(engine, title=f"Sag {n}") for n in range(3)]
    with write_transaction(engine.db) as conn:
        whole = [case_rows.get(conn, journal_no) for journal_no in journal_nos]
        found = case_rows.heads(conn, {case.id for case in whole})
        assert set(found) == {case.id for case in whole}
        for case in whole:
            head = found[case.id]
            assert type(head) is CaseHead
            assert head == case.head  # every column a head has, as the whole case has it
            assert head.participating_administrations == ("BIF",)
        first = found[whole[0].id]
        marked = {"fields": {"overdue": True}}
        case_rows.save_many(conn, [(first, first.version + 1, "h" * 64, marked)], NOW)
        after = case_rows.get(conn, first.journal_no)
        assert (after.version, after.audit_head) == (first.version + 1, "h" * 64)
        assert (after.fields, after.updated_at) == ({"overdue": True}, NOW)
        assert after.summary == whole[0].summary  # the texts a head lacks are left alone
        with pytest.raises(Conflict, match="changed by someone else"):  # the version read is old
            case_rows.save_many(conn, [(first, first.version + 1, "i" * 64, {})], NOW)
