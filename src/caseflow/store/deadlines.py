"""Deadline rows: created, closed, paused and claimed inside the callers' transactions."""

from __future__ import annotations

import functools
import operator
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    Row,
    String,
    and_,
    bindparam,
    cast,
    func,
    insert,
    literal_column,
    null,
    or_,
    select,
    update,
)
from sqlalchemy.sql.dml import Update

from caseflow.deadlines.vocabulary import LIVE_STATUSES, DeadlineStatus
from caseflow.errors import Conflict
from caseflow.store import jsontext, leases, wakeups
from caseflow.store.prepared import prepared
from caseflow.store.tables import cases, deadline_explanations, deadlines
from caseflow.store.visibility import ReadScope, readable
from caseflow.store.wakeups import announce

LIVE = LIVE_STATUSES
# A status text as read, typed: a dict lookup, not DeadlineStatus(text) (the dispatcher
# reads thousands of rows a second).
_STATUS = {status.value: status for status in DeadlineStatus}
# Written as literals, not bound parameters: SQLite uses the partial index
# ix_deadlines_live_case only when it can prove the query's condition implies the
# index's at prepare time, and ``status IN (?, ?)`` proves nothing (the deadline
# hook's query on every fire would scan the whole table).
IS_LIVE = deadlines.c.status.in_([literal_column(f"'{status}'") for status in LIVE])


@dataclass(frozen=True)
class DeadlineRecord:
    """One deadline row."""

    id: int
    case_id: int
    rule_id: str
    generation: int
    status: DeadlineStatus
    started_at: datetime
    not_before: datetime | None
    due_at: datetime
    reminders_at: tuple[datetime, ...]
    reminders_sent: int
    next_action_at: datetime | None
    remaining_working_days: int | None
    attempts: int
    last_error: str | None
    closed_at: datetime | None


def _record(row: Row[Any]) -> DeadlineRecord:
    return DeadlineRecord(
        id=row.id,
        case_id=row.case_id,
        rule_id=row.rule_id,
        generation=row.generation,
        status=_STATUS[row.status],
        started_at=row.started_at,
        not_before=row.not_before,
        due_at=row.due_at,
        reminders_at=tuple(datetime.fromisoformat(t) for t in row.reminders_at),
        reminders_sent=row.reminders_sent,
        next_action_at=row.next_action_at,
        remaining_working_days=row.remaining_working_days,
        attempts=row.attempts,
        last_error=row.last_error,
        closed_at=row.closed_at,
    )


def next_action(
    reminders_at: Sequence[datetime], reminders_sent: int, due_at: datetime
) -> datetime:
    """The next moment the dispatcher has something to do: a reminder still due, or expiry."""
    for moment in reminders_at[reminders_sent:]:
        if moment < due_at:
            return moment
    return due_at


def create(
    conn: Connection,
    *,
    case_id: int,
    rule_id: str,
    generation: int,
    started_at: datetime,
    not_before: datetime | None,
    due_at: datetime,
    reminders_at: Sequence[datetime],
    explanation: Sequence[str],
    now: datetime,
) -> None:
    schedule = _schedule(due_at, reminders_at, now)
    params = {
        "case_id": case_id,
        "rule_id": rule_id,
        "generation": generation,
        "started_at": started_at,
        "not_before": not_before,
        "created_at": now,
        **schedule,
    }
    if conn.dialect.name == "postgresql":  # one round trip: both rows and the wake-up
        params["explanation"] = list(explanation)
        params["moment"] = wakeups.payload(schedule["next_action_at"])
        prepared(conn, _CREATE_ANNOUNCED).write(conn, params)
        return
    # SQLite: no RETURNING to fetch (the cursor knows the new rowid), no wake-up to
    # send (wakeups.announce), and the JSON of the reminders and the explanation, which
    # the fires of one rule and minute share, encoded once.
    params["reminders_at"] = json_of(params["reminders_at"])
    cursor = prepared(conn, _INSERT_CREATED).execute(conn, params, raw=_REMINDERS_RAW)
    deadline_id = cursor.lastrowid
    cursor.close()
    prepared(conn, _EXPLAIN).execute(
        conn, {"deadline_id": deadline_id, "explanation": json_of(explanation)}, raw=_EXPLAIN_RAW
    ).close()


