"""Statements compiled once and run on the DBAPI cursor of the current transaction.

A fire is a handful of statements (the case, its live deadlines and the
organisation's change counter read; deadlines closed and created, the outbox rows,
the case and its audit row written), and the deadline dispatcher runs a few per
batch of thousands; SQLAlchemy's per-execution bookkeeping (events, execution
context, result set-up) costs several times what SQLite needs to run them. For
those, and only those, we let SQLAlchemy compile the SQL and give us its type
processors once per dialect, then execute on the driver cursor that the
SQLAlchemy transaction already holds: same connection, same transaction, bound
parameters, the same conversions, a fraction of the overhead.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import JSON, ColumnElement, Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.types import TypeEngine

from caseflow.store.types import UTCDateTime

Processor = Callable[[Any], Any]


class Prepared:
    """One statement compiled for one dialect, with its bind and result processors."""

    def __init__(
        self, statement: ClauseElement, dialect: Dialect, columns: Sequence[ColumnElement[Any]] = ()
    ) -> None:
        compiled = statement.compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler)
        self.sql = str(compiled)
        self.positional = bool(compiled.positional)
        self.order: Sequence[str] = tuple(compiled.positiontup or ())
        self.bind_processors: dict[str, Processor] = {}
        # Values the statement carries itself (SQLite's "OFFSET ?" after a LIMIT, say).
        self.defaults = {
            name: bind.effective_value
            for bind, name in compiled.bind_names.items()
            if not bind.required and bind.effective_value is not None
        }
        # Parameters of a time type: a batch's rows often share one (its "now").
        self.moments = frozenset(
            name for name, bind in compiled.binds.items() if _holds_times(bind.type)
        )
        for name, bind in compiled.binds.items():
            processor = bind.type._cached_bind_processor(dialect)
            if processor is not None:
                self.bind_processors[name] = processor
        # Each positional parameter with its processor (None: taken as given), in order.
        self._plan = tuple((name, self.bind_processors.get(name)) for name in self.order)
        self._processed_columns: list[tuple[int, Processor]] = []
        for index, column in enumerate(columns):
            result_processor = _result_processor(column, dialect)
            if result_processor is not None:
                self._processed_columns.append((index, result_processor))

    def _arguments(self, params: Mapping[str, Any], raw: Collection[str] = ()) -> Any:
        if self.positional and not raw and not self.defaults:  # a fire's every statement
            return [params[name] if f is None else f(params[name]) for name, f in self._plan]
        processors = self.bind_processors
        if raw:  # given in the driver's form already (JSON as text, say)
            processors = {n: f for n, f in processors.items() if n not in raw}
        if self.defaults:
            params = {**self.defaults, **params}
        if self.positional:
            return [
                processors[name](params[name]) if name in processors else params[name]
                for name in self.order
            ]
        return {
            name: (processors[name](value) if name in processors else value)
            for name, value in params.items()
        }

    def execute(
        self, conn: Connection, params: Mapping[str, Any], *, raw: Collection[str] = ()
    ) -> Any:
        """Run the statement; returns the DBAPI cursor (for rowcount, lastrowid and rows).

        ``raw`` names parameters given in the driver's form already (as in
        :meth:`execute_many`). A driver error is raised as SQLAlchemy would raise it
        (``IntegrityError``, ``OperationalError``...), and a lost connection is
        invalidated, so callers handle one family of errors whichever path a statement
        took.
        """
        dbapi = conn.connection.dbapi_connection
        assert dbapi is not None
        cursor = dbapi.cursor()
        arguments = self._arguments(params, raw)
        try:
            cursor.execute(self.sql, arguments)
        except conn.dialect.loaded_dbapi.Error as exc:
            raise self._wrap(conn, dbapi, cursor, arguments, exc) from exc
        return cursor

    def write(
        self,
        conn: Connection,
        params: Mapping[str, Any],
        *,
        raw: Collection[str] = (),
        then: Callable[[Any], None] | None = None,
    ) -> None:
        """Run a write whose rows nobody reads back; ``then`` gets its cursor (to check
        its rowcount, say) once it has run.

        Inside :func:`deferred_writes` on PostgreSQL the write is only queued: the
        block's writes go to the server together at its end, and ``then`` runs there.
        """
        deferred: _Deferred | None = conn.info.get(_DEFERRED)
        if deferred is not None:
            deferred.writes.append((self, self._arguments(params, raw), then))
            return
        cursor = self.execute(conn, params, raw=raw)
        try:
            if then is not None:
                then(cursor)
        finally:
            cursor.close()

    def execute_many(
        self,
        conn: Connection,
        names: Sequence[str],
        rows: Sequence[Sequence[Any]],
        *,
        raw: Collection[str] = (),
    ) -> int:
        """Run the statement once per row (the driver's executemany); each row holds the
        values of the parameters ``names``, in that order.

        ``raw`` names parameters given in the driver's form already (JSON as text,
        say), which skip their type's processing. A datetime shared by many rows (a
        batch's "now") is converted once. Returns the number of rows the statement
        affected over all sets (sqlite3 and psycopg both sum it); errors are raised
        as :meth:`execute` raises them.
        """
        if not rows:
            return 0
        dbapi = conn.connection.dbapi_connection
        assert dbapi is not None
        cursor = dbapi.cursor()
        arguments = self._many_arguments(names, rows, frozenset(raw))
        try:
            cursor.executemany(self.sql, arguments)
        except conn.dialect.loaded_dbapi.Error as exc:
            raise self._wrap(conn, dbapi, cursor, arguments, exc) from exc
        count = int(cursor.rowcount)
        cursor.close()
        return count

    def _many_arguments(
        self, names: Sequence[str], rows: Sequence[Sequence[Any]], raw: frozenset[str]
    ) -> Any:
        converters = _converters(self.bind_processors, self.moments, raw)
        if self.defaults:  # the statement's own values, as if every row gave them
            names = (*names, *self.defaults)
            rows = [(*row, *self.defaults.values()) for row in rows]
        if not self.positional:
            convert = [(i, n, converters.get(n)) for i, n in enumerate(names)]
            return [
                {n: (row[i] if f is None else f(row[i])) for i, n, f in convert} for row in rows
            ]
        indexes = [names.index(name) for name in self.order]
        return _in_order(rows, indexes, self.order, converters, self.moments)

    def _wrap(
        self, conn: Connection, dbapi: Any, cursor: Any, arguments: Any, exc: Exception
    ) -> Exception:
        dialect = conn.dialect
        lost = dialect.is_disconnect(cast(Any, exc), dbapi, cursor)
        with contextlib.suppress(Exception):
            cursor.close()
        if lost:
            conn.invalidate(exc)
        return DBAPIError.instance(
            self.sql,
            arguments,
            exc,
            dialect.loaded_dbapi.Error,
            hide_parameters=conn.engine.hide_parameters,
            connection_invalidated=lost,
            dialect=dialect,
        )

    def all(self, conn: Connection, params: Mapping[str, Any]) -> list[Sequence[Any]]:
        """Run a query and return its rows, with result types processed."""
        cursor = self.execute(conn, params)
        rows: list[Sequence[Any]] = cursor.fetchall()
        cursor.close()
        if self._processed_columns:
            processed = self._processed_columns
            rows = [list(row) for row in rows]
            for row in rows:
                for index, processor in processed:
                    row[index] = processor(row[index])  # type: ignore[index]
        return rows

    def first(self, conn: Connection, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """Run a query and return its first row, with result types processed."""
        cursor = self.execute(conn, params)
        row = cursor.fetchone()
        cursor.close()
        if row is None:
            return None
        values = list(row)
        for index, processor in self._processed_columns:
            values[index] = processor(values[index])
        return tuple(values)


_cache: dict[tuple[ClauseElement, str, str, str | None], Prepared] = {}


def _result_processor(column: ColumnElement[Any], dialect: Dialect) -> Processor | None:
    """The column type's result processor; on SQLite, for JSON the deserializer itself and
    for a UTC time the parse itself.

    SQLAlchemy's processors on SQLite are three Python calls deep around the one that
    does the work, and the deadline dispatcher reads thousands of JSON values and
    times a second, a fire a dozen.
    """
    processor = column.type._cached_result_processor(dialect, None)
    if processor is None or dialect.name != "sqlite":
        return processor
    if isinstance(column.type, UTCDateTime):
        return _sqlite_moment(processor)
    if not isinstance(column.type, JSON):
        return processor
    loads: Processor = getattr(dialect, "_json_deserializer", None) or json.loads

    def json_value(value: Any) -> Any:
        # SQLite gives a number stored as JSON back as a number (NUMERIC affinity).
        return loads(value) if type(value) is str else value

    return json_value


def _sqlite_moment(processor: Processor) -> Processor:
    """UTCDateTime's result processor on SQLite (its ISO text as an aware UTC datetime),
    with the common case inline; anything else goes to the type's own."""
    parse = datetime.fromisoformat

    def moment(value: Any) -> Any:
        if type(value) is str:
            return parse(value).replace(tzinfo=UTC)
        return processor(value)

    return moment


