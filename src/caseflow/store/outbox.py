"""The outbox: each notification once, under its idempotency key.

Rows are written in the same transaction as whatever caused them (a fire, a
deadline); the sender claims pending rows under a lease and records the outcome.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Insert,
    Row,
    and_,
    bindparam,
    func,
    literal_column,
    or_,
    select,
    update,
)

from caseflow.notifications.vocabulary import OutboxStatus
from caseflow.store import leases
from caseflow.store.prepared import prepared
from caseflow.store.tables import outbox
from caseflow.store.upsert import insert_for
from caseflow.store.visibility import ReadScope, readable_ids


@dataclass(frozen=True)
class OutboxRecord:
    id: int
    key: str
    case_id: int | None
    template: str
    language: str
    recipients: tuple[dict[str, str | None], ...]
    context: dict[str, Any]
    status: OutboxStatus
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


def _record(row: Row[Any]) -> OutboxRecord:
    return OutboxRecord(
        id=row.id,
        key=row.key,
        case_id=row.case_id,
        template=row.template,
        language=row.language,
        recipients=tuple(row.recipients),
        context=row.context,
        status=OutboxStatus(row.status),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        created_at=row.created_at,
        sent_at=row.sent_at,
    )


def enqueue(
    conn: Connection,
    *,
    key: str,
    case_id: int | None,
    template: str,
    language: str,
    recipients: Sequence[Mapping[str, str | None]],
    context: Mapping[str, Any],
    now: datetime,
) -> bool:
    """Add a notification unless one with ``key`` exists; returns True if added."""
    insert = insert_for(conn.dialect.name)
    statement = (
        insert(outbox)
        .values(
            key=key,
            case_id=case_id,
            template=template,
            language=language,
            recipients=[dict(r) for r in recipients],
            context=dict(context),
            status=OutboxStatus.PENDING,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=[outbox.c.key])
        .returning(outbox.c.id)  # rowcount is not reliable for this insert on every driver
    )
    return conn.execute(statement).first() is not None


@dataclass(slots=True)
class NewNotification:
    """An outbox row to add, under its idempotency key.

    ``recipients`` and ``context`` are given as JSON text (``json.dumps`` of what
    :func:`enqueue` takes): a batch shares most of it, so it is encoded once.
    Slotted, not frozen: the deadline dispatcher builds thousands a second, and a
    frozen dataclass takes three times as long to build. Treat it as a value.
    """

    key: str
    case_id: int | None
    template: str
    language: str
    recipients: str
    context: str


@functools.cache
def _insert_new(dialect: str) -> Insert:
    insert = insert_for(dialect)
    columns = ("key", "case_id", "template", "language", "recipients", "context")
    return (
        insert(outbox)
        .values(
            {name: bindparam(name) for name in columns}
            | {
                "status": literal_column(f"'{OutboxStatus.PENDING}'"),
                "attempts": literal_column("0"),
                "next_attempt_at": bindparam("now", type_=outbox.c.next_attempt_at.type),
                "created_at": bindparam("now", type_=outbox.c.created_at.type),
            }
        )
        .on_conflict_do_nothing(index_elements=[outbox.c.key])
    )


_NEW_RAW = ("recipients", "context")  # given as JSON text
_FEW = 4  # rows written one by one; more in one executemany


def enqueue_many(conn: Connection, rows: Sequence[NewNotification], now: datetime) -> None:
    """:func:`enqueue` for many rows in one executemany; a key already there is kept.

    A fire's few rows (its usual one recipient) are plain writes, sent with the fire's
    other writes on PostgreSQL (see :func:`~caseflow.store.prepared.deferred_writes`):
    the executemany's column-wise conversion costs more than it saves for a few rows."""
    statement = prepared(conn, _insert_new(conn.dialect.name))
    if len(rows) <= _FEW:
        for row in rows:
            values = {
                "key": row.key,
                "case_id": row.case_id,
                "template": row.template,
                "language": row.language,
                "recipients": row.recipients,
                "context": row.context,
                "now": now,
            }
            statement.write(conn, values, raw=_NEW_RAW)
        return
    statement.execute_many(
        conn,
        ("key", "case_id", "template", "language", "recipients", "context", "now"),
        [
            (row.key, row.case_id, row.template, row.language, row.recipients, row.context, now)
            for row in rows
        ],
        raw=_NEW_RAW,
    )