_REMINDERS_RAW = ("reminders_at",)
_EXPLAIN_RAW = ("explanation",)
_ENCODED: dict[tuple[str, ...], str] = {}


def json_of(texts: Sequence[str]) -> str:
    """The JSON of a list of texts (a due date's explanation, a reminder list), encoded
    once per distinct list: the fires of one rule in one minute share it."""
    key = tuple(texts)
    found = _ENCODED.get(key)
    if found is None:
        if len(_ENCODED) >= 1024:
            _ENCODED.clear()
        found = _ENCODED[key] = jsontext.dumps(list(key))
    return found


# A fire creates deadlines through these, prepared once (see store/prepared.py).
_CREATED_COLUMNS = (
    "case_id",
    "rule_id",
    "generation",
    "started_at",
    "not_before",
    "created_at",
    "due_at",
    "reminders_at",
    "reminders_sent",
    "next_action_at",
)
_INSERT_CREATED = insert(deadlines).values(
    {name: bindparam(name, type_=deadlines.c[name].type) for name in _CREATED_COLUMNS}
    | {
        "status": literal_column(f"'{DeadlineStatus.OPEN}'"),
        "attempts": literal_column("0"),
    }
)
_CREATE = _INSERT_CREATED.returning(deadlines.c.id)
_EXPLAIN = insert(deadline_explanations).values(
    deadline_id=bindparam("deadline_id", type_=Integer),
    explanation=bindparam("explanation", type_=deadline_explanations.c.explanation.type),
)
# PostgreSQL: both rows in one statement (a data-modifying WITH), one round trip.
_CREATED = _CREATE.cte("created")
_CREATE_EXPLAINED = insert(deadline_explanations).from_select(
    ["deadline_id", "explanation"],
    select(
        _CREATED.c.id,
        cast(
            bindparam("explanation", type_=deadline_explanations.c.explanation.type),
            deadline_explanations.c.explanation.type,
        ),
    ),
)
_CREATE_ANNOUNCED = (
    select(func.pg_notify(wakeups.CHANNEL, bindparam("moment", type_=String)))
    .select_from(_CREATED)
    .add_cte(_CREATE_EXPLAINED.cte("explained"))
)


def _schedule(due_at: datetime, reminders_at: Sequence[datetime], now: datetime) -> dict[str, Any]:
    """The timing columns of a (re)started deadline.

    Reminders already in the past when it starts are not sent late.
    """
    sent = sum(1 for moment in reminders_at if moment <= now)
    return {
        "due_at": due_at,
        "reminders_at": [moment.isoformat() for moment in reminders_at],
        "reminders_sent": sent,
        "next_action_at": next_action(reminders_at, sent, due_at),
    }


def live_for_case(conn: Connection, case_id: int) -> list[DeadlineRecord]:
    """The case's open and paused deadlines, oldest first (prepared: every fire asks)."""
    rows = prepared(conn, _LIVE_FOR_CASE, _RECORD_COLUMNS).all(conn, {"case_id": case_id})
    return [_record_of(row) for row in rows]


_RECORD_COLUMNS = [deadlines.c[name] for name in DeadlineRecord.__dataclass_fields__]
_LIVE_FOR_CASE = (
    select(*_RECORD_COLUMNS)
    .where(deadlines.c.case_id == bindparam("case_id", type_=Integer), IS_LIVE)
    .order_by(deadlines.c.id)
)


def _record_of(row: Sequence[Any]) -> DeadlineRecord:
    """A row of ``_RECORD_COLUMNS`` as a DeadlineRecord, read by position."""
    values = list(row)
    values[4] = _STATUS[values[4]]  # status
    values[8] = tuple(datetime.fromisoformat(t) for t in values[8])  # reminders_at
    return DeadlineRecord(*values)


@dataclass(frozen=True, slots=True)
class LiveDeadline:
    """What the deadline hook needs of a case's live deadline to apply a fire to it."""

    id: int
    rule_id: str
    status: DeadlineStatus
    due_at: datetime
    remaining_working_days: int | None


def live_case_read(dialect: str) -> ColumnElement[Any]:
    """The case's live deadlines as one JSON value, correlated to the case row: read with
    the case in the fire's one query (the engine's ``case_reads``), not on their own.

    Oldest first, each ``[id, rule_id, status, due_at, remaining_working_days]``; served
    by ix_deadlines_live_case (a query plan test holds it). :func:`live_of_read` reads it.
    """
    return _live_read(postgresql=dialect == "postgresql")


