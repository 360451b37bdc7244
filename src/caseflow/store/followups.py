"""Follow-up actions after a decision: rows in, records out, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select, tuple_, update
from sqlalchemy import case as when

from caseflow.errors import ErrorCode, NotFound
from caseflow.meetings.vocabulary import FollowupOwnerKind, FollowupStatus
from caseflow.store.tables import cases, followups
from caseflow.store.visibility import ReadScope, readable


@dataclass(frozen=True)
class FollowupRecord:
    id: int
    case_id: int
    journal_no: str
    case_title: str
    committee: str | None
    agenda_item_id: int | None
    description: str
    owner_kind: FollowupOwnerKind
    owner_code: str
    due: str  # as written
    due_at: datetime
    status: FollowupStatus
    created_at: datetime
    created_by: str
    done_at: datetime | None
    done_by: str | None
    note: str | None

    @property
    def owner(self) -> str:
        return f"{self.owner_kind}:{self.owner_code}"


def _record(row: Row[Any]) -> FollowupRecord:
    return FollowupRecord(
        id=row.id,
        case_id=row.case_id,
        journal_no=row.journal_no,
        case_title=row.title,
        committee=row.committee,
        agenda_item_id=row.agenda_item_id,
        description=row.description,
        owner_kind=FollowupOwnerKind(row.owner_kind),
        owner_code=row.owner_code,
        due=row.due,
        due_at=row.due_at,
        status=FollowupStatus(row.status),
        created_at=row.created_at,
        created_by=row.created_by,
        done_at=row.done_at,
        done_by=row.done_by,
        note=row.note,
    )


def _query() -> Any:
    return select(followups, cases.c.journal_no, cases.c.title, cases.c.committee).join(
        cases, cases.c.id == followups.c.case_id
    )


def insert_followup(
    conn: Connection,
    *,
    case_id: int,
    agenda_item_id: int | None,
    description: str,
    owner_kind: FollowupOwnerKind,
    owner_code: str,
    due: str,
    due_at: datetime,
    actor: str,
    now: datetime,
) -> int:
    result = conn.execute(
        insert(followups).values(
            case_id=case_id,
            agenda_item_id=agenda_item_id,
            description=description,
            owner_kind=owner_kind,
            owner_code=owner_code,
            due=due,
            due_at=due_at,
            status=FollowupStatus.OPEN,
            created_at=now,
            created_by=actor,
        )
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def get(conn: Connection, followup_id: int) -> FollowupRecord:
    row = conn.execute(_query().where(followups.c.id == followup_id)).first()
    if row is None:
        raise NotFound(
            f"no follow-up action {followup_id}",
            code=ErrorCode.UNKNOWN_FOLLOWUP,
            followup_id=followup_id,
        )
    return _record(row)


def _finished(table: Any) -> Any:
    """0 for an open action, 1 for one done or cancelled: the first sort key."""
    return when((table.c.status == FollowupStatus.OPEN.value, 0), else_=1)


def search(
    conn: Connection,
    *,
    statuses: Sequence[FollowupStatus] = (FollowupStatus.OPEN,),
    case_id: int | None = None,
    overdue_at: datetime | None = None,
    scope: ReadScope | None = None,
    limit: int | None = None,
    after: int | None = None,
) -> list[FollowupRecord]:
    """Follow-up actions, the open ones first (so the overdue ones lead), each part soonest
    due first (then by id): of the cases ``scope`` may see when given, ``limit`` of them
    after action ``after`` when given (a page, in SQL)."""
    query = _query().order_by(_finished(followups), followups.c.due_at, followups.c.id)
    if statuses:
        query = query.where(followups.c.status.in_(list(statuses)))
    if case_id is not None:
        query = query.where(followups.c.case_id == case_id)
    if overdue_at is not None:
        query = query.where(followups.c.due_at < overdue_at)
    if scope is not None:
        condition = readable(conn.dialect.name, scope)
        if condition is not None:
            query = query.where(condition)  # on the joined case
    if after is not None:
        last = followups.alias("last")
        rank, due = (
            select(column).where(last.c.id == after).scalar_subquery()
            for column in (_finished(last), last.c.due_at)
        )
        query = query.where(
            tuple_(_finished(followups), followups.c.due_at, followups.c.id)
            > tuple_(rank, due, after)
        )
    if limit is not None:
        query = query.limit(limit)
    return [_record(row) for row in conn.execute(query)]


def finish(
    conn: Connection,
    followup_id: int,
    status: FollowupStatus,
    actor: str,
    note: str | None,
    now: datetime,
) -> None:
    conn.execute(
        update(followups)
        .where(followups.c.id == followup_id)
        .values(status=status, done_at=now, done_by=actor, note=note)
    )
