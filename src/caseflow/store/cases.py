"""Reading and writing case rows.

The update is conditional on the version the engine read (optimistic locking):
if another transaction got there first, no row matches and the caller is told.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections import namedtuple
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    Select,
    Text,
    Update,
    and_,
    bindparam,
    cast,
    false,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from caseflow.domain import Attachment, AuditEntry, Case, CaseHead, Origin
from caseflow.errors import Conflict, ErrorCode, InvalidInput, NotFound
from caseflow.store import audit
from caseflow.store.prepared import deferring, prepared
from caseflow.store.tables import cases
from caseflow.store.visibility import ReadScope, readable

_BY_JOURNAL_NO = select(cases).where(cases.c.journal_no == bindparam("journal_no"))
_CASE_COLUMNS = list(cases.columns)
CaseRow = namedtuple("CaseRow", [column.name for column in cases.columns])  # type: ignore[misc]


def row_to_case(row: Row[Any] | Any) -> Case:
    """A Case from a row; the row's lists and mappings are fresh, so they are not copied."""
    return Case(
        id=row.id,
        journal_no=row.journal_no,
        title=row.title,
        workflow_id=row.workflow_id,
        workflow_version=row.workflow_version,
        state=row.state,
        version=row.version,
        origin=Origin.from_json(row.origin),
        lead_administration=row.lead_administration,
        participating_administrations=row.participating_administrations,
        committee=row.committee,
        summary=row.summary,
        recommendations=row.recommendations,
        sections=row.sections,
        attachments=[Attachment(a["number"], a["title"]) for a in row.attachments],
        fields=row.fields,
        case_officer=row.case_officer,
        created_at=row.created_at,
        updated_at=row.updated_at,
        state_entered_at=row.state_entered_at,
        state_generation=row.state_generation,
        audit_head=row.audit_head,
    )


_COLUMN_VALUE: dict[str, Callable[[Case], Any]] = {
    "title": lambda c: c.title,
    "state": lambda c: c.state,
    "lead_administration": lambda c: c.lead_administration,
    "participating_administrations": lambda c: list(c.participating_administrations),
    "committee": lambda c: c.committee,
    "summary": lambda c: c.summary,
    "recommendations": lambda c: list(c.recommendations),
    "sections": lambda c: dict(c.sections),
    "attachments": lambda c: [a.to_json() for a in c.attachments],
    "fields": lambda c: dict(c.fields),
    "case_officer": lambda c: c.case_officer,
}


def case_to_values(case: Case, only: Collection[str] | None = None) -> dict[str, Any]:
    """Column values of the attributes a user or a transition can change (or ``only`` some)."""
    names = _COLUMN_VALUE if only is None else only
    return {name: _COLUMN_VALUE[name](case) for name in names}


def get(conn: Connection, journal_no: str) -> Case:
    query = prepared(conn, _BY_JOURNAL_NO, _CASE_COLUMNS)
    values = query.first(conn, {"journal_no": journal_no})
    if values is None:
        raise NotFound(
            f"no case with journal number {journal_no!r}",
            code=ErrorCode.UNKNOWN_CASE,
            journal_no=journal_no,
        )
    return row_to_case(CaseRow._make(values))


CaseReads = tuple[tuple[str, ColumnElement[Any]], ...]
"""Values read with a case in its one query: (name, a scalar subquery correlated to the
case row) each, such as its live deadlines (see ``Engine.case_reads``)."""


def get_with(conn: Connection, journal_no: str, reads: CaseReads) -> tuple[Case, dict[str, Any]]:
    """:func:`get`, and the values of ``reads`` by name, in one query."""
    if not reads:
        return get(conn, journal_no), {}
    columns = [*_CASE_COLUMNS, *(value for _, value in reads)]
    query = prepared(conn, _read_with(reads), columns)
    values = query.first(conn, {"journal_no": journal_no})
    if values is None:
        raise NotFound(
            f"no case with journal number {journal_no!r}",
            code=ErrorCode.UNKNOWN_CASE,
            journal_no=journal_no,
        )
    width = len(_CASE_COLUMNS)
    extra = {name: value for (name, _), value in zip(reads, values[width:], strict=True)}
    return row_to_case(CaseRow._make(values[:width])), extra


