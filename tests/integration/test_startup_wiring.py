"""What ``case list`` no longer builds up front is still there when used (issue 16):
the engine's hooks at its first fire, and the partial indexes' condition on PostgreSQL."""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from sqlalchemy import Engine as SAEngine
from sqlalchemy import text

from caseflow.approvals.hook import ApprovalStarter
from caseflow.calendar import COPENHAGEN_RULES
from caseflow.context import wired_engine
from caseflow.deadlines.scheduling import DeadlineScheduler
from caseflow.engine import CaseEvent
from caseflow.notifications.on_transition import TransitionNotifier
from caseflow.registry import WorkflowRegistry
from caseflow.store import migrate
from caseflow.store.db import make_engine
from caseflow.store.tables import metadata
from caseflow.testing import make_test_engine, open_test_case

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"


def test_a_wired_engine_builds_its_hooks_when_first_asked_and_keeps_them() -> None:
    engine = wired_engine(make_engine("sqlite://"), WorkflowRegistry(WORKFLOWS), None,
                          COPENHAGEN_RULES, "en")  # fmt: skip
    assert "hooks" not in vars(engine)
    hooks = engine.hooks
    assert [type(hook) for hook in hooks] == [
        DeadlineScheduler,
        TransitionNotifier,
        ApprovalStarter,
    ]
    assert isinstance(hooks[1], TransitionNotifier)
    assert hooks[1].language == "en"
    assert engine.hooks is hooks
    assert vars(engine)["hooks"] is hooks  # a plain attribute from now on: a fire pays nothing
    engine.hooks = []  # a caller's replacement stays
    assert engine.hooks == []
    engine.close()


def test_threads_that_ask_at_once_get_one_list_of_hooks() -> None:
    engine = wired_engine(make_engine("sqlite://"), WorkflowRegistry(WORKFLOWS), None,
                          COPENHAGEN_RULES)  # fmt: skip
    start = threading.Barrier(8)
    seen: list[int] = []

    def ask() -> None:
        start.wait()
        seen.append(id(engine.hooks))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 8
    assert set(seen) == {id(engine.hooks)}
    engine.close()


def test_the_first_operation_runs_the_hooks_and_one_added_before_it(database_url: str) -> None:
    """A hook added before the engine's first operation runs beside the standard ones,
    and they write what they write (the drafting deadline, on entering drafting)."""
    engine = make_test_engine(database_url)
    events: list[CaseEvent] = []
    engine.hooks.append(lambda conn, event: events.append(event))
    journal_no = open_test_case(engine)
    engine.fire(journal_no, "start_drafting", engine.actor("bif.sagsbehandler"))
    assert [event.case.journal_no for event in events] == [journal_no, journal_no]
    with engine.db.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM deadlines")).scalar_one()
    assert count == 1
    engine.close()


def _partial_indexes(db: SAEngine) -> dict[str, str]:
    """Each partial index's definition, as the database keeps it."""
    query = (
        "SELECT indexname, indexdef FROM pg_indexes WHERE indexdef LIKE '%WHERE%'"
        if db.dialect.name == "postgresql"
        else "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql LIKE '%WHERE%'"
    )
    with db.connect() as conn:
        return {row[0]: row[1] for row in conn.execute(text(query))}


def test_the_tables_create_the_partial_indexes_the_migrations_create(database_url: str) -> None:
    """On SQLite and on PostgreSQL (CASEFLOW_TEST_DATABASE_URL): the metadata's partial
    indexes, whose PostgreSQL condition make_engine adds, are the migrations' own."""
    db = make_engine(database_url)
    migrate.upgrade(db)
    migrated = _partial_indexes(db)
    command.downgrade(migrate._config(db), "base")
    metadata.create_all(db)
    assert _partial_indexes(db) == migrated
    assert len(migrated) == 4
    db.dispose()