@functools.cache  # one expression per dialect, built when a fire first reads it
def _live_read(postgresql: bool) -> ColumnElement[Any]:
    columns = [deadlines.c[name] for name in LiveDeadline.__dataclass_fields__]
    if postgresql:
        # The PostgreSQL dialect is imported on PostgreSQL only (see store.upsert).
        from sqlalchemy.dialects.postgresql import aggregate_order_by

        aggregate = func.json_agg(
            aggregate_order_by(func.json_build_array(*columns), deadlines.c.id)
        )
        found = select(aggregate).where(deadlines.c.case_id == cases.c.id, IS_LIVE)
    else:
        ordered = (
            select(*columns)
            .where(deadlines.c.case_id == cases.c.id, IS_LIVE)
            .order_by(deadlines.c.id)
            .correlate(cases)
            .subquery("live")
        )
        found = select(func.json_group_array(func.json_array(*ordered.c)))
    return found.correlate(cases).scalar_subquery()


def live_of_read(value: Any) -> list[LiveDeadline]:
    """The live deadlines of :func:`live_case_read`'s value (its JSON text, or what the
    driver parsed of it)."""
    if value is None:
        return []
    if isinstance(value, str):
        value = jsontext.loads(value)
    found = []
    for deadline_id, rule_id, status, due_at, remaining in value:
        due = datetime.fromisoformat(due_at)
        found.append(
            LiveDeadline(
                deadline_id,
                rule_id,
                _STATUS[status],
                due.replace(tzinfo=UTC) if due.tzinfo is None else due.astimezone(UTC),
                remaining,
            )
        )
    return found


def live_of_case(conn: Connection, case_id: int) -> list[LiveDeadline]:
    """:func:`live_for_case` as :class:`LiveDeadline` (a hook's event read without the
    engine's ``case_reads``)."""
    return [
        LiveDeadline(r.id, r.rule_id, r.status, r.due_at, r.remaining_working_days)
        for r in live_for_case(conn, case_id)
    ]


def for_case(conn: Connection, case_id: int) -> list[DeadlineRecord]:
    rows = conn.execute(
        select(deadlines).where(deadlines.c.case_id == case_id).order_by(deadlines.c.id)
    )
    return [_record(row) for row in rows]