def _read_with(reads: CaseReads) -> Select[Any]:
    """The query of :func:`get_with`: built and prepared once per set of reads (by
    identity: SQL expressions compare into SQL, not into a bool)."""
    key = tuple((name, id(value)) for name, value in reads)
    found = _READS_WITH.get(key)
    if found is None:
        query = select(
            cases, *(value.label(f"read_{i}") for i, (_, value) in enumerate(reads))
        ).where(cases.c.journal_no == bindparam("journal_no"))
        found = _READS_WITH[key] = (reads, query)  # the reads kept: their ids stay theirs
    return found[1]


_READS_WITH: dict[tuple[tuple[str, int], ...], tuple[CaseReads, Select[Any]]] = {}


def get_by_id(conn: Connection, case_id: int) -> Case:
    row = conn.execute(select(cases).where(cases.c.id == case_id)).one()
    return row_to_case(row)


_HEAD_NAMES = tuple(f.name for f in dataclasses.fields(CaseHead))  # read in this order
_HEAD_COLUMNS = [cases.c[name] for name in _HEAD_NAMES]


def heads(conn: Connection, case_ids: Collection[int]) -> dict[int, CaseHead]:
    """Cases by id in one query, without their texts: for readers of many cases at once.

    Rows are read by position: the deadline dispatcher reads thousands a second, and
    looking columns up by name cost more than the query.
    """
    if not case_ids:
        return {}
    ids = sorted(case_ids)
    size = 1 << max(3, (len(ids) - 1).bit_length())  # a few statement sizes, each prepared once
    query = prepared(conn, _heads_query(size), _HEAD_COLUMNS)
    last = len(ids) - 1
    rows = query.all(conn, {f"id{i}": ids[min(i, last)] for i in range(size)})
    found = {}
    for (
        case_id,
        journal_no,
        title,
        workflow_id,
        workflow_version,
        state,
        version,
        lead_administration,
        participating_administrations,
        committee,
        fields,
        case_officer,
        state_generation,
        audit_head,
    ) in rows:
        found[case_id] = CaseHead(
            case_id,
            journal_no,
            title,
            workflow_id,
            workflow_version,
            state,
            version,
            lead_administration,
            tuple(participating_administrations),
            committee,
            fields,
            case_officer,
            state_generation,
            audit_head,
        )
    return found


@functools.cache
def _heads_query(size: int) -> Select[Any]:
    """The query of :func:`heads` for up to ``size`` ids (the last one repeated to fill it)."""
    ids = [bindparam(f"id{i}", type_=cases.c.id.type) for i in range(size)]
    return select(*_HEAD_COLUMNS).where(cases.c.id.in_(ids))


