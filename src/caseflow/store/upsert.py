"""``INSERT … ON CONFLICT`` in the dialect of the database connected to.

SQLAlchemy spells it once per dialect (``postgresql.insert``, ``sqlite.insert``).
The dialect's package is imported when it is first asked for, so a process on
SQLite never imports the PostgreSQL dialect (its package imports every PostgreSQL
driver module, asyncpg's with asyncio included) and one on PostgreSQL never the
SQLite one. After the first call the import is a lookup in ``sys.modules``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.dialects.postgresql import Insert as PostgresInsert
    from sqlalchemy.dialects.sqlite import Insert as SqliteInsert

    DialectInsert = PostgresInsert | SqliteInsert


def insert_for(dialect: str) -> Callable[[Table], DialectInsert]:
    """The ``insert`` of ``dialect`` (a ``conn.dialect.name``): PostgreSQL's, else SQLite's."""
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert
    from sqlalchemy.dialects import sqlite

    return sqlite.insert