def claim(
    conn: Connection, *, now: datetime, owner: str, lease_until: datetime, limit: int
) -> list[OutboxRecord]:
    query = (
        select(outbox)
        .where(
            outbox.c.status == OutboxStatus.PENDING,
            outbox.c.next_attempt_at <= now,
            or_(outbox.c.lease_expires_at.is_(None), outbox.c.lease_expires_at < now),
        )
        .order_by(outbox.c.next_attempt_at)
        .limit(limit)
    )
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    records = [_record(row) for row in conn.execute(query)]
    if records:
        conn.execute(
            update(outbox)
            .where(outbox.c.id.in_([r.id for r in records]))
            .values(lease_owner=owner, lease_expires_at=lease_until)
        )
    return records


def extend_leases(
    conn: Connection, ids: Sequence[int], *, owner: str, lease_until: datetime
) -> int:
    """Keep holding claimed rows a while longer (still pending and ours); returns how many."""
    return leases.extend(
        conn, outbox, ids, waiting=OutboxStatus.PENDING, owner=owner, lease_until=lease_until
    )


def mark_sent(conn: Connection, record_id: int, now: datetime) -> None:
    conn.execute(
        update(outbox)
        .where(outbox.c.id == record_id)
        .values(
            status=OutboxStatus.SENT,
            sent_at=now,
            attempts=outbox.c.attempts + 1,
            last_error=None,
            lease_owner=None,
            lease_expires_at=None,
        )
    )


def mark_retry(conn: Connection, record_id: int, error: str, retry_at: datetime) -> None:
    conn.execute(
        update(outbox)
        .where(outbox.c.id == record_id)
        .values(
            attempts=outbox.c.attempts + 1,
            last_error=error,
            next_attempt_at=retry_at,
            lease_owner=None,
            lease_expires_at=None,
        )
    )


def mark_failed(conn: Connection, record_id: int, error: str) -> None:
    conn.execute(
        update(outbox)
        .where(outbox.c.id == record_id)
        .values(
            status=OutboxStatus.FAILED,
            attempts=outbox.c.attempts + 1,
            last_error=error,
            lease_owner=None,
            lease_expires_at=None,
        )
    )


def retry_failed(
    conn: Connection,
    now: datetime,
    keys: Sequence[str] | None = None,
    *,
    ids: Sequence[int] | None = None,
) -> int:
    """Put failed notifications (all, or those of ``keys`` / ``ids``) back in the queue."""
    statement = update(outbox).where(outbox.c.status == OutboxStatus.FAILED)
    if keys:
        statement = statement.where(outbox.c.key.in_(list(keys)))
    if ids is not None:
        statement = statement.where(outbox.c.id.in_(list(ids)))
    result = conn.execute(
        statement.values(status=OutboxStatus.PENDING, next_attempt_at=now, attempts=0)
    )
    return int(result.rowcount)