def insert_case(conn: Connection, case: Case) -> int:
    values = case_to_values(case) | {
        "journal_no": case.journal_no,
        "workflow_id": case.workflow_id,
        "workflow_version": case.workflow_version,
        "version": case.version,
        "origin": case.origin.to_json(),
        "created_at": case.created_at,
        "updated_at": case.updated_at,
        "state_entered_at": case.state_entered_at or case.created_at,
        "state_generation": case.state_generation,
        "audit_head": case.audit_head,
    }
    try:
        with conn.begin_nested():
            result = conn.execute(insert(cases).values(values))
    except IntegrityError as exc:
        raise InvalidInput(
            f"journal number {case.journal_no} is already taken; "
            "leave it out to get the next free one"
        ) from exc
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def save(
    conn: Connection,
    case: Case,
    expected_version: int,
    changed: Mapping[str, Any],
    *,
    entry: AuditEntry | None = None,
) -> None:
    """Write ``changed`` columns and bookkeeping if nobody wrote since ``expected_version``,
    and ``entry``, the audit row of that write, if given.

    Among writes sent together (PostgreSQL, :func:`~caseflow.store.prepared.deferred_writes`)
    the two are one statement, the audit row inserted only if the case's row was
    written: a fire that lost the race to another never gets as far as its audit row's
    sequence number, which the winner took, and is told it is stale."""
    values = dict(changed)
    values["version"] = case.version
    values["updated_at"] = case.updated_at
    values["audit_head"] = case.audit_head
    if case.state_entered_at is not None:
        values["state_entered_at"] = case.state_entered_at
        values["state_generation"] = case.state_generation
    statement = _update_statement(frozenset(values))
    params = {f"new_{name}": value for name, value in values.items()}
    params["case_id"] = case.id
    params["expected_version"] = expected_version

    def check(cursor: Any) -> None:
        if cursor.rowcount != 1:
            raise stale_version(case, expected_version)

    # Checked when it has run: at once, or with a fire's other writes on PostgreSQL.
    if entry is not None and deferring(conn):
        audit.append_after(conn, statement, params, case.id, entry, then=check)
        return
    prepared(conn, statement).write(conn, params, then=check)
    if entry is not None:
        audit.append(conn, case.id, entry)


CaseWrite = tuple[CaseHead, int, str, Mapping[str, Any]]
"""What :func:`save_many` writes of one case: the case as read, its new version and audit
head, and the values of the other columns that changed."""


def save_many(conn: Connection, writes: Sequence[CaseWrite], updated_at: datetime) -> None:
    """:func:`save` for many cases read as heads (:func:`heads`), all updated at
    ``updated_at``; each is written only if still at the version it was read at.

    One executemany per set of changed columns. If any case was written by someone
    else meanwhile, raises Conflict and the caller rolls back (and retries each case
    on its own to find which).
    """
    groups: dict[frozenset[str], tuple[tuple[str, ...], list[tuple[Any, ...]]]] = {}
    first: dict[frozenset[str], tuple[CaseHead, int]] = {}
    for case, version, audit_head, changed in writes:
        shape = frozenset(changed)
        group = groups.get(shape)
        if group is None:
            group = groups[shape] = (tuple(sorted(shape)), [])
            first[shape] = (case, version)
        names, rows = group
        rows.append(
            (
                case.id,
                case.version,
                version,
                updated_at,
                audit_head,
                *[changed[name] for name in names],
            )
        )
    for shape, (names, rows) in groups.items():
        statement = prepared(conn, _update_statement(shape | _BOOKKEEPING))
        parameters = (*_LEADING_PARAMETERS, *(f"new_{name}" for name in names))
        updated = statement.execute_many(conn, parameters, rows)
        if updated != len(rows):
            case, version = first[shape]
            raise stale_version(dataclasses.replace(case, version=version), case.version)


# What every row of save_many starts with: which case, the version read, the bookkeeping.
_BOOKKEEPING = frozenset(("version", "updated_at", "audit_head"))
_LEADING_PARAMETERS = (
    "case_id",
    "expected_version",
    "new_version",
    "new_updated_at",
    "new_audit_head",
)


@functools.cache
def _update_statement(columns: frozenset[str]) -> Update:
    """One prepared UPDATE per set of columns: built and compiled once, not per fire."""
    return (
        update(cases)
        .where(cases.c.id == bindparam("case_id"), cases.c.version == bindparam("expected_version"))
        .values({name: bindparam(f"new_{name}") for name in sorted(columns)})
    )


def stale_version(case: Case | CaseHead, expected_version: int) -> Conflict:
    """The error for a write based on a version that is no longer the newest."""
    return Conflict(
        f"case {case.journal_no} was changed by someone else while you worked on it "
        f"(you had version {expected_version}, it is now at {case.version}); reload it and "
        "try again",
        code=ErrorCode.STALE_VERSION,
        journal_no=case.journal_no,
        expected=expected_version,
        current=case.version,
    )


