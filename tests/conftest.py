"""Shared fixtures: a migrated temporary database with Copenhagen's organisation."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from caseflow.clock import FakeClock
from caseflow.context import Context
from caseflow.engine import Engine
from caseflow.settings import Settings
from caseflow.testing import copenhagen_time, make_test_engine

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = REPO / "workflows"


# A database server for the tests, e.g. postgresql+psycopg://postgres@127.0.0.1:55432/postgres
SERVER = os.environ.get("CASEFLOW_TEST_DATABASE_URL") or None


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, empty database for one test.

    SQLite in the test's temporary folder by default. When CASEFLOW_TEST_DATABASE_URL
    names a PostgreSQL server (its maintenance database, usually ``postgres``), each
    test gets a new database ``caseflow_test_<random>`` there, dropped afterwards even
    if the test left connections open.
    """
    server = make_url(SERVER) if SERVER else None
    if server is None or server.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    name = f"caseflow_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(copenhagen_time("2009-05-14 10:00"))


@pytest.fixture
def engine(database_url: str, clock: FakeClock) -> Iterator[Engine]:
    engine = make_test_engine(database_url, clock=clock, workflows_dir=WORKFLOWS)
    yield engine
    engine.close()


@pytest.fixture
def ctx(engine: Engine, database_url: str) -> Context:
    """The composition root around the test's engine, for the services."""
    return Context(Settings(database_url, WORKFLOWS), engine)
