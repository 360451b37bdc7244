"""Least privilege (``caseflow init --app-role``): the application's PostgreSQL role
reads and writes rows, fires cases and chains records, but runs no DDL and cannot
UPDATE, DELETE or TRUNCATE the append-only tables, even with their triggers gone."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.pool import NullPool

from caseflow.context import Context, wired_engine
from caseflow.engine import Engine
from caseflow.errors import InvalidInput
from caseflow.registry import WorkflowRegistry
from caseflow.services import database
from caseflow.store.db import make_engine
from caseflow.store.roles import APPEND_ONLY_TABLES
from caseflow.testing import COPENHAGEN_RULES, open_test_case

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"


def test_sqlite_has_no_roles(ctx: Context) -> None:
    if ctx.engine.db.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with pytest.raises(InvalidInput, match="an application role needs PostgreSQL"):
        database.initialise(ctx, app_role="caseflow_app")


def test_a_bad_role_name_is_refused_before_anything_runs(ctx: Context) -> None:
    with pytest.raises(InvalidInput, match="role name 'app; DROP TABLE cases'"):
        database.initialise(ctx, app_role="app; DROP TABLE cases")


@pytest.fixture
def app_engine(ctx: Context, database_url: str) -> Iterator[Engine]:
    """An engine connected as a fresh application role granted by ``init --app-role``."""
    if ctx.engine.db.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no roles")
    role = f"caseflow_app_{uuid.uuid4().hex[:8]}"
    done = database.initialise(ctx, app_role=role)
    assert done.app_role == role
    assert done.app_role_created
    assert not database.initialise(ctx, app_role=role).app_role_created  # idempotent
    url = make_url(database_url).set(username=role, password=None)
    db = make_engine(url.render_as_string(hide_password=False))
    engine = wired_engine(db, WorkflowRegistry(WORKFLOWS), ctx.engine.clock, COPENHAGEN_RULES)
    yield engine
    engine.close()
    db.dispose()
    owner = create_engine(database_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with owner.connect() as conn:
        conn.execute(text(f'DROP OWNED BY "{role}"'))
        conn.execute(text(f'DROP ROLE "{role}"'))
    owner.dispose()


def test_the_application_role_writes_rows_but_never_rewrites_history(
    ctx: Context, app_engine: Engine
) -> None:
    journal_no = open_test_case(app_engine)
    app_engine.edit(journal_no, {"summary": "Ændret"}, app_engine.actor("bif.sagsbehandler"))
    assert len(app_engine.history(journal_no)) == 2
    with ctx.engine.db.begin() as conn:  # the owner drops a trigger: the role still cannot
        conn.execute(text("DROP TRIGGER audit_events_append_only ON audit_events"))
    refused = [
        "UPDATE audit_events SET actor = 'someone'",
        "DELETE FROM audit_events",
        "CREATE TABLE forged (x int)",
        "DROP TRIGGER org_changes_append_only ON org_changes",
        "ALTER TABLE cases ADD COLUMN forged int",
        "UPDATE alembic_version SET version_num = '0001'",
        *[f"TRUNCATE {table}" for table in APPEND_ONLY_TABLES],
        # Table and column names from the literals below, not from input.
        *[f"UPDATE {table} SET {column} = {column}" for table, column in _A_COLUMN.items()],  # noqa: S608
    ]
    for statement in refused:
        with (
            app_engine.db.connect() as conn,
            pytest.raises(ProgrammingError, match=r"permission denied|must be owner"),
        ):
            conn.execute(text(statement))
    with app_engine.db.begin() as conn:  # what the application does do
        conn.execute(text("UPDATE cases SET title = title"))
        conn.execute(text("SELECT count(*) FROM record_links")).scalar_one()


_A_COLUMN = {
    "org_changes": "actor",
    "account_events": "actor",
    "agenda_versions": "version",
    "meeting_minutes": "note",
    "record_links": "digest",
    "record_checkpoints": "signature",
    "checkpoint_heads": "hash",
}
