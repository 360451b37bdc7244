"""Alembic migrations create exactly the tables the code declares."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from caseflow.cli.phrasing import phrase
from caseflow.engine import Engine
from caseflow.errors import DatabaseNotReady, InvalidInput
from caseflow.store import deadlines as deadline_rows
from caseflow.store import migrate
from caseflow.store.db import make_engine
from caseflow.store.tables import metadata
from caseflow.testing import open_access_request


def _assert_upgrade_of_an_empty_database_matches_the_models(url: str) -> None:
    db = make_engine(url)
    before, after = migrate.upgrade(db)
    assert before is None
    assert after == migrate.head_revision()
    with db.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []
    migrate.ensure_ready(db)
    db.dispose()


def test_upgrade_of_an_empty_database_matches_the_models(tmp_path: Path) -> None:
    _assert_upgrade_of_an_empty_database_matches_the_models(f"sqlite:///{tmp_path / 'm.db'}")


def test_upgrade_of_an_empty_test_database_matches_the_models(database_url: str) -> None:
    """The same on the test database: PostgreSQL with CASEFLOW_TEST_DATABASE_URL."""
    _assert_upgrade_of_an_empty_database_matches_the_models(database_url)


def test_upgrade_twice_is_harmless(database_url: str) -> None:
    db = make_engine(database_url)
    migrate.upgrade(db)
    before, after = migrate.upgrade(db)
    assert before == after
    db.dispose()


def test_downgrade_to_nothing_and_upgrade_again(database_url: str) -> None:
    """The downgrade removes every table (and the audit trigger), so upgrading works again."""
    db = make_engine(database_url)
    migrate.upgrade(db)
    config = migrate._config(db)
    command.downgrade(config, "base")
    assert set(inspect(db).get_table_names()) <= {"alembic_version"}
    command.upgrade(config, "head")
    with db.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    db.dispose()


def test_an_uninitialised_database_is_refused_clearly(database_url: str) -> None:
    db = make_engine(database_url)
    with pytest.raises(DatabaseNotReady, match="has no caseflow tables yet") as refused:
        migrate.ensure_ready(db)
    # The service says what is wrong; the command line adds what to type.
    assert "caseflow init" not in str(refused.value)
    assert "run `caseflow init`" in phrase(refused.value)
    db.dispose()


def test_deadline_explanations_move_to_their_table_and_back(engine: Engine) -> None:
    """0006 moves each deadline's explanation out of its row, and its downgrade back."""
    journal_no = open_access_request(engine)
    with engine.db.connect() as conn:
        (record,) = deadline_rows.for_case(conn, engine.get_case(journal_no).id)
        (before,) = deadline_rows.explanations(conn, [record.id]).values()
    assert any("Offentlighedsloven" in line for line in before)
    config = migrate._config(engine.db)
    engine.close()

    command.downgrade(config, "0005")
    with engine.db.connect() as conn:
        stored = conn.execute(
            text("SELECT explanation FROM deadlines WHERE id = :id"), {"id": record.id}
        ).scalar_one()
    assert "deadline_explanations" not in inspect(engine.db).get_table_names()
    assert tuple(json.loads(stored) if isinstance(stored, str) else stored) == before

    command.upgrade(config, "head")
    with engine.db.connect() as conn:
        assert deadline_rows.explanations(conn, [record.id]) == {record.id: before}
    assert "explanation" not in {c["name"] for c in inspect(engine.db).get_columns("deadlines")}


def test_an_sqlite_too_old_is_refused_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """RETURNING and DROP COLUMN came with SQLite 3.35 (a Python linked against 3.31,
    say, would fail later, on the first claim or migration)."""
    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 31, 1))
    monkeypatch.setattr(sqlite3, "sqlite_version", "3.31.1")
    with pytest.raises(InvalidInput, match=r"needs SQLite 3\.35 or newer.*has 3\.31\.1"):
        make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    assert not (tmp_path / "old.db").exists()
