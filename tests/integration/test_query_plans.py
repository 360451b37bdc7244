"""The hot queries of the deadline machinery are served by their partial indexes.

A query that scans the deadlines table is correct but makes every fire cost in
proportion to all deadlines ever written: a drain of 10,000 cases took minutes
before the deadline hook's query used its index. SQLite only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection

from caseflow.engine import Engine
from caseflow.store import deadlines as rows
from caseflow.store import outbox

NOW = datetime(2009, 5, 14, 8, tzinfo=UTC)


def plan_of(engine: Engine, call: Callable[[Connection], object]) -> str:
    """SQLite's query plan for the first query ``call`` executes (not its BEGIN).

    The statement is taken from SQLite's own trace, with its parameters filled in:
    prepared statements run on the driver's cursor, past SQLAlchemy's events.
    """
    seen: list[str] = []
    with engine.db.connect() as conn:
        driver = conn.connection.driver_connection
        assert driver is not None
        driver.set_trace_callback(seen.append)
        try:
            call(conn)
        finally:
            driver.set_trace_callback(None)
        statement = next(s for s in seen if s.split()[0] in ("SELECT", "UPDATE", "INSERT"))
        plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement)
        return "; ".join(row[-1] for row in plan)


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
    plan = plan_of(sqlite_engine, query)
    assert index in plan, plan
    assert "SCAN deadlines" not in plan
    assert "SCAN outbox" not in plan
