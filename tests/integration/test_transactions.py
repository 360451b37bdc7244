"""Atomicity, optimistic locking, versions and the audit chain."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import IntegrityError, OperationalError

from caseflow.engine import CaseEvent, Engine, NewCase
from caseflow.errors import Conflict, NotFound
from caseflow.store import audit
from caseflow.store import cases as case_rows
from caseflow.store import workflows as stored_workflows
from caseflow.store.db import make_engine, read_transaction, write_transaction
from caseflow.testing import make_test_engine
from caseflow.testing import open_test_case as open_case


class Boom(Exception):
    pass


def test_exception_after_state_change_rolls_everything_back(engine: Engine) -> None:
    journal_no = open_case(engine)
    officer = engine.actor("bif.sagsbehandler")

    def failing_hook(conn: Connection, event: CaseEvent) -> None:
        assert event.case.state == "drafting"  # the state had moved when this ran
        raise Boom

    engine.hooks.append(failing_hook)
    with pytest.raises(Boom):
        engine.fire(journal_no, "start_drafting", officer, changes={"summary": "new"})
    engine.hooks.clear()
    case = engine.get_case(journal_no)
    assert (case.state, case.version, case.summary) == ("registered", 1, "")
    assert len(engine.history(journal_no)) == 1
    assert engine.verify_audit([journal_no])[0].ok


def test_failure_while_opening_leaves_no_case_and_no_number(engine: Engine) -> None:
    def failing_hook(conn: Connection, event: CaseEvent) -> None:
        raise Boom

    engine.hooks.append(failing_hook)
    with pytest.raises(Boom):
        open_case(engine)
    engine.hooks.clear()
    # Nothing of the failed open stayed:
    with pytest.raises(NotFound):
        engine.get_case("2009-00001")
    assert open_case(engine) == "2009-00001"  # the counter bump was rolled back too


def test_conflict_between_two_connections(engine: Engine, database_url: str) -> None:
    """Two engines, two connections: the one that read an old version loses."""
    journal_no = open_case(engine)
    other = Engine(
        make_engine(database_url), engine.registry, engine.clock, calendars=engine.calendars
    )
    seen = other.get_case(journal_no)  # a user opens the case in another window
    engine.fire(journal_no, "start_drafting", engine.actor("bif.sagsbehandler"))
    with pytest.raises(Conflict, match="changed by someone else"):
        other.edit(
            journal_no,
            {"summary": "stale"},
            other.actor("bif.sagsbehandler"),
            expected_version=seen.version,
        )
    other.close()
    case = engine.get_case(journal_no)
    assert case.summary == ""
    assert case.version == 2


def test_conditional_update_refuses_a_stale_write(engine: Engine) -> None:
    """The version check lives in the UPDATE itself, not only in Python."""
    journal_no = open_case(engine)
    officer = engine.actor("bif.sagsbehandler")

    def concurrent_writer(conn: Connection, event: CaseEvent) -> None:
        # Simulate another transaction that committed between our read and write.
        conn.execute(
            text("UPDATE cases SET version = version + 1 WHERE journal_no = :j"), {"j": journal_no}
        )

    engine.hooks.append(concurrent_writer)
    with pytest.raises(Conflict):
        engine.fire(journal_no, "start_drafting", officer)
    engine.hooks.clear()
    assert engine.get_case(journal_no).state == "registered"


def test_running_cases_stay_on_their_version(tmp_path: Path, database_url: str) -> None:
    workflows = tmp_path / "workflows"
    shutil.copytree(Path(__file__).resolve().parents[2] / "workflows", workflows)
    engine = make_test_engine(database_url, workflows_dir=workflows)
    officer = engine.actor("bif.sagsbehandler")
    old = engine.open_case(
        NewCase(workflow_id="committee-case", title="gammel", lead_administration="BIF"), officer
    )
    source = workflows / "committee-case.yaml"
    changed = source.read_text(encoding="utf-8").replace(
        "trigger: start_drafting", "trigger: begin_drafting"
    )
    assert changed != source.read_text(encoding="utf-8")
    source.write_text(changed, encoding="utf-8")
    engine.close()

    engine = make_test_engine(database_url, workflows_dir=workflows, load_demo_organisation=False)
    new = engine.open_case(
        NewCase(workflow_id="committee-case", title="ny", lead_administration="BIF"), officer
    )
    assert new.workflow_version != old.workflow_version
    assert engine.fire(old.journal_no, "start_drafting", officer).state == "drafting"
    assert engine.fire(new.journal_no, "begin_drafting", officer).state == "drafting"
    engine.close()


def test_tampering_with_the_audit_trail_shows(engine: Engine) -> None:
    journal_no = open_case(engine)
    engine.fire(journal_no, "start_drafting", engine.actor("bif.sagsbehandler"))
    assert engine.verify_audit()[0].ok
    with write_transaction(engine.db) as conn, pytest.raises(Exception, match="append-only"):
        conn.execute(text("UPDATE audit_events SET actor = 'mallory'"))
    with write_transaction(engine.db) as conn, pytest.raises(Exception, match="append-only"):
        conn.execute(text("DELETE FROM audit_events"))
    if engine.db.dialect.name == "postgresql":  # TRUNCATE fires no row triggers
        with write_transaction(engine.db) as conn, pytest.raises(Exception, match="append-only"):
            conn.execute(text("TRUNCATE audit_events"))
    with write_transaction(engine.db) as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("DROP TRIGGER audit_events_append_only ON audit_events"))
        else:
            conn.execute(text("DROP TRIGGER audit_events_no_update"))
        conn.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE seq = 1"))
    report = engine.verify_audit([journal_no])[0]
    assert not report.ok
    assert "row 1: content does not match its hash" in report.problems[0]


def test_a_read_transaction_sees_one_snapshot(engine: Engine) -> None:
    """A fire committed while a reader works is invisible to it (no half-new chain)."""
    journal_no = open_case(engine)
    with read_transaction(engine.db) as conn:
        before = case_rows.get(conn, journal_no)
        engine.fire(journal_no, "start_drafting", engine.actor("bif.sagsbehandler"))
        assert case_rows.get(conn, journal_no).version == before.version
        assert len(audit.entries(conn, before.id)) == 1
        assert all(report.ok for report in audit.verify(conn))
    assert engine.get_case(journal_no).version == before.version + 1


def test_a_database_error_on_the_fast_path_is_a_sqlalchemy_error(engine: Engine) -> None:
    """Prepared statements raise what SQLAlchemy raises, so callers catch one family."""
    journal_no = open_case(engine)
    case = engine.get_case(journal_no)
    first = engine.history(journal_no)[0]
    with pytest.raises(IntegrityError), write_transaction(engine.db) as conn:
        audit.append(conn, case.id, first)  # the same (case, seq) again
    assert len(engine.history(journal_no)) == 1


def test_a_lost_server_connection_fails_one_fire_cleanly(engine: Engine, database_url: str) -> None:
    """The server drops our connections (a restart): one clean error, then it works."""
    if not database_url.startswith("postgresql"):
        pytest.skip("an embedded SQLite database has no server connection to lose")
    journal_no = open_case(engine)
    officer = engine.actor("bif.sagsbehandler")
    killer = make_engine(database_url)
    with killer.connect() as conn:
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    killer.dispose()
    with pytest.raises(OperationalError) as info:
        engine.fire(journal_no, "start_drafting", officer)
    assert info.value.connection_invalidated
    assert engine.fire(journal_no, "start_drafting", officer).state == "drafting"


def test_two_first_uses_of_a_workflow_version_do_not_collide(engine: Engine) -> None:
    """Two transactions store the same new version at once: both succeed, one row."""
    new = {
        "workflow_id": "test-flow",
        "version": "v1",
        "title": "Test",
        "source_path": "test.yaml",
        "source_text": "id: test-flow",
        "now": engine.clock.now(),
    }
    results: list[bool] = []
    with write_transaction(engine.db) as conn:
        assert stored_workflows.register(conn, **new)
        other = threading.Thread(target=_register_in_a_transaction, args=(engine, new, results))
        other.start()
        time.sleep(0.5)  # let the other transaction reach the row this one inserted
    other.join(timeout=60)
    assert results == [False]
    with read_transaction(engine.db) as conn:
        found = [v for v in stored_workflows.all_versions(conn) if v.workflow_id == "test-flow"]
    assert len(found) == 1


def _register_in_a_transaction(engine: Engine, new: dict[str, Any], results: list[bool]) -> None:
    with write_transaction(engine.db) as conn:
        results.append(stored_workflows.register(conn, **new))
