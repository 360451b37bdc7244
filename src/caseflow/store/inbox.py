"""The inbox's queries: one page of a reader's cases, with each case's next deadline.

Every tab is a condition on ``cases`` (and on the earliest live deadline of each
case), combined with what the reader may see (:func:`caseflow.store.visibility.readable`),
ordered by a key with the id as tie-break and paged by keyset: the database
never hands over more than a page, however many cases there are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    tuple_,
)

from caseflow.store.deadlines import IS_LIVE, LIVE
from caseflow.store.tables import cases, deadlines
from caseflow.store.types import UTCDateTime
from caseflow.store.visibility import ReadScope, participates, readable

# The earliest due date of a case's open deadlines (a paused one has no due date that
# runs), looked up per case shown through the partial index on its live deadlines
# (IS_LIVE is that index's condition in literals, so SQLite may use it).
_OPEN = deadlines.c.status == literal_column("'open'")
_next_due = (
    select(func.min(deadlines.c.due_at))
    .where(
        deadlines.c.case_id == cases.c.id,
        IS_LIVE,
        _OPEN,
    )
    .correlate(cases)
    .scalar_subquery()
    .label("due_at")
)

COUNT_CAP = 1000
"""A tab counts its cases up to this many ("1000+"): a count never reads a whole table."""


class Order(StrEnum):
    NEWEST = "newest"  # opened most recently first
    UPDATED = "updated"  # changed most recently first
    DUE = "due"  # earliest deadline first; cases with none last


@dataclass(frozen=True)
class Where:
    """A tab and its filters; every field narrows the list, None or empty leaves it."""

    officer: str | None = None  # assigned to this case officer
    administrations: frozenset[str] = frozenset()  # led by or involving one of these
    # Waiting for a role: (workflow id, states owned by the role, the grant's scope).
    waiting: Sequence[tuple[str, Sequence[str], ReadScope]] = ()
    not_officer: str | None = None  # not assigned to this case officer
    due_before: datetime | None = None  # a live deadline due before this moment
    due_from: datetime | None = None  # ... and not before this one
    state: str | None = None
    committee: str | None = None
    workflow_id: str | None = None


@dataclass(frozen=True)
class InboxRecord:
    id: int
    journal_no: str
    title: str
    workflow_id: str
    workflow_version: str
    state: str
    committee: str | None
    case_officer: str | None
    lead_administration: str | None
    created_at: datetime
    updated_at: datetime
    next_due: datetime | None


def _conditions(dialect: str, scope: ReadScope, where: Where) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    visible = readable(dialect, scope)
    if visible is not None:
        found.append(visible)
    if where.officer is not None:
        found.append(cases.c.case_officer == where.officer)
    if where.not_officer is not None:
        found.append(or_(cases.c.case_officer.is_(None), cases.c.case_officer != where.not_officer))
    if where.administrations:
        codes = sorted(where.administrations)
        found.append(or_(cases.c.lead_administration.in_(codes), participates(dialect, codes)))
    if where.waiting:
        options: list[ColumnElement[bool]] = []
        for workflow_id, states, grant_scope in where.waiting:
            option = and_(cases.c.workflow_id == workflow_id, cases.c.state.in_(list(states)))
            in_scope = readable(dialect, grant_scope)
            options.append(option if in_scope is None else and_(option, in_scope))
        found.append(or_(false(), *options))
    if where.due_before is not None or where.due_from is not None:
        # Cases with an open deadline in the window, found from the deadlines' side.
        due = select(deadlines.c.case_id).where(_OPEN)
        if where.due_before is not None:
            due = due.where(deadlines.c.due_at < where.due_before)
        if where.due_from is not None:
            due = due.where(deadlines.c.due_at >= where.due_from)
        found.append(cases.c.id.in_(due))
    if where.state:
        found.append(cases.c.state == where.state)
    if where.committee:
        found.append(cases.c.committee == where.committee)
    if where.workflow_id:
        found.append(cases.c.workflow_id == where.workflow_id)
    return found


def _base(columns: Sequence[Any], where: Where, dialect: str, scope: ReadScope) -> Select[Any]:
    return select(*columns).select_from(cases).where(*_conditions(dialect, scope, where))


def count(conn: Connection, scope: ReadScope, where: Where, cap: int = COUNT_CAP) -> int:
    """How many cases match, up to ``cap + 1`` (more than ``cap``: "cap+")."""
    matching = _base([cases.c.id], where, conn.dialect.name, scope).limit(cap + 1).subquery()
    return int(conn.execute(select(func.count()).select_from(matching)).scalar_one())


_TIME = UTCDateTime()

# A cursor is the sort key of the last row shown and its id: (key, id).
Cursor = tuple[datetime | None, int]


_COLUMNS = (
    cases.c.id,
    cases.c.journal_no,
    cases.c.title,
    cases.c.workflow_id,
    cases.c.workflow_version,
    cases.c.state,
    cases.c.committee,
    cases.c.case_officer,
    cases.c.lead_administration,
    cases.c.created_at,
    cases.c.updated_at,
)


def page(
    conn: Connection,
    scope: ReadScope,
    where: Where,
    order: Order,
    after: Cursor | None,
    limit: int,
) -> list[InboxRecord]:
    """Up to ``limit`` rows after ``after`` in ``order``."""
    if order is Order.DUE:
        return _by_due(conn, scope, where, after, limit)
    query = _base([*_COLUMNS, _next_due], where, conn.dialect.name, scope)
    if order is Order.NEWEST:
        query = query.order_by(cases.c.id.desc())
        if after is not None:
            query = query.where(cases.c.id < after[1])
    else:
        query = query.order_by(cases.c.updated_at.desc(), cases.c.id.desc())
        if after is not None and after[0] is not None:
            query = query.where(
                tuple_(cases.c.updated_at, cases.c.id) < tuple_(literal(after[0], _TIME), after[1])
            )
    return [_record(row) for row in conn.execute(query.limit(limit))]


def _by_due(
    conn: Connection, scope: ReadScope, where: Where, after: Cursor | None, limit: int
) -> list[InboxRecord]:
    """Earliest deadline first, then the cases with none (by id).

    In two reads rather than one ordered by a per-case subquery. The first walks the
    open deadlines in due order (the partial index ``ix_deadlines_open_due``), keeps
    each case's earliest one (no earlier open deadline of the same case) and stops at
    the page's end: a tab of 100,000 cases reads about a page of deadlines, never
    groups them all."""
    found: list[InboxRecord] = []
    conditions = _conditions(conn.dialect.name, scope, where)
    if after is None or after[0] is not None:
        earlier = deadlines.alias("earlier")
        has_earlier = select(earlier.c.id).where(
            earlier.c.case_id == deadlines.c.case_id,
            # The live-case index's condition, so the probe is an index search per case.
            earlier.c.status.in_([literal_column(f"'{status}'") for status in LIVE]),
            earlier.c.status == literal_column("'open'"),
            or_(
                earlier.c.due_at < deadlines.c.due_at,
                and_(earlier.c.due_at == deadlines.c.due_at, earlier.c.id < deadlines.c.id),
            ),
        )
        query = (
            select(*_COLUMNS, deadlines.c.due_at)
            .select_from(deadlines.join(cases, deadlines.c.case_id == cases.c.id))
            .where(_OPEN, ~has_earlier.exists(), *conditions)
            .order_by(deadlines.c.due_at, deadlines.c.case_id)
        )
        if after is not None:
            query = query.where(
                tuple_(deadlines.c.due_at, deadlines.c.case_id)
                > tuple_(literal(after[0], _TIME), after[1])
            )
        found = [_record(row) for row in conn.execute(query.limit(limit))]
    if len(found) < limit and where.due_before is None and where.due_from is None:
        has_open = select(deadlines.c.case_id).where(deadlines.c.case_id == cases.c.id, _OPEN)
        rest = (
            select(*_COLUMNS, literal(None, _TIME).label("due_at"))
            .where(~has_open.exists(), *conditions)
            .order_by(cases.c.id)
        )
        if after is not None and after[0] is None:
            rest = rest.where(cases.c.id > after[1])
        found += [_record(row) for row in conn.execute(rest.limit(limit - len(found)))]
    return found


def _record(row: Any) -> InboxRecord:
    return InboxRecord(
        id=row.id,
        journal_no=row.journal_no,
        title=row.title,
        workflow_id=row.workflow_id,
        workflow_version=row.workflow_version,
        state=row.state,
        committee=row.committee,
        case_officer=row.case_officer,
        lead_administration=row.lead_administration,
        created_at=row.created_at,
        updated_at=row.updated_at,
        next_due=row.due_at,
    )
