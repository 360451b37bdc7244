"""Alembic migrations create exactly the tables the code declares."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from caseflow.errors import DatabaseNotReady
from caseflow.store import migrate
from caseflow.store.db import make_engine
from caseflow.store.tables import metadata


def test_upgrade_of_an_empty_database_matches_the_models(tmp_path: Path) -> None:
    db = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    before, after = migrate.upgrade(db)
    assert before is None
    assert after == migrate.head_revision()
    with db.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []
    migrate.ensure_ready(db)


def test_upgrade_twice_is_harmless(tmp_path: Path) -> None:
    db = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrate.upgrade(db)
    before, after = migrate.upgrade(db)
    assert before == after


def test_an_uninitialised_database_is_refused_clearly(tmp_path: Path) -> None:
    db = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(DatabaseNotReady, match="caseflow init"):
        migrate.ensure_ready(db)
