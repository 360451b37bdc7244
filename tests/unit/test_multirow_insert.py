"""The PostgreSQL form of a many-row INSERT: its SQL and arguments (no database)."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import psycopg

from caseflow.store import outbox
from caseflow.store.prepared import MultiRowInsert


def statement() -> MultiRowInsert:
    return MultiRowInsert(outbox._insert_new("postgresql"), psycopg.dialect())


def test_the_statement_repeats_its_values_row_and_keeps_on_conflict() -> None:
    insert = statement()
    rows = [[f"k{n}", n, "t", "da", "[]", "{}", "now", "now"] for n in range(3)]
    [(sql, arguments, many)] = insert.statements(rows)
    assert not many
    assert sql.count("'pending', 0,") == 3
    assert sql.endswith("ON CONFLICT (key) DO NOTHING")
    assert "RETURNING" not in sql
    assert sql.count("%s") == len(arguments) == 3 * 8
    assert arguments[:2] == ["k0", 0] and arguments[8:10] == ["k1", 1]


def test_rows_are_split_into_chunks_within_the_parameter_limit() -> None:
    insert = statement()
    rows = [[f"k{n}", n, "t", "da", "[]", "{}", "now", "now"] for n in range(insert.rows + 1)]
    chunks = insert.statements(rows)
    assert [len(args) // 8 for _, args, _ in chunks] == [insert.rows, 1]
    assert insert.rows * len(insert.order) <= MultiRowInsert.MAX_PARAMETERS
    assert [args[0] for _, args, _ in chunks] == ["k0", f"k{insert.rows}"]