@dataclass(frozen=True)
class CaseFilter:
    """What a list of cases is narrowed to; every filter is a condition in SQL."""

    states: Sequence[str] = ()
    committee: str | None = None
    workflow_id: str | None = None
    # (username, states): assigned to that officer, or in one of those states.
    officer_or_states: tuple[str, Sequence[str]] | None = None
    # (workflow id, version) -> states: in one of the states its own workflow version
    # names there (what a state means differs between workflows); {}: none matches.
    states_by_version: Mapping[tuple[str, str], Sequence[str]] | None = None
    # (meeting id, its date, YYYY-MM-DD): meant for that meeting: ``fields.meeting_id``
    # names it, or names none and ``fields.meeting_date`` is its date.
    meant_for: tuple[int, str] | None = None

    def apply(self, query: Select[Any]) -> Select[Any]:
        if self.states:
            query = query.where(cases.c.state.in_(list(self.states)))
        if self.committee:
            query = query.where(cases.c.committee == self.committee)
        if self.workflow_id:
            query = query.where(cases.c.workflow_id == self.workflow_id)
        if self.officer_or_states is not None:
            officer, waiting_states = self.officer_or_states
            query = query.where(
                or_(cases.c.case_officer == officer, cases.c.state.in_(list(waiting_states)))
            )
        if self.states_by_version is not None:
            query = query.where(
                or_(
                    false(),
                    *(
                        and_(
                            cases.c.workflow_id == workflow_id,
                            cases.c.workflow_version == version,
                            cases.c.state.in_(list(states)),
                        )
                        for (workflow_id, version), states in self.states_by_version.items()
                    ),
                )
            )
        if self.meant_for is not None:
            meeting_id, day = self.meant_for
            named = field_json("meeting_id")
            query = query.where(
                or_(
                    named == json.dumps(meeting_id),
                    and_(
                        func.coalesce(named, "null") == "null",
                        field_json("meeting_date") == json.dumps(day),
                    ),
                )
            )
        return query


def field_json(name: str) -> ColumnElement[str]:
    """The JSON text of a case's custom field ``name`` (``2``, ``"2009-06-11"``; ``null``
    or SQL NULL when it is unset), on SQLite and PostgreSQL alike: equal to
    ``json.dumps(value)`` exactly when ``case.fields.get(name) == value`` for a whole
    number or a text."""
    return cast(cases.c.fields[name].as_json(), Text)


def search(
    conn: Connection,
    where: CaseFilter | None = None,
    *,
    limit: int | None = None,
) -> list[Case]:
    """Cases matching ``where``, newest first: for caseflow's own reports, which ask the
    policy themselves; a reader's list is :func:`search_visible`."""
    query = select(cases).order_by(cases.c.created_at.desc(), cases.c.id.desc())
    query = (where or CaseFilter()).apply(query)
    if limit:
        query = query.limit(limit)
    return [row_to_case(row) for row in conn.execute(query)]


def search_visible(
    conn: Connection,
    scope: ReadScope,
    where: CaseFilter | None = None,
    *,
    before_id: int | None = None,
    limit: int | None = 50,
) -> list[Case]:
    """Up to ``limit`` cases a reader may see, matching ``where``, newest first (by id),
    those with an id below ``before_id`` when given: one page of a list."""
    query = (where or CaseFilter()).apply(select(cases).order_by(cases.c.id.desc()))
    condition = readable(conn.dialect.name, scope)
    if condition is not None:
        query = query.where(condition)
    if before_id is not None:
        query = query.where(cases.c.id < before_id)
    if limit is not None:
        query = query.limit(limit)
    return [row_to_case(row) for row in conn.execute(query)]


# -- imports (import21) -------------------------------------------------------------------


def with_source_reference(conn: Connection, reference: str) -> str | None:
    """The journal number of a case imported with another system's number ``reference``
    (``fields.source_reference``), if there is one: an import must not open it twice."""
    found = conn.execute(
        select(cases.c.journal_no)
        .where(field_json("source_reference") == json.dumps(reference))
        .limit(1)
    ).scalar_one_or_none()
    return str(found) if found is not None else None