def _holds_times(kind: TypeEngine[Any]) -> bool:
    try:
        return issubclass(kind.python_type, datetime)
    except NotImplementedError:
        return False


def _converters(
    processors: Mapping[str, Processor], moments: frozenset[str], raw: frozenset[str]
) -> dict[str, Processor]:
    """The bind processors of the parameters not given ``raw``; a time shared by many
    rows (a batch's "now") is converted once."""

    def once(processor: Processor) -> Processor:
        converted: dict[datetime, Any] = {}

        def one(value: Any) -> Any:
            try:
                return converted[value]
            except KeyError:
                found = converted[value] = processor(value)
                return found
            except TypeError:  # not hashable: not a time; let the processor say so
                return processor(value)

        return one

    return {
        name: once(processor) if name in moments else processor
        for name, processor in processors.items()
        if name not in raw
    }


def _in_order(
    rows: Sequence[Sequence[Any]],
    indexes: Sequence[int],
    order: Sequence[str],
    converters: Mapping[str, Processor],
    moments: frozenset[str],
) -> list[tuple[Any, ...]]:
    """Each row's values in statement order (``indexes`` into the row), converted.

    Column by column: transposing and zipping back are C loops, so only the values
    with a processor (times, JSON) cost a Python call each, and a time column that
    holds one moment in every row (a batch's "now") is converted once.
    """
    columns = list(zip(*rows, strict=True))
    ordered: list[Sequence[Any]] = []
    for index, name in zip(indexes, order, strict=True):
        column = columns[index]
        convert = converters.get(name)
        if convert is not None:
            first = column[0]
            if name in moments and column.count(first) == len(column):
                column = (convert(first),) * len(column)
            else:
                column = tuple(map(convert, column))
        ordered.append(column)
    return list(zip(*ordered, strict=True))


