"""Least privilege on PostgreSQL: the application's own role.

The schema's owner (the role migrations run as) creates and alters tables; the
application connects as a role that may read and write rows but run no DDL, and
that may only insert into the append-only tables: even with the triggers dropped by
someone who holds the owner's password, the application's credentials cannot
rewrite history. Grants cover the tables that exist, so ``caseflow init --app-role``
is run again after each upgrade (it is idempotent).
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, text

from caseflow.errors import ErrorCode, InvalidInput

# The tables the application only ever inserts into (and reads).
APPEND_ONLY_TABLES = (
    "audit_events",
    "org_changes",
    "account_events",
    "agenda_versions",
    "meeting_minutes",
    "record_links",
    "record_checkpoints",
    "checkpoint_heads",
)
_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def check_role_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise InvalidInput(
            f"role name {name!r}: use lower-case letters, digits and _ (at most 63, not "
            "starting with a digit), e.g. caseflow_app",
            code=ErrorCode.INVALID_INPUT,
        )
    return name


def grant_app_role(conn: Connection, name: str) -> bool:
    """Create (if need be) and grant the application role ``name``; returns whether it
    was created. Identifiers cannot be bound parameters: the name is checked against
    :data:`_NAME` (plain lower-case letters) and then quoted."""
    role = f'"{check_role_name(name)}"'
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :name"), {"name": name})
    created = exists.first() is None
    if created:
        conn.execute(text(f"CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"))
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    conn.execute(text(f'GRANT CONNECT ON DATABASE "{database}" TO {role}'))
    # No one but the owner creates objects in the schema (PostgreSQL 15 already revokes
    # this from PUBLIC; older servers granted it).
    conn.execute(text("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
    conn.execute(text(f"REVOKE CREATE ON SCHEMA public FROM {role}"))
    conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {role}"))
    conn.execute(
        text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}")
    )
    conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}"))
    tables = ", ".join(APPEND_ONLY_TABLES)
    conn.execute(text(f"REVOKE UPDATE, DELETE, TRUNCATE ON {tables} FROM {role}"))
    # The schema's revision is read (to refuse an old schema), never written.
    conn.execute(text(f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM {role}"))
    return created
