"""What a SQLite failure means, in our errors: the one place they are translated.

SQLite answers a file problem with a terse message that names neither the file
nor the reason ("unable to open database file", "attempt to write a readonly
database"). :func:`translate` turns each into a :class:`DatabaseUnavailable`
(or :class:`DatabaseBusy`) that names the path and the real cause, found by
looking at the file, its folder and its filesystem. The engine's
``handle_error`` hook and the transaction helpers of :mod:`caseflow.store.db`
call it, so the CLI and the web app get the same answer. PostgreSQL errors are
left as they are: the server's own messages already say what is wrong.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from caseflow.errors import (
    CaseflowError,
    DatabaseBusy,
    DatabaseUnavailable,
    ErrorCode,
    InvalidInput,
)

BIGGEST = 2**63 - 1
"""The largest whole number a database column of ours holds (SQLite INTEGER, BIGINT)."""

# SQLite's primary result codes (the low byte of an extended code).
_BUSY, _LOCKED, _READONLY, _IOERR, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 10, 13, 14, 26


def translate(
    error: BaseException | None, path: str | None, busy_seconds: float
) -> CaseflowError | None:
    """Our error for a SQLite driver error on the database file ``path``; None if it is
    not one of the file's troubles (a constraint, a bad statement: the caller's bug).

    A number too large for any column (an id typed as 99999999999999999999999) is bad
    input, whichever query it reached: the driver refuses to bind it (OverflowError)."""
    if isinstance(error, OverflowError):
        return InvalidInput(
            f"a number given is larger than caseflow stores (at most {BIGGEST})",
            code=ErrorCode.NUMBER_OUT_OF_RANGE,
            what="number",
            most=BIGGEST,
        )
    if not isinstance(error, sqlite3.OperationalError | sqlite3.DatabaseError):
        return None
    if isinstance(error, sqlite3.IntegrityError | sqlite3.ProgrammingError):
        return None
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    where = path or "(in memory)"
    message = str(error)
    if code in (_BUSY, _LOCKED) or "database is locked" in message:
        return DatabaseBusy(
            "database busy (another process holds the write lock); try again "
            f"(waited {busy_seconds:g} s for {where})",
            path=where,
            seconds=busy_seconds,
        )
    if code == _NOTADB or "not a database" in message:
        return DatabaseUnavailable(
            f"{where} is not a caseflow database (SQLite cannot read it: {message})",
            code=ErrorCode.NOT_A_DATABASE,
            path=where,
        )
    if code == _FULL or (path and _free_bytes(path) == 0):
        return DatabaseUnavailable(
            f"the disk holding {where} is full; nothing was written (free some space)",
            code=ErrorCode.DATABASE_DISK_FULL,
            path=where,
        )
    if code == _READONLY or "readonly" in message:
        cause = _why_not_writable(path) or message
        return DatabaseUnavailable(
            f"cannot write to the database {where}: {cause}",
            code=ErrorCode.DATABASE_READ_ONLY,
            path=where,
            cause=cause,
        )
    if code == _CANTOPEN or "unable to open" in message:
        cause = _why_not_openable(path) or message
        return DatabaseUnavailable(
            f"cannot open the database {where}: {cause}",
            code=ErrorCode.DATABASE_CANNOT_OPEN,
            path=where,
            cause=cause,
        )
    if code == _IOERR:
        cause = _why_not_writable(path) or message
        return DatabaseUnavailable(
            f"the database {where} could not be read or written: {cause}",
            code=ErrorCode.DATABASE_ERROR,
            path=where,
            cause=cause,
        )
    return None


def _folder(path: str) -> Path:
    return Path(path).parent


def _read_only_filesystem(path: str) -> bool:
    try:
        return bool(os.statvfs(_folder(path)).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _free_bytes(path: str) -> int | None:
    try:
        stats = os.statvfs(_folder(path))
    except OSError:
        return None
    return stats.f_bavail * stats.f_frsize


def _why_not_writable(path: str | None) -> str | None:
    """The first reason a write to ``path`` fails: a read-only filesystem, the file's
    permissions, the folder's (SQLite writes its -wal and -shm files beside the file)."""
    if not path:
        return None
    folder = _folder(path)
    if _read_only_filesystem(path):
        return f"the filesystem holding {folder} is mounted read-only"
    if Path(path).exists() and not os.access(path, os.W_OK):
        return "the file is read-only for this user (its permissions)"
    if not os.access(folder, os.W_OK):
        return (
            f"the folder {folder} is not writable for this user, and SQLite keeps its "
            "-wal and -shm files beside the database"
        )
    for companion in (f"{path}-wal", f"{path}-shm"):
        if Path(companion).exists() and not os.access(companion, os.W_OK):
            return f"{companion} is read-only for this user"
    return None


def _why_not_openable(path: str | None) -> str | None:
    if not path:
        return None
    folder = _folder(path)
    if not folder.is_dir():
        return f"the folder {folder} does not exist"
    if Path(path).is_dir():
        return "it is a folder, not a file"
    if Path(path).exists() and not os.access(path, os.R_OK):
        return "the file is not readable for this user (its permissions)"
    return _why_not_writable(path)