def prepared(
    conn: Connection, statement: ClauseElement, columns: Sequence[ColumnElement[Any]] = ()
) -> Prepared:
    """The prepared form of a long-lived statement for this connection's dialect.

    ``columns`` are the selected columns, in order, for a query.
    """
    dialect = conn.dialect
    key = (statement, dialect.name, dialect.driver, dialect.paramstyle)
    found = _cache.get(key)
    if found is None:
        found = _cache[key] = Prepared(statement, dialect, columns)
    return found


# -- writes sent together (PostgreSQL) ------------------------------------------------------

_DEFERRED = "caseflow_deferred_writes"


class _Deferred:
    """The writes :meth:`Prepared.write` queued on one connection, in order."""

    def __init__(self) -> None:
        self.writes: list[tuple[Prepared, Any, Callable[[Any], None] | None]] = []


@contextlib.contextmanager
def deferred_writes(conn: Connection) -> Iterator[None]:
    """On PostgreSQL, send the block's :meth:`Prepared.write` writes together when it
    ends, in psycopg's pipeline mode: one round trip for all of them, not one each.

    A fire's writes (deadlines, outbox rows, the case, its audit row) wait for no
    result but the case's row count, which is checked when they have run. Nothing
    inside reads what a queued write wrote (the writes of SQLAlchemy statements run
    at once, as before), and on an error in the block the queued writes are never
    sent: the caller rolls the transaction back. Elsewhere, and nested, a no-op.
    """
    if conn.dialect.name != "postgresql" or _DEFERRED in conn.info or not _pipelines():
        yield
        return
    deferred = conn.info[_DEFERRED] = _Deferred()
    try:
        yield
    finally:
        del conn.info[_DEFERRED]
    _send(conn, deferred)


def flush_deferred(conn: Connection) -> None:
    """Send the writes queued so far on ``conn`` now, for the rare reader inside a
    :func:`deferred_writes` block that must see them (the fristbrev reads the deadline
    its fire has just written); a no-op when nothing is queued."""
    deferred: _Deferred | None = conn.info.get(_DEFERRED)
    if deferred is None or not deferred.writes:
        return
    queued = _Deferred()
    queued.writes, deferred.writes = deferred.writes, []
    _send(conn, queued)


def deferring(conn: Connection) -> bool:
    """Whether :meth:`Prepared.write` only queues on ``conn`` now (see :func:`deferred_writes`)."""
    return _DEFERRED in conn.info


def _pipelines() -> bool:
    import psycopg  # PostgreSQL only: the driver is an optional dependency

    return bool(psycopg.Pipeline.is_supported())


def _send(conn: Connection, deferred: _Deferred) -> None:
    """Run the queued writes in one pipeline, then each one's ``then``, in order."""
    if not deferred.writes:
        return
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    cursors: list[tuple[Any, Prepared, Any, Callable[[Any], None] | None]] = []
    current: tuple[Any, Prepared, Any] | None = None
    try:
        with dbapi.pipeline():
            for statement, arguments, then in deferred.writes:
                cursor = dbapi.cursor()
                current = (cursor, statement, arguments)
                cursor.execute(statement.sql, arguments)
                cursors.append((cursor, statement, arguments, then))
            current = None
    except conn.dialect.loaded_dbapi.Error as exc:
        # Raised at the pipeline's end: which statement failed is not known, so the
        # error names the last one queued (or the one whose queueing failed).
        cursor, statement, arguments = current or cursors[-1][:3]
        raise statement._wrap(conn, dbapi, cursor, arguments, exc) from exc
    for cursor, _, _, then in cursors:
        try:
            if then is not None:
                then(cursor)
        finally:
            cursor.close()
