"""Transactions committed on a thread of their own: a failed commit is never taken for done."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from caseflow.engine import Engine
from caseflow.store.tables import audit_events


def audit_rows(engine: Engine) -> int:
    with engine.transaction() as conn:
        return int(conn.execute(select(func.count()).select_from(audit_events)).scalar_one())


def test_a_commit_that_fails_raises_at_the_next_step_and_writes_nothing(engine: Engine) -> None:
    if engine.db.dialect.name != "sqlite":
        pytest.skip("a commit is made to fail with SQLite's deferred foreign keys")
    before = audit_rows(engine)
    orphan = text(
        "INSERT INTO audit_events (case_id, seq, at, actor, kind, to_state, changes, prev_hash,"
        " hash) VALUES (999999, 1, '2009-05-14 08:00:00.000000', 'x', 'edit', 's', '{}', '', '')"
    )
    with engine.commits_behind() as commits:
        with commits.transaction() as conn:
            conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
            conn.execute(orphan)  # refused only when the transaction commits
        with pytest.raises(IntegrityError, match="FOREIGN KEY"):
            commits.wait()
        with commits.transaction() as conn:  # the next one runs on a fresh connection
            assert conn.execute(select(func.count()).select_from(audit_events)).scalar_one() == (
                before
            )
    assert audit_rows(engine) == before
