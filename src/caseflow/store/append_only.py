"""Append-only tables: triggers that refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL).

The case audit trail (``audit_events``) and the organisation's history
(``org_changes``) are records of what happened; the application only ever
inserts into them. The database refuses anything else, so a bug or a hand-typed
statement cannot rewrite them (the case trail's hash chain then shows what a
person who drops the triggers did). The migrations that create such a table run
:func:`protect`, and their downgrades :func:`unprotect` before dropping it.
"""

from __future__ import annotations

from collections.abc import Callable


def sqlite_statements(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        for action in ("UPDATE", "DELETE")
    ]


def postgres_statements(table: str) -> list[str]:
    return [
        f"""CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION '{table} is append-only'; END $$""",
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
       FOR EACH ROW EXECUTE FUNCTION {table}_append_only()""",
        # TRUNCATE fires no row triggers; it has statement triggers of its own.
        f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
       FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()""",
    ]


def protect(execute: Callable[[str], object], dialect: str, table: str) -> None:
    """Make ``table`` append-only (``execute`` is the migration's ``op.execute``)."""
    statements = {"sqlite": sqlite_statements, "postgresql": postgres_statements}.get(dialect)
    for statement in statements(table) if statements else []:
        execute(statement)


def unprotect(execute: Callable[[str], object], dialect: str, table: str) -> None:
    """Drop what :func:`protect` made that dropping the table leaves behind (PostgreSQL's
    function); SQLite's triggers go with their table."""
    if dialect == "postgresql":
        execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
