"""Connecting to the database and opening transactions.

SQLite is the embedded default: WAL so that readers never wait for the writer,
``synchronous=FULL`` so that a committed fire survives a power cut, and
``BEGIN IMMEDIATE`` for write transactions so that two writers queue up
instead of failing half-way with "database is locked". PostgreSQL needs none of
this: its row locks and the version check in UPDATE do the work.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, RootTransaction, create_engine, event
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from caseflow.errors import DatabaseNotReady, ErrorCode, InvalidInput
from caseflow.store import jsontext
from caseflow.store.db_errors import translate

_WRITE = "caseflow_write"
SQLITE_BUSY_TIMEOUT_S = 5.0
"""How long a writer waits for another process's write lock before it says "busy"
(CASEFLOW_BUSY_TIMEOUT): long enough for any one transaction of ours, short enough
that a person at the terminal is told rather than left waiting."""
# SQLite's page cache per connection, at most (filled only as pages are read). Its
# default, 2 MB, makes a worker's batch of a thousand deadlines read the same
# case, audit and outbox index pages from the OS again and again.
SQLITE_CACHE_KIB = 64 * 1024
# The page size of a new SQLite database. A fire changes a row or an index entry on
# about sixteen pages (the case, its audit row, its deadlines, an outbox row, and
# their indexes), and each changed page goes to the WAL whole and is fsync'd with the
# commit: at 2 KiB a fire writes half the bytes it would at SQLite's default 4 KiB,
# and commits about a quarter faster (bench/fires.py, the replay). A database keeps
# the page size it was created with.
SQLITE_PAGE_SIZE = 2048
SQLITE_NEEDED = (3, 35)
_BUSY_SECONDS: weakref.WeakKeyDictionary[Engine, float] = (
    weakref.WeakKeyDictionary()
)  # RETURNING, ALTER TABLE ... DROP COLUMN


def make_engine(
    url: str, *, busy_timeout: float = SQLITE_BUSY_TIMEOUT_S, create: bool = True
) -> Engine:
    """Create the SQLAlchemy engine for ``url`` with caseflow's connection rules.

    ``create=False`` refuses a SQLite file that does not exist yet rather than leaving
    an empty one behind (a read command run in the wrong folder); ``caseflow init``
    creates. A file's troubles (busy, read-only, full, not a database) are raised as
    our errors, naming the path and the cause (:mod:`caseflow.store.db_errors`).
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise InvalidInput(
            f"database URL {url!r} is not valid; use a file path, sqlite:///PATH "
            "or postgresql+psycopg://USER@HOST/DB"
        ) from exc
    try:
        if parsed.get_backend_name() == "sqlite":
            _require_sqlite(SQLITE_NEEDED)
            if not create:
                _require_file(parsed.database)
            engine = create_engine(
                parsed,
                connect_args={"timeout": busy_timeout},
                json_serializer=jsontext.dumps,
                json_deserializer=jsontext.loads,
            )
            _configure_sqlite(engine)
            _translate_errors(engine, busy_timeout)
            return engine
        engine = create_engine(parsed, pool_pre_ping=True)
        if engine.dialect.name == "postgresql":
            from caseflow.store import tables  # (its PostgreSQL options name the dialect)

            tables.partial_indexes_on_postgresql()
        _translate_errors(engine, busy_timeout)
        return engine
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        raise InvalidInput(
            f"no database driver for {parsed.drivername!r}: {exc}; for PostgreSQL install "
            "psycopg (pip install 'psycopg[binary]') and use postgresql+psycopg://"
        ) from exc


def _require_sqlite(needed: tuple[int, int]) -> None:
    """Refuse an SQLite older than ``needed``: the dispatcher's claim is an UPDATE ...
    RETURNING, and migration 0006 drops a column in place (both SQLite 3.35)."""
    if sqlite3.sqlite_version_info[:2] < needed:
        raise InvalidInput(
            f"caseflow needs SQLite {needed[0]}.{needed[1]} or newer, and this Python's "
            f"sqlite3 module has {sqlite3.sqlite_version}; use a Python built with a newer "
            "SQLite (python.org's builds and Debian 12 have one), or PostgreSQL"
        )


def _require_file(database: str | None) -> None:
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if not path.exists():
        raise DatabaseNotReady(
            f"there is no caseflow database at {path}",
            code=ErrorCode.NO_DATABASE,
            path=str(path),
        )


def _translate_errors(engine: Engine, busy_seconds: float) -> None:
    """Raise a SQLite file's troubles as our errors, wherever a statement ran."""
    path = engine.url.database
    _BUSY_SECONDS[engine] = busy_seconds

    @event.listens_for(engine, "handle_error")
    def _on_error(context: ExceptionContext) -> None:
        translated = translate(context.original_exception, path, busy_seconds)
        if translated is not None:
            raise translated from context.original_exception


