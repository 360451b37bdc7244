"""Shared fixtures: a migrated temporary database with Copenhagen's organisation."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from caseflow.clock import FakeClock
from caseflow.engine import Engine
from caseflow.testing import copenhagen_time, make_test_engine

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = REPO / "workflows"


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """A fresh database: SQLite in a temporary folder, or CASEFLOW_TEST_DATABASE_URL."""
    return os.environ.get("CASEFLOW_TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(copenhagen_time("2009-05-14 10:00"))


@pytest.fixture
def engine(database_url: str, clock: FakeClock) -> Iterator[Engine]:
    engine = make_test_engine(database_url, clock=clock, workflows_dir=WORKFLOWS)
    yield engine
    engine.close()
