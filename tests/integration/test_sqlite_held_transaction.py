"""SQLite write transactions begun and committed on the driver, and the page size of a
new database (caseflow.store.db). Each test uses a SQLite file of its own, whichever
database the suite runs on."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from caseflow.engine import Engine
from caseflow.store.db import SQLITE_PAGE_SIZE
from caseflow.testing import make_test_engine, open_test_case


def _scratch_engine(path: Path) -> Engine:
    engine = make_test_engine(f"sqlite:///{path}", load_demo_organisation=False)
    with engine.db.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE scratch (x INTEGER)")
    return engine


def _values(path: Path) -> list[int]:
    with sqlite3.connect(path) as other:  # another connection: only what was committed
        return [x for (x,) in other.execute("SELECT x FROM scratch ORDER BY x")]


def test_driver_writes_and_sqlalchemy_statements_commit_together(tmp_path: Path) -> None:
    engine = _scratch_engine(tmp_path / "t.db")
    with engine.transaction() as conn:
        driver = conn.connection.driver_connection
        assert driver is not None
        driver.execute("INSERT INTO scratch VALUES (1)")
        conn.execute(text("INSERT INTO scratch VALUES (2)"))  # autobegins SQLAlchemy's
        with conn.begin_nested():
            conn.execute(text("INSERT INTO scratch VALUES (3)"))
    with engine.transaction() as conn:
        driver = conn.connection.driver_connection
        assert driver is not None
        driver.execute("INSERT INTO scratch VALUES (4)")  # no SQLAlchemy statement at all
    assert _values(tmp_path / "t.db") == [1, 2, 3, 4]
    engine.close()


def test_an_error_rolls_back_both_kinds_of_write(tmp_path: Path) -> None:
    engine = _scratch_engine(tmp_path / "t.db")

    def half_way() -> None:
        with engine.transaction() as conn:
            driver = conn.connection.driver_connection
            assert driver is not None
            driver.execute("INSERT INTO scratch VALUES (1)")
            conn.execute(text("INSERT INTO scratch VALUES (2)"))
            raise RuntimeError("half-way")

    with pytest.raises(RuntimeError, match="half-way"):
        half_way()
    assert _values(tmp_path / "t.db") == []
    with engine.transaction() as conn:  # the next transaction starts clean
        conn.execute(text("INSERT INTO scratch VALUES (5)"))
    assert _values(tmp_path / "t.db") == [5]
    engine.close()


def test_a_new_database_gets_the_small_page_and_fires_on_it(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    engine = make_test_engine(f"sqlite:///{path}")
    journal_no = open_test_case(engine)
    engine.fire(journal_no, "start_drafting", engine.actor("bif.sagsbehandler"))
    engine.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA page_size").fetchone() == (SQLITE_PAGE_SIZE,)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_an_existing_database_keeps_its_page_size(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:  # made before: SQLite's default page
        conn.execute("PRAGMA page_size=4096")
        conn.execute("CREATE TABLE made_before (x INTEGER)")
    engine = make_test_engine(f"sqlite:///{path}")
    journal_no = open_test_case(engine)
    assert engine.get_case(journal_no).state
    engine.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA page_size").fetchone() == (4096,)
