"""Creating and upgrading the schema with Alembic, and refusing an outdated one."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from caseflow.errors import DatabaseNotReady

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the database to the newest revision; returns (before, after)."""
    before = current_revision(engine)
    command.upgrade(_config(engine), "head")
    return before, head_revision()


def head_revision() -> str:
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def ensure_ready(engine: Engine) -> None:
    """Raise a clear error if the database was never initialised or is behind."""
    current = current_revision(engine)
    if current is None:
        raise DatabaseNotReady(
            f"the database at {engine.url.render_as_string(hide_password=True)} has no "
            "caseflow tables yet"
        )
    if current != head_revision():
        raise DatabaseNotReady(
            f"the database is at schema revision {current} but this caseflow needs "
            f"{head_revision()}: it must be upgraded"
        )
