"""Creating and upgrading the schema with Alembic, and refusing an outdated one."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Column as SAColumn
from sqlalchemy import Engine, MetaData, String, Table, inspect, select

from caseflow.errors import DatabaseNotReady

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported where a schema is created, upgraded or read in full: a worker or
# a command that only checks the schema is current (every start) does without it,
# which keeps some 10 MB out of every long-running process.

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_VERSION_TABLE = Table("alembic_version", MetaData(), SAColumn("version_num", String(32)))
_REVISION = re.compile(r'^revision\s*=\s*"([^"]+)"\s*$', re.MULTILINE)
_DOWN_REVISION = re.compile(r'^down_revision\s*=\s*(?:"([^"]+)"|None)\s*$', re.MULTILINE)


def _config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the database to the newest revision; returns (before, after)."""
    from alembic import command

    before = current_revision(engine)
    command.upgrade(_config(engine), "head")
    return before, head_revision()


@functools.cache
def head_revision() -> str:
    """The newest revision of the migrations: read from their files' ``revision`` and
    ``down_revision`` lines (the one no other file names as its parent), or by Alembic
    when the files do not read as one plain line of revisions."""
    found = _plain_head()
    if found is not None:
        return found
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert head is not None
    return head


def _plain_head() -> str | None:
    revisions, parents = [], set()
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        revision, parent = _REVISION.findall(text), _DOWN_REVISION.findall(text)
        if len(revision) != 1 or len(parent) != 1:
            return None  # not a file as Alembic writes them here: let Alembic read it
        revisions.append(revision[0])
        if parent[0]:
            parents.add(parent[0])
    heads = [revision for revision in revisions if revision not in parents]
    return heads[0] if len(heads) == 1 and len(set(revisions)) == len(revisions) else None


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: never initialised), as Alembic records it
    (the one row of ``alembic_version``)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table(_VERSION_TABLE.name):
            return None
        versions = list(conn.execute(select(_VERSION_TABLE.c.version_num)).scalars())
    if len(versions) > 1:  # branches: Alembic's own error says which
        from alembic.runtime.migration import MigrationContext

        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    return versions[0] if versions else None


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