def explanations(conn: Connection, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """How each deadline of ``ids`` had its due date computed, by deadline id."""
    if not ids:
        return {}
    query = select(deadline_explanations).where(deadline_explanations.c.deadline_id.in_(ids))
    return {row.deadline_id: tuple(row.explanation) for row in conn.execute(query)}


def get(conn: Connection, deadline_id: int) -> DeadlineRecord:
    return _record(conn.execute(select(deadlines).where(deadlines.c.id == deadline_id)).one())


def close(conn: Connection, deadline_id: int, status: DeadlineStatus, now: datetime) -> None:
    prepared(conn, _CLOSE).write(
        conn, {"deadline_id": deadline_id, "status": status, "closed_at": now}
    )


_CLOSE = (
    update(deadlines)
    .where(deadlines.c.id == bindparam("deadline_id", type_=Integer))
    .values(
        status=bindparam("status", type_=deadlines.c.status.type),
        next_action_at=null(),
        closed_at=bindparam("closed_at", type_=deadlines.c.closed_at.type),
        lease_owner=null(),
        lease_expires_at=null(),
    )
)


def pause(conn: Connection, deadline_id: int, remaining_working_days: int) -> None:
    conn.execute(
        update(deadlines)
        .where(deadlines.c.id == deadline_id)
        .values(
            status=DeadlineStatus.PAUSED,
            remaining_working_days=remaining_working_days,
            next_action_at=None,
        )
    )


def resume(
    conn: Connection,
    deadline_id: int,
    *,
    due_at: datetime,
    reminders_at: Sequence[datetime],
    explanation: Sequence[str],
    now: datetime,
) -> None:
    schedule = _schedule(due_at, reminders_at, now)
    conn.execute(
        update(deadlines)
        .where(deadlines.c.id == deadline_id)
        .values(status=DeadlineStatus.OPEN, remaining_working_days=None, **schedule)
    )
    conn.execute(
        update(deadline_explanations)
        .where(deadline_explanations.c.deadline_id == deadline_id)
        .values(explanation=list(explanation))
    )
    announce(conn, schedule["next_action_at"])


def advance(conn: Connection, record: DeadlineRecord | Due, reminders_sent: int) -> None:
    """After a reminder: count it and move the next action on."""
    conn.execute(
        update(deadlines)
        .where(deadlines.c.id == record.id)
        .values(
            reminders_sent=reminders_sent,
            next_action_at=next_action(record.reminders_at, reminders_sent, record.due_at),
            attempts=0,
            last_error=None,
            lease_owner=None,
            lease_expires_at=None,
        )
    )


@dataclass(slots=True)
class Due:
    """A claimed deadline as the dispatcher reads it: what applying it takes, no more.

    Slotted, not frozen: the deadline dispatcher builds thousands a second, and a
    frozen dataclass takes three times as long to build. Treat it as a value.
    """

    id: int
    case_id: int
    rule_id: str
    generation: int
    status: DeadlineStatus
    due_at: datetime
    reminders_at: tuple[datetime, ...]
    reminders_sent: int
    attempts: int
    last_error: str | None


_DUE_COLUMNS = [deadlines.c[name] for name in Due.__dataclass_fields__]


def claimed(conn: Connection, ids: Sequence[int], owner: str) -> list[Due]:
    """The rows of ``ids`` still open and leased to ``owner``, in ``ids`` order.

    A row missing here was ended by a transition meanwhile, or its lease ran out
    and another worker took it over: either way it is not ours to apply.
    """
    if not ids:
        return []
    query = select(*_DUE_COLUMNS).where(
        deadlines.c.id.in_(list(ids)),
        deadlines.c.status == DeadlineStatus.OPEN,
        deadlines.c.lease_owner == owner,
        deadlines.c.next_action_at.is_not(None),
    )
    found = {due.id: due for due in _dues(conn.execute(query))}
    return [found[i] for i in ids if i in found]


def _dues(rows: Iterable[Sequence[Any]]) -> Iterator[Due]:
    """Rows of ``_DUE_COLUMNS`` as Due, read by position (the dispatcher reads thousands
    a second, and looking columns up by name cost more than the query)."""
    for (
        deadline_id,
        case_id,
        rule_id,
        generation,
        status,
        due_at,
        reminders_at,
        reminders_sent,
        attempts,
        last_error,
    ) in rows:
        yield Due(
            id=deadline_id,
            case_id=case_id,
            rule_id=rule_id,
            generation=generation,
            status=_STATUS[status],
            due_at=due_at,
            reminders_at=tuple(map(datetime.fromisoformat, reminders_at)) if reminders_at else (),
            reminders_sent=reminders_sent,
            attempts=attempts,
            last_error=last_error,
        )


class LeaseLost(Conflict):
    """A claimed deadline was no longer this worker's to apply."""


@dataclass(slots=True)
class Applied:
    """A deadline row after the dispatcher applied it (a reminder, an expiry, stale).

    Slotted, not frozen: the deadline dispatcher builds thousands a second, and a
    frozen dataclass takes three times as long to build. Treat it as a value.
    """

    id: int
    status: DeadlineStatus
    reminders_sent: int
    next_action_at: datetime | None
    closed_at: datetime | None
    attempts: int
    last_error: str | None


_APPLY = (
    update(deadlines)
    .where(
        deadlines.c.id == bindparam("deadline_id"),
        deadlines.c.status == literal_column(f"'{DeadlineStatus.OPEN}'"),
        deadlines.c.lease_owner == bindparam("owner"),
    )
    .values(
        status=bindparam("status"),
        reminders_sent=bindparam("reminders_sent"),
        next_action_at=bindparam("next_action_at", type_=deadlines.c.next_action_at.type),
        closed_at=bindparam("closed_at", type_=deadlines.c.closed_at.type),
        attempts=bindparam("attempts"),
        last_error=bindparam("last_error", type_=deadlines.c.last_error.type),
        lease_owner=null(),
        lease_expires_at=null(),
    )
)


_APPLY_NAMES = (
    "deadline_id",
    "owner",
    "status",
    "reminders_sent",
    "next_action_at",
    "closed_at",
    "attempts",
    "last_error",
)


def apply_many(conn: Connection, applied: Sequence[Applied], owner: str) -> None:
    """Write applied deadlines in one executemany, if each is still open and ours.

    Raises :class:`LeaseLost` when one is not (ended or taken over meanwhile): the
    caller rolls back and applies the batch deadline by deadline.
    """
    count = prepared(conn, _APPLY).execute_many(
        conn,
        _APPLY_NAMES,
        [
            (
                a.id,
                owner,
                a.status,
                a.reminders_sent,
                a.next_action_at,
                a.closed_at,
                a.attempts,
                a.last_error,
            )
            for a in applied
        ],
    )
    if count != len(applied):
        raise LeaseLost(
            f"{len(applied) - count} of {len(applied)} deadlines were ended or taken over "
            "by another worker while this one applied them"
        )


def record_failure(conn: Connection, deadline_id: int, error: str, retry_at: datetime) -> None:
    conn.execute(
        update(deadlines)
        .where(deadlines.c.id == deadline_id)
        .values(
            attempts=deadlines.c.attempts + 1,
            last_error=error,
            next_action_at=retry_at,
            lease_owner=None,
            lease_expires_at=None,
        )
    )


def record_incident(conn: Connection, deadline_id: int, error: str) -> None:
    """Give up retrying: the deadline waits in status ``incident`` for a person."""
    conn.execute(
        update(deadlines)
        .where(deadlines.c.id == deadline_id)
        .values(
            status=DeadlineStatus.INCIDENT,
            attempts=deadlines.c.attempts + 1,
            last_error=error,
            next_action_at=None,
            lease_owner=None,
            lease_expires_at=None,
        )
    )


def incidents(conn: Connection) -> list[tuple[DeadlineRecord, str]]:
    """Deadlines in incident, with their case's journal number, oldest first."""
    query = (
        select(deadlines, cases.c.journal_no)
        .join(cases, cases.c.id == deadlines.c.case_id)
        .where(deadlines.c.status == DeadlineStatus.INCIDENT)
        .order_by(deadlines.c.id)
    )
    return [(_record(row), row.journal_no) for row in conn.execute(query)]


def reopen_incidents(
    conn: Connection, now: datetime, ids: Sequence[int] | None = None
) -> list[int]:
    """Put deadlines in incident (all, or those of ``ids``) back to work, due now."""
    query = select(deadlines.c.id).where(deadlines.c.status == DeadlineStatus.INCIDENT)
    if ids is not None:
        query = query.where(deadlines.c.id.in_(list(ids)))
    found = list(conn.execute(query).scalars())
    if found:
        conn.execute(
            update(deadlines)
            .where(deadlines.c.id.in_(found))
            .values(status=DeadlineStatus.OPEN, attempts=0, next_action_at=now)
        )
        announce(conn, now)
    return found


def extend_leases(
    conn: Connection, ids: Sequence[int], *, owner: str, lease_until: datetime
) -> int:
    """Keep holding claimed rows a while longer (still open and ours); returns how many."""
    return leases.extend(
        conn, deadlines, ids, waiting=DeadlineStatus.OPEN, owner=owner, lease_until=lease_until
    )


def claim_due(
    conn: Connection, *, now: datetime, owner: str, lease_until: datetime, limit: int
) -> list[Due]:
    """Lease up to ``limit`` open deadlines whose next action is due (the soonest), and
    return them in the order they were created.

    One statement: an UPDATE of the rows a subquery picks, returning them. On
    PostgreSQL the subquery locks them with SKIP LOCKED, so concurrent workers
    take different rows; SQLite serialises writers anyway (BEGIN IMMEDIATE).
    """
    statement = _CLAIM_SKIP_LOCKED if conn.dialect.name == "postgresql" else _CLAIM
    claimed = prepared(conn, statement, _DUE_COLUMNS).all(
        conn, {"now": now, "owner": owner, "lease_until": lease_until, "limit": limit}
    )
    return sorted(_dues(claimed), key=operator.attrgetter("id"))  # RETURNING keeps no order


def _claim_statement(*, skip_locked: bool) -> Update:
    now = bindparam("now", type_=deadlines.c.next_action_at.type)
    due = (
        select(deadlines.c.id)
        .where(
            deadlines.c.status == literal_column(f"'{DeadlineStatus.OPEN}'"),
            deadlines.c.next_action_at <= now,
            or_(deadlines.c.lease_expires_at.is_(None), deadlines.c.lease_expires_at < now),
        )
        .order_by(deadlines.c.next_action_at)
        .limit(bindparam("limit", type_=Integer))
    )
    if skip_locked:
        due = due.with_for_update(skip_locked=True)
    return (
        update(deadlines)
        .where(deadlines.c.id.in_(due.scalar_subquery()))
        .values(
            lease_owner=bindparam("owner"),
            lease_expires_at=bindparam("lease_until", type_=deadlines.c.lease_expires_at.type),
        )
        .returning(*_DUE_COLUMNS)
    )


# Prepared once (the dispatcher claims a batch per transaction, as it writes one).
_CLAIM = _claim_statement(skip_locked=False)
_CLAIM_SKIP_LOCKED = _claim_statement(skip_locked=True)


def next_due(conn: Connection) -> datetime | None:
    """The earliest next action of any open deadline (served by the partial index)."""
    value: datetime | None = conn.execute(
        select(func.min(deadlines.c.next_action_at)).where(
            deadlines.c.status == DeadlineStatus.OPEN
        )
    ).scalar()
    return value


def search(
    conn: Connection,
    *,
    statuses: Sequence[DeadlineStatus] = LIVE,
    committee: str | None = None,
    due_before: datetime | None = None,
    overdue_at: datetime | None = None,
) -> list[tuple[DeadlineRecord, str, str, str | None]]:
    """Deadlines with their case's journal number, title and committee, soonest first."""
    query = (
        select(deadlines, cases.c.journal_no, cases.c.title, cases.c.committee)
        .join(cases, cases.c.id == deadlines.c.case_id)
        .where(deadlines.c.status.in_(list(statuses)))
        .order_by(deadlines.c.due_at)
    )
    if committee:
        query = query.where(cases.c.committee == committee)
    if due_before is not None:
        query = query.where(deadlines.c.due_at <= due_before)
    if overdue_at is not None:
        query = query.where(deadlines.c.due_at < overdue_at)
    return [(_record(row), row.journal_no, row.title, row.committee) for row in conn.execute(query)]


Listed = tuple[DeadlineRecord, str, str, str | None]
"""A deadline with its case's journal number, title and committee."""


def search_page(
    conn: Connection,
    scope: ReadScope,
    *,
    limit: int,
    after: int | None = None,
    statuses: Sequence[DeadlineStatus] = LIVE,
    committee: str | None = None,
    due_before: datetime | None = None,
    overdue_at: datetime | None = None,
) -> list[Listed]:
    """:func:`search` of the cases ``scope`` may see, ``limit`` rows after the deadline
    ``after`` (soonest first, then by id), filtered in the database."""
    query = (
        select(deadlines, cases.c.journal_no, cases.c.title, cases.c.committee)
        .join(cases, cases.c.id == deadlines.c.case_id)
        .where(deadlines.c.status.in_(list(statuses)))
        .order_by(deadlines.c.due_at, deadlines.c.id)
        .limit(limit)
    )
    condition = readable(conn.dialect.name, scope)
    if condition is not None:
        query = query.where(condition)
    if committee:
        query = query.where(cases.c.committee == committee)
    if due_before is not None:
        query = query.where(deadlines.c.due_at <= due_before)
    if overdue_at is not None:
        query = query.where(deadlines.c.due_at < overdue_at)
    if after is not None:
        last = select(deadlines.c.due_at).where(deadlines.c.id == after).scalar_subquery()
        query = query.where(
            or_(
                deadlines.c.due_at > last,
                and_(deadlines.c.due_at == last, deadlines.c.id > after),
            )
        )
    return [(_record(row), row.journal_no, row.title, row.committee) for row in conn.execute(query)]


def incidents_of(
    conn: Connection, scope: ReadScope, *, limit: int | None = None, after: int | None = None
) -> list[tuple[DeadlineRecord, str]]:
    """:func:`incidents` of the cases ``scope`` may see; ``limit`` of them after deadline
    ``after`` when given."""
    query = (
        select(deadlines, cases.c.journal_no)
        .join(cases, cases.c.id == deadlines.c.case_id)
        .where(deadlines.c.status == DeadlineStatus.INCIDENT)
        .order_by(deadlines.c.id)
    )
    condition = readable(conn.dialect.name, scope)
    if condition is not None:
        query = query.where(condition)
    if after is not None:
        query = query.where(deadlines.c.id > after)
    if limit is not None:
        query = query.limit(limit)
    return [(_record(row), row.journal_no) for row in conn.execute(query)]
