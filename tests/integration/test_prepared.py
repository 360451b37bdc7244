"""Prepared statements write and read what SQLAlchemy itself would, on either database."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import (
    JSON,
    Column,
    Engine,
    Integer,
    MetaData,
    Table,
    Text,
    bindparam,
    insert,
    literal,
    select,
)

from caseflow.store.db import make_engine, write_transaction
from caseflow.store.prepared import prepared
from caseflow.store.types import UTCDateTime

metadata = MetaData()


def table(name: str) -> Table:
    return Table(
        name,
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("made_at", UTCDateTime, nullable=False),
        Column("due_at", UTCDateTime, nullable=True),
        Column("data", JSON, nullable=False),
        Column("text_data", JSON, nullable=False),
        Column("note", Text, nullable=True),
    )


ours, theirs = table("ours"), table("theirs")  # written prepared, and by SQLAlchemy
NAMES = ("id", "made_at", "due_at", "data", "text_data", "note")
# The statement's parameters in another order than the rows give them.
INSERT = insert(ours).values({name: bindparam(name) for name in reversed(NAMES)})
SELECT = select(ours).order_by(ours.c.id)
NOW = datetime(2009, 5, 14, 8, 30, tzinfo=UTC)
IN_COPENHAGEN = timezone(timedelta(hours=2))


@pytest.fixture
def db(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    metadata.create_all(engine)
    yield engine
    engine.dispose()


def write_both(db: Engine, rows: Sequence[tuple[Any, ...]]) -> None:
    """``rows`` prepared into ``ours`` (text_data as JSON text), and by SQLAlchemy into
    ``theirs`` (text_data decoded)."""
    with write_transaction(db) as conn:
        count = prepared(conn, INSERT).execute_many(conn, NAMES, rows, raw=("text_data",))
        assert count == len(rows)
        conn.execute(
            insert(theirs),
            [
                dict(zip(NAMES, row, strict=True)) | {"text_data": json.loads(row[4])}
                for row in rows
            ],
        )


def read(db: Engine, which: Table) -> list[tuple[Any, ...]]:
    with db.connect() as conn:
        return [tuple(row) for row in conn.execute(select(which).order_by(which.c.id))]


def test_a_batch_is_stored_as_sqlalchemy_stores_it(db: Engine) -> None:
    """A moment shared by every row, moments that differ (one given in another zone),
    None, and JSON values that compare equal but are not the same (1, 1.0, True)."""
    rows = [
        (1, NOW, NOW + timedelta(days=1), 1, '{"raw": 1}', "first"),
        (2, NOW, None, 1.0, '{"raw": 2}', None),
        (3, NOW, NOW.astimezone(IN_COPENHAGEN), True, "[]", "third"),
        (4, NOW, NOW + timedelta(days=1), {"nested": [1, "ø"]}, "{}", "fourth"),
        (5, NOW, NOW, [1.5, None, False], '"text"', ""),
    ]
    write_both(db, rows)
    assert read(db, ours) == read(db, theirs)
    assert [type(row[3]) for row in read(db, ours)] == [type(r[3]) for r in read(db, theirs)]
    assert [row[:3] for row in read(db, ours)] == [
        (1, NOW, NOW + timedelta(days=1)),
        (2, NOW, None),
        (3, NOW, NOW),
        (4, NOW, NOW + timedelta(days=1)),
        (5, NOW, NOW),
    ]


def test_a_prepared_query_reads_what_sqlalchemy_reads(db: Engine) -> None:
    rows = [
        (1, NOW, None, 1, "[]", None),
        (2, NOW, NOW, {"a": [1, 2]}, '{"b": true}', "x"),
        (3, NOW, None, 2.5, "7", None),
    ]
    write_both(db, rows)
    with db.connect() as conn:
        fast = prepared(conn, SELECT, list(ours.columns)).all(conn, {})
        slow = [tuple(row) for row in conn.execute(SELECT)]
    assert [tuple(row) for row in fast] == slow


def test_times_that_differ_in_each_row(db: Engine) -> None:
    rows = [(i, NOW + timedelta(minutes=i), None, [], "[]", None) for i in range(3)]
    with write_transaction(db) as conn:
        prepared(conn, INSERT).execute_many(conn, NAMES, rows[:1], raw=("text_data",))
        prepared(conn, INSERT).execute_many(conn, NAMES, rows[1:], raw=("text_data",))
    assert [row[1] for row in read(db, ours)] == [NOW + timedelta(minutes=i) for i in range(3)]


def test_a_naive_time_is_refused(db: Engine) -> None:
    rows = [(1, NOW.replace(tzinfo=None), None, [], "[]", None)]
    with pytest.raises(ValueError, match="naive datetime"), write_transaction(db) as conn:
        prepared(conn, INSERT).execute_many(conn, NAMES, rows, raw=("text_data",))
    assert read(db, ours) == []


def test_json_values_that_compare_equal_stay_apart(db: Engine) -> None:
    """1, 1.0 and True are equal in Python, but each is stored as itself."""
    rows = [(i, NOW, None, value, "[]", None) for i, value in enumerate((True, 1, 1.0, True))]
    write_both(db, rows)
    assert read(db, ours) == read(db, theirs)
    assert [type(row[3]) for row in read(db, ours)] == [type(r[3]) for r in read(db, theirs)]


def test_values_the_statement_carries_itself_are_bound_in_every_row(db: Engine) -> None:
    """A literal in the statement is a parameter with a value (as SQLite's OFFSET 0)."""
    statement = insert(ours).values(
        {name: bindparam(name) for name in NAMES if name != "note"} | {"note": literal("kept")}
    )
    rows = [(i, NOW, None, [], "[]") for i in range(2)]
    with write_transaction(db) as conn:
        prepared(conn, statement).execute_many(conn, NAMES[:-1], rows, raw=("text_data",))
    assert [row[-1] for row in read(db, ours)] == ["kept", "kept"]
