"""The hot queries of the deadline machinery are served by their partial indexes.

A query that scans the deadlines table is correct but makes every fire cost in
proportion to all deadlines ever written: a drain of 10,000 cases took minutes
before the deadline hook's query used its index. SQLite only.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection

from caseflow.engine import Engine
from caseflow.errors import NotFound
from caseflow.store import cases as case_rows
from caseflow.store import deadlines as rows
from caseflow.store import outbox
from caseflow.testing import query_plan

NOW = datetime(2009, 5, 14, 8, tzinfo=UTC)


@pytest.fixture
def sqlite_engine(engine: Engine) -> Engine:
    if engine.db.dialect.name != "sqlite":
        pytest.skip("query plans are checked on SQLite; PostgreSQL plans by statistics")
    return engine


@pytest.mark.parametrize(
    ("query", "index"),
    [
        (lambda conn: rows.live_for_case(conn, 1), "ix_deadlines_live_case"),
        (
            lambda conn: rows.claim_due(conn, now=NOW, owner="t", lease_until=NOW, limit=10),
            "ix_deadlines_open_next_action",
        ),
        (rows.next_due, "ix_deadlines_open_next_action"),
        (outbox.next_attempt, "ix_outbox_pending_next_attempt"),
    ],
    ids=["live_for_case", "claim_due", "next_due", "outbox_next_attempt"],
)
def test_query_uses_its_partial_index(
    sqlite_engine: Engine, query: Callable[[Connection], object], index: str
) -> None:
    plan = query_plan(sqlite_engine, query)
    assert index in plan, plan
    assert "SCAN deadlines" not in plan
    assert "SCAN outbox" not in plan


def test_a_fire_reads_the_live_deadlines_with_the_case_by_their_index(
    sqlite_engine: Engine,
) -> None:
    """The fire's one read (the case and the hooks' case_reads) finds the case by its
    journal number and its live deadlines by the partial index, scanning neither table."""
    reads = sqlite_engine.case_reads_for(sqlite_engine.db.dialect.name)
    assert reads, "the deadline hook reads its live deadlines with the case"
    plan = query_plan(sqlite_engine, lambda conn: _read(conn, reads))
    assert "ix_deadlines_live_case" in plan, plan
    assert "SCAN deadlines" not in plan
    assert "SCAN cases" not in plan


def _read(conn: Connection, reads: case_rows.CaseReads) -> None:
    with contextlib.suppress(NotFound):
        case_rows.get_with(conn, "2009-00001", reads)
