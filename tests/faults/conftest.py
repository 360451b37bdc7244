"""Fixtures of the fault tests: PostgreSQL when the run has it, a private cluster,
the environment of ``caseflow`` subprocesses.

The multi-worker and restart tests need PostgreSQL (SQLite has one writer at a
time and nothing to restart). They run in CI's PostgreSQL pass, where
CASEFLOW_TEST_DATABASE_URL names a server, and are skipped with a message in
the SQLite pass and locally without it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from caseflow.testing import PostgresCluster, postgres_bin

SERVER = os.environ.get("CASEFLOW_TEST_DATABASE_URL") or None
ON_POSTGRES = SERVER is not None and make_url(SERVER).get_backend_name() == "postgresql"
NEEDS_POSTGRES = (
    "needs PostgreSQL: set CASEFLOW_TEST_DATABASE_URL=postgresql+psycopg://... "
    "(CI's second pass does; see README, PostgreSQL)"
)


@pytest.fixture
def pg_url(database_url: str) -> str:
    """A fresh PostgreSQL database for this test; skips on SQLite."""
    if not ON_POSTGRES:
        pytest.skip(NEEDS_POSTGRES)
    return database_url


@pytest.fixture
def private_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresCluster]:
    """A PostgreSQL server of this test's own, which it may stop and start.

    Only in the PostgreSQL pass (the SQLite pass would run it a second time for
    nothing); skipped when the server programs are not installed.
    """
    if not ON_POSTGRES:
        pytest.skip(NEEDS_POSTGRES)
    if postgres_bin() is None:
        pytest.skip("PostgreSQL's server programs are not installed: apt-get install postgresql")
    folder = Path(f"/tmp/caseflow-faults-{os.getpid()}-{os.urandom(3).hex()}")
    cluster = PostgresCluster(folder)
    try:
        yield cluster.start()
    finally:
        cluster.destroy()