@contextmanager
def translated_errors(engine: Engine) -> Iterator[None]:
    """Our error for a SQLite driver error raised in the block: statements run by the
    prepared path (:mod:`caseflow.store.prepared`) and the BEGIN do not pass the
    engine's hook."""
    try:
        yield
    except (DBAPIError, sqlite3.Error) as exc:
        seconds = _BUSY_SECONDS.get(engine, SQLITE_BUSY_TIMEOUT_S)
        # The BEGIN of a write transaction runs in an event hook, whose driver error
        # SQLAlchemy passes on unwrapped.
        orig = exc.orig if isinstance(exc, DBAPIError) else exc
        if engine.dialect.name != "sqlite":
            raise
        translated = translate(orig, engine.url.database, seconds)
        if translated is None:
            raise
        raise translated from exc


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Let us issue BEGIN ourselves (pysqlite's own BEGIN is always DEFERRED).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA page_size={SQLITE_PAGE_SIZE}")  # only a new, empty file's
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        dbapi = connection.connection.driver_connection
        assert dbapi is not None
        if dbapi.in_transaction:  # begun by HeldWriteConnection on the driver itself
            return
        immediate = connection.get_execution_options().get(_WRITE, False)
        dbapi.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One write transaction: committed when the block ends, rolled back on any error."""
    with translated_errors(engine), engine.connect() as conn:
        conn = conn.execution_options(**{_WRITE: True})
        with conn.begin():
            yield conn


class HeldWriteConnection:
    """Write transactions on one connection kept per thread.

    Checking a connection out of the pool and back costs more than the three
    statements of a fire; an engine that fires many times keeps one per thread.
    After any error the connection is closed and the next transaction starts on
    a fresh one, so a broken connection (a restarted server) is never reused.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._local = threading.local()
        self._sqlite = engine.dialect.name == "sqlite"

    def connection(self) -> Connection:
        """This thread's connection, opened afresh if there is none or it broke."""
        conn: Connection | None = getattr(self._local, "conn", None)
        if conn is None or conn.closed or conn.invalidated:
            conn = self.engine.connect().execution_options(**{_WRITE: True})
            self._local.conn = conn
        return conn

    def discard(self, conn: Connection) -> None:
        """After an error: close ``conn``; this thread's next transaction opens another."""
        if getattr(self._local, "conn", None) is conn:
            self._local.conn = None
        conn.close()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        with translated_errors(self.engine):
            conn = self.connection()
            if self._sqlite:
                with self._on_driver(conn):
                    yield conn
                return
            try:
                with conn.begin():
                    yield conn
            except BaseException:
                self.discard(conn)
                raise

    @contextmanager
    def _on_driver(self, conn: Connection) -> Iterator[None]:
        """SQLite: BEGIN IMMEDIATE and COMMIT on the driver connection itself.

        SQLAlchemy's transaction object, its events and its bookkeeping cost a fire
        about as much as two of its statements; the fire's own statements run on the
        driver's cursor anyway (:mod:`caseflow.store.prepared`). A SQLAlchemy
        statement inside the block autobegins SQLAlchemy's transaction on top of ours
        (the begin hook sees the driver's and issues nothing), and that one is
        committed through SQLAlchemy, which commits the driver's.
        """
        driver = conn.connection.driver_connection
        assert driver is not None
        driver.execute("BEGIN IMMEDIATE")
        try:
            yield
            if conn.in_transaction():
                conn.commit()
            else:
                driver.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(Exception):
                driver.rollback()
            self.discard(conn)
            raise

    def close(self) -> None:
        conn: Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


class CommitBehind:
    """Write transactions on a held connection whose commit runs on a thread of its own.

    A commit mostly waits for the disk (SQLite's fsync, PostgreSQL's WAL flush)
    and holds no GIL meanwhile: the deadline dispatcher plans its next batch in
    that time. Whatever comes next on the connection waits for the commit first
    (:meth:`wait`, and every :meth:`transaction`), and a failed commit raises
    there, so nothing after it runs as if it had succeeded.
    """

    def __init__(self, held: HeldWriteConnection) -> None:
        self.held = held
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="caseflow-commit")
        self._pending: tuple[Connection, Future[None]] | None = None

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A write transaction, rolled back on any error, else committed in the background."""
        self.wait()
        conn = self.held.connection()
        root = conn.begin()
        try:
            yield conn
        except BaseException:
            try:
                root.rollback()
            finally:
                self.held.discard(conn)
            raise
        self._pending = (conn, self._thread.submit(self._commit, root))

    def _commit(self, root: RootTransaction) -> None:
        """On the commit thread (the benchmark notes when each returns). A commit that
        fails is rolled back, as SQLAlchemy's ``with conn.begin()`` does: SQLite leaves
        the transaction open when its COMMIT is refused (a deferred constraint)."""
        try:
            root.commit()
        except BaseException:
            with contextlib.suppress(Exception):
                root.rollback()
            raise

    def wait(self) -> None:
        """Wait for the last transaction's commit; raise its error, if it failed."""
        pending, self._pending = self._pending, None
        if pending is None:
            return
        conn, commit = pending
        try:
            commit.result()
        except BaseException:
            self.held.discard(conn)
            raise

    def __enter__(self) -> CommitBehind:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.wait()
        finally:
            self._thread.shutdown()


@contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """A consistent read-only snapshot.

    SQLite's read transaction is one snapshot already. PostgreSQL's default (READ
    COMMITTED) takes a new snapshot per statement, so a fire committed between
    reading a case and reading its audit rows would show a chain that does not
    match its head; REPEATABLE READ gives the whole block one snapshot.
    """
    with translated_errors(engine), engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with conn.begin():
            yield conn
