"""A SQLite file's troubles become errors that name the path and the real cause."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from caseflow.errors import DatabaseBusy, DatabaseUnavailable, ErrorCode
from caseflow.store import db_errors
from caseflow.store.db_errors import translate


def _error(code: int, message: str) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError(message)
    error.sqlite_errorcode = code  # type: ignore[attr-defined]
    return error


def test_locked_is_busy_with_its_own_exit_code(tmp_path: Path) -> None:
    found = translate(_error(5, "database is locked"), str(tmp_path / "c.db"), 5)
    assert isinstance(found, DatabaseBusy)
    assert found.exit_code == 8
    assert "database busy (another process holds the write lock); try again" in str(found)


def test_a_full_disk_names_the_path(tmp_path: Path) -> None:
    path = str(tmp_path / "c.db")
    found = translate(_error(13, "database or disk is full"), path, 5)
    assert found is not None
    assert found.code is ErrorCode.DATABASE_DISK_FULL
    assert path in str(found)
    assert "full" in str(found)
    assert "server" not in str(found)


def test_a_read_only_filesystem_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Stats:
        f_flag = os.ST_RDONLY
        f_bavail = f_frsize = 1

    monkeypatch.setattr(db_errors.os, "statvfs", lambda _: Stats())
    found = translate(_error(8, "attempt to write a readonly database"), str(tmp_path / "c"), 5)
    assert found is not None
    assert found.code is ErrorCode.DATABASE_READ_ONLY
    assert "mounted read-only" in str(found)


def test_a_read_only_file_is_its_permissions(tmp_path: Path) -> None:
    """A real read-only connection (root ignores file modes, so mode=ro stands in)."""
    path = tmp_path / "c.db"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    path.chmod(0o444)
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as raised:
        connection.execute("INSERT INTO t VALUES (1)")
    found = translate(raised.value, str(path), 5)
    assert isinstance(found, DatabaseUnavailable)
    assert found.code is ErrorCode.DATABASE_READ_ONLY
    assert str(path) in str(found)
    if os.geteuid() != 0:
        assert "permissions" in str(found)


def test_not_a_database_and_cannot_open_name_the_path(tmp_path: Path) -> None:
    garbage = tmp_path / "x.db"
    garbage.write_bytes(b"not sqlite at all" * 100)
    with pytest.raises(sqlite3.DatabaseError) as raised:
        sqlite3.connect(garbage).execute("SELECT * FROM sqlite_master")
    found = translate(raised.value, str(garbage), 5)
    assert found is not None
    assert found.code is ErrorCode.NOT_A_DATABASE
    assert str(garbage) in str(found)
    missing = tmp_path / "no" / "such" / "x.db"
    with pytest.raises(sqlite3.OperationalError) as raised:
        sqlite3.connect(missing)
    found = translate(raised.value, str(missing), 5)
    assert found is not None
    assert found.code is ErrorCode.DATABASE_CANNOT_OPEN
    assert f"the folder {missing.parent} does not exist" in str(found)


def test_a_mistake_of_ours_is_left_alone() -> None:
    assert translate(sqlite3.IntegrityError("UNIQUE constraint failed"), "x", 5) is None
    assert translate(_error(1, "no such table: cases"), "x", 5) is None
    assert translate(ValueError("x"), "x", 5) is None