def search(
    conn: Connection, *, statuses: Sequence[OutboxStatus] = (), limit: int = 200, offset: int = 0
) -> list[OutboxRecord]:
    """Outbox rows, newest first: ``limit`` of them from the ``offset``-th on."""
    query = (
        select(outbox)
        .order_by(outbox.c.created_at.desc(), outbox.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    if statuses:
        query = query.where(outbox.c.status.in_(list(statuses)))
    return [_record(row) for row in conn.execute(query)]


def next_attempt(conn: Connection) -> datetime | None:
    value: datetime | None = conn.execute(
        select(func.min(outbox.c.next_attempt_at)).where(outbox.c.status == OutboxStatus.PENDING)
    ).scalar()
    return value


def search_page(
    conn: Connection,
    scope: ReadScope,
    *,
    limit: int,
    after: int | None = None,
    statuses: Sequence[OutboxStatus] = (),
) -> list[OutboxRecord]:
    """Outbox rows of the cases ``scope`` may see (rows of no case, such as digests, only
    for a scope of every case), newest first, ``limit`` of them after the row ``after``."""
    query = select(outbox).order_by(outbox.c.created_at.desc(), outbox.c.id.desc()).limit(limit)
    query = query.where(*_visible(conn, scope, statuses))
    if after is not None:
        last = select(outbox.c.created_at).where(outbox.c.id == after).scalar_subquery()
        query = query.where(
            or_(
                outbox.c.created_at < last,
                and_(outbox.c.created_at == last, outbox.c.id < after),
            )
        )
    return [_record(row) for row in conn.execute(query)]


def failed_page(
    conn: Connection, scope: ReadScope, *, limit: int, after: int | None = None
) -> list[OutboxRecord]:
    """Failed outbox rows of the cases ``scope`` may see (as :func:`search_page`), oldest
    first, ``limit`` of them after the row ``after``."""
    query = (
        select(outbox)
        .where(*_visible(conn, scope, [OutboxStatus.FAILED]))
        .order_by(outbox.c.created_at, outbox.c.id)
        .limit(limit)
    )
    if after is not None:
        last = outbox.alias("last")
        at = select(last.c.created_at).where(last.c.id == after).scalar_subquery()
        query = query.where(
            or_(outbox.c.created_at > at, and_(outbox.c.created_at == at, outbox.c.id > after))
        )
    return [_record(row) for row in conn.execute(query)]


def _visible(
    conn: Connection, scope: ReadScope, statuses: Sequence[OutboxStatus] = ()
) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    ids = readable_ids(conn.dialect.name, scope)
    if ids is not None:
        found.append(outbox.c.case_id.in_(ids))
    if statuses:
        found.append(outbox.c.status.in_(list(statuses)))
    return found


def statuses_of(conn: Connection, scope: ReadScope, keys: Sequence[str]) -> dict[str, OutboxStatus]:
    """The status of each of ``keys`` that exists and ``scope`` may see, by key."""
    if not keys:
        return {}
    query = select(outbox.c.key, outbox.c.status).where(
        outbox.c.key.in_(list(keys)), *_visible(conn, scope)
    )
    return {key: OutboxStatus(status) for key, status in conn.execute(query)}


def retry_visible(
    conn: Connection,
    now: datetime,
    scope: ReadScope,
    *,
    keys: Sequence[str] | None = None,
    ids: Sequence[int] | None = None,
) -> int:
    """:func:`retry_failed` of the rows ``scope`` may see (all failed, or of ``keys`` /
    ``ids``); returns how many were queued again."""
    statement = update(outbox).where(*_visible(conn, scope, [OutboxStatus.FAILED]))
    if keys is not None:
        statement = statement.where(outbox.c.key.in_(list(keys)))
    if ids is not None:
        statement = statement.where(outbox.c.id.in_(list(ids)))
    result = conn.execute(
        statement.values(status=OutboxStatus.PENDING, next_attempt_at=now, attempts=0)
    )
    return int(result.rowcount)


# --- input16: which reminders of a deadline were really sent -------------------------


def reminders_queued(conn: Connection, deadline_ids: Sequence[int]) -> dict[int, set[int]]:
    """Per deadline, the numbers of the reminders that were queued to someone (their
    keys: ``deadline:ID:reminder:N:ADDRESS``); a reminder counted but never queued (its
    date passed before the deadline began, or while no worker ran) is not among them."""
    found: dict[int, set[int]] = {}
    for deadline_id in deadline_ids:
        prefix = f"deadline:{deadline_id}:reminder:"
        keys = conn.execute(
            select(outbox.c.key).where(outbox.c.key.startswith(prefix, autoescape=True))
        ).scalars()
        for key in keys:
            number = key[len(prefix) :].split(":", 1)[0]
            if number.isdigit():
                found.setdefault(deadline_id, set()).add(int(number))
    return found


# --- cli16: why nothing was sent ------------------------------------------------------------


def held_by_others(
    conn: Connection, *, now: datetime, owner: str
) -> list[tuple[str, int, datetime]]:
    """Pending notifications due at ``now`` that another worker's lease holds: per
    holder, how many and until when (the latest of their leases)."""
    query = (
        select(outbox.c.lease_owner, func.count(), func.max(outbox.c.lease_expires_at))
        .where(
            outbox.c.status == OutboxStatus.PENDING,
            outbox.c.next_attempt_at <= now,
            outbox.c.lease_expires_at >= now,
            outbox.c.lease_owner != owner,
        )
        .group_by(outbox.c.lease_owner)
        .order_by(outbox.c.lease_owner)
    )
    return [(str(holder), int(count), until) for holder, count, until in conn.execute(query)]
