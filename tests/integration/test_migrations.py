"""Alembic migrations create exactly the tables the code declares."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from caseflow.errors import DatabaseNotReady
from caseflow.store import migrate
from caseflow.store.db import make_engine
from caseflow.store.tables import metadata


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
    with pytest.raises(DatabaseNotReady, match="caseflow init"):
        migrate.ensure_ready(db)
    db.dispose()
