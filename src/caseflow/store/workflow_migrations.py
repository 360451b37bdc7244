"""Migrations of running cases onto another workflow version: their records, the per-case
log, and the writes that move one case (its row, its deadlines, its log row).

Moving a case is not a fire: no transition runs and no hook is called. The case row
gets its new version and state with the same version check a fire uses, its live
deadline rows are recomputed or cancelled as the caller planned, and its audit row is
appended by the caller through :mod:`caseflow.store.audit`. The log row keeps what a
revert needs to put the deadlines back as they were.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    Row,
    Text,
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

from caseflow.deadlines.vocabulary import DeadlineStatus
from caseflow.definitions.migration_notes import (
    LoggedNote,
    MigrationNote,
    logged,
    logged_notes,
    note_json,
)
from caseflow.domain import AuditKind
from caseflow.errors import ErrorCode, NotFound
from caseflow.store import deadlines as deadline_rows
from caseflow.store import jsontext
from caseflow.store.prepared import prepared
from caseflow.store.tables import (
    agenda_items,
    agenda_versions,
    audit_events,
    cases,
    deadline_explanations,
    deadlines,
    workflow_migration_cases,
    workflow_migrations,
)
from caseflow.store.wakeups import announce


class MigrationStatus(StrEnum):
    RUNNING = "running"  # batches go on (or a process was stopped mid-way: resume it)
    PAUSED = "paused"  # stopped between two batches; resume goes on from its cursor
    DONE = "done"  # every selected case was moved or reported
    REVERTING = "reverting"  # moving back in batches (a revert stopped on the way: run it again)
    REVERTED = "reverted"  # moved back (those cases with no event since)


class CaseOutcome(StrEnum):
    MOVED = "moved"
    FAILED = "failed"  # left on its version, with the reason
    REVERTED = "reverted"  # moved back by a revert
    KEPT = "kept"  # not moved back: it had an event since the migration


@dataclass(frozen=True)
class MigrationRecord:
    id: int
    workflow_id: str
    to_version: str
    plan: Mapping[str, Any]
    actor: str
    status: MigrationStatus
    batch_size: int
    last_case_id: int
    moved: int
    failed: int
    created_at: datetime
    updated_at: datetime
    reverted_at: datetime | None
    reverted_by: str | None


@dataclass(frozen=True)
class CaseLog:
    """One row of a migration's per-case log, with the case's journal number."""

    id: int
    case_id: int
    journal_no: str
    outcome: CaseOutcome
    from_version: str
    from_state: str
    to_state: str
    case_version: int | None
    message: str | None  # in English: why it failed, or was kept
    warnings: tuple[LoggedNote, ...]
    reasons: tuple[LoggedNote, ...]  # the message's notes; its text alone for older rows
    undo: Mapping[str, Any]
    at: datetime


def _record(row: Row[Any]) -> MigrationRecord:
    return MigrationRecord(
        id=row.id,
        workflow_id=row.workflow_id,
        to_version=row.to_version,
        plan=row.plan,
        actor=row.actor,
        status=MigrationStatus(row.status),
        batch_size=row.batch_size,
        last_case_id=row.last_case_id,
        moved=row.moved,
        failed=row.failed,
        created_at=row.created_at,
        updated_at=row.updated_at,
        reverted_at=row.reverted_at,
        reverted_by=row.reverted_by,
    )


def create(
    conn: Connection,
    *,
    workflow_id: str,
    to_version: str,
    plan: Mapping[str, Any],
    actor: str,
    batch_size: int,
    now: datetime,
) -> int:
    result = conn.execute(
        insert(workflow_migrations)
        .values(
            workflow_id=workflow_id,
            to_version=to_version,
            plan=dict(plan),
            actor=actor,
            status=MigrationStatus.RUNNING,
            batch_size=batch_size,
            last_case_id=0,
            moved=0,
            failed=0,
            created_at=now,
            updated_at=now,
        )
        .returning(workflow_migrations.c.id)
    )
    return int(result.scalar_one())


def get(conn: Connection, migration_id: int) -> MigrationRecord:
    row = conn.execute(
        select(workflow_migrations).where(workflow_migrations.c.id == migration_id)
    ).first()
    if row is None:
        raise NotFound(
            f"no migration {migration_id}",
            code=ErrorCode.UNKNOWN_MIGRATION,
            migration_id=migration_id,
        )
    return _record(row)


def search(conn: Connection, workflow_id: str | None = None) -> list[MigrationRecord]:
    """Migrations, newest first (of one workflow, if given)."""
    query = select(workflow_migrations).order_by(workflow_migrations.c.id.desc())
    if workflow_id is not None:
        query = query.where(workflow_migrations.c.workflow_id == workflow_id)
    return [_record(row) for row in conn.execute(query)]


def set_status(
    conn: Connection,
    migration_id: int,
    status: MigrationStatus,
    now: datetime,
    *,
    reverted_by: str | None = None,
) -> None:
    values: dict[str, Any] = {"status": status, "updated_at": now}
    if reverted_by is not None:
        values |= {"reverted_by": reverted_by, "reverted_at": now}
    conn.execute(
        update(workflow_migrations).where(workflow_migrations.c.id == migration_id).values(values)
    )


def advance(
    conn: Connection,
    migration_id: int,
    *,
    last_case_id: int,
    moved: int,
    failed: int,
    now: datetime,
) -> None:
    """After a batch: the cursor and the counts (added to those before)."""
    conn.execute(
        update(workflow_migrations)
        .where(workflow_migrations.c.id == migration_id)
        .values(
            last_case_id=last_case_id,
            moved=workflow_migrations.c.moved + moved,
            failed=workflow_migrations.c.failed + failed,
            updated_at=now,
        )
    )


# --- which cases -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MovableCase:
    """What moving a case reads of it: no texts, which a move never touches."""

    id: int
    journal_no: str
    workflow_version: str
    state: str
    version: int
    fields: Mapping[str, Any]
    created_at: datetime
    state_entered_at: datetime | None
    state_generation: int
    audit_head: str


_MOVABLE = [cases.c[name] for name in MovableCase.__dataclass_fields__]


def candidates(
    conn: Connection,
    workflow_id: str,
    states_by_version: Mapping[str, Collection[str]],
    *,
    after_id: int = 0,
    limit: int | None = None,
) -> list[MovableCase]:
    """Cases of ``workflow_id`` in one of the states listed for their version, by id, those
    after ``after_id``: a migration's next batch (or all, for a dry run)."""
    query = (
        select(*_MOVABLE)
        .where(
            cases.c.workflow_id == workflow_id,
            cases.c.id > after_id,
            or_(
                false(),
                *(
                    and_(cases.c.workflow_version == version, cases.c.state.in_(sorted(states)))
                    for version, states in states_by_version.items()
                    if states
                ),
            ),
        )
        .order_by(cases.c.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return [MovableCase(*row) for row in conn.execute(query)]


@dataclass(frozen=True)
class LiveRow:
    """A live deadline row as a revert would restore it, and its explanation."""

    id: int
    case_id: int
    rule_id: str
    status: DeadlineStatus
    started_at: datetime
    due_at: datetime
    reminders_at: tuple[datetime, ...]
    reminders_sent: int
    next_action_at: datetime | None
    remaining_working_days: int | None
    explanation_text: str  # the stored JSON text

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": str(self.status),
            "due_at": self.due_at.isoformat(),
            "reminders_at": [t.isoformat() for t in self.reminders_at],
            "reminders_sent": self.reminders_sent,
            "next_action_at": self.next_action_at.isoformat() if self.next_action_at else None,
            "remaining_working_days": self.remaining_working_days,
            "explanation": self.explanation_text,
        }


def live_deadlines(conn: Connection, case_ids: Sequence[int]) -> dict[int, list[LiveRow]]:
    """The open and paused deadlines of ``case_ids``, by case, oldest first; each with its
    explanation as the stored JSON text (a revert writes it back as it was; nothing here
    reads it)."""
    if not case_ids:
        return {}
    wanted = set(case_ids)
    # A range of ids, not a list: one statement, prepared once, with the explanations
    # joined in (a batch's cases are consecutive ids but for those it did not select,
    # whose rows are left out below).
    live = [
        row
        for row in prepared(conn, _LIVE_IN_RANGE, list(_LIVE_COLUMNS)).all(
            conn, {"low": min(wanted), "high": max(wanted)}
        )
        if row[1] in wanted
    ]
    found: dict[int, list[LiveRow]] = {}
    parse = datetime.fromisoformat
    for row in live:
        found.setdefault(row[1], []).append(
            LiveRow(
                row[0],
                row[1],
                row[2],
                DeadlineStatus(row[3]),
                row[4],
                row[5],
                tuple(parse(t) for t in row[6]),
                row[7],
                row[8],
                row[9],
                "[]" if row[10] is None else str(row[10]),
            )
        )
    return found


_LIVE_COLUMNS = (
    deadlines.c.id,
    deadlines.c.case_id,
    deadlines.c.rule_id,
    deadlines.c.status,
    deadlines.c.started_at,
    deadlines.c.due_at,
    deadlines.c.reminders_at,
    deadlines.c.reminders_sent,
    deadlines.c.next_action_at,
    deadlines.c.remaining_working_days,
    cast(deadline_explanations.c.explanation, Text).label("explanation_text"),
)


_LIVE_IN_RANGE = (
    select(*_LIVE_COLUMNS)
    .select_from(
        deadlines.outerjoin(
            deadline_explanations, deadline_explanations.c.deadline_id == deadlines.c.id
        )
    )
    .where(
        deadlines.c.case_id >= bindparam("low", type_=Integer),
        deadlines.c.case_id <= bindparam("high", type_=Integer),
        deadline_rows.IS_LIVE,
    )
    .order_by(deadlines.c.id)
)


def on_published_agenda(conn: Connection, case_ids: Sequence[int]) -> set[int]:
    """Those of ``case_ids`` that wait as an item on an agenda already published (by a
    range of ids, prepared once, as :func:`live_deadlines`)."""
    if not case_ids:
        return set()
    wanted = set(case_ids)
    found = prepared(conn, _ON_AGENDA_IN_RANGE, [agenda_items.c.case_id]).all(
        conn, {"low": min(wanted), "high": max(wanted)}
    )
    return {row[0] for row in found if row[0] in wanted}


_ON_AGENDA_IN_RANGE = select(agenda_items.c.case_id).where(
    agenda_items.c.case_id >= bindparam("low", type_=Integer),
    agenda_items.c.case_id <= bindparam("high", type_=Integer),
    agenda_items.c.status == "scheduled",
    select(agenda_versions.c.meeting_id)
    .where(agenda_versions.c.meeting_id == agenda_items.c.meeting_id)
    .exists(),
)


# --- moving one case -------------------------------------------------------------------------


@contextmanager
def savepoint(conn: Connection) -> Iterator[None]:
    """A SAVEPOINT around one case's writes, on the driver's cursor: rolled back to (and
    the error raised on) if the block fails, released if it succeeds. SQLAlchemy's
    ``begin_nested`` costs more than the case's own writes, and a migration takes one per
    case."""
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    cursor = dbapi.cursor()
    cursor.execute("SAVEPOINT migrate_case")
    try:
        yield
    except BaseException:
        cursor.execute("ROLLBACK TO SAVEPOINT migrate_case")
        cursor.execute("RELEASE SAVEPOINT migrate_case")
        cursor.close()
        raise
    cursor.execute("RELEASE SAVEPOINT migrate_case")
    cursor.close()


_MOVE = (
    update(cases)
    .where(
        cases.c.id == bindparam("case_id", type_=Integer),
        cases.c.version == bindparam("expected_version", type_=Integer),
    )
    .values(
        workflow_version=bindparam("new_workflow_version", type_=cases.c.workflow_version.type),
        state=bindparam("new_state", type_=cases.c.state.type),
        version=bindparam("new_version", type_=Integer),
        updated_at=bindparam("new_updated_at", type_=cases.c.updated_at.type),
        audit_head=bindparam("new_audit_head", type_=cases.c.audit_head.type),
    )
)


def move_case(
    conn: Connection,
    case: MovableCase,
    *,
    workflow_version: str,
    state: str,
    audit_head: str,
    now: datetime,
) -> bool:
    """Put ``case`` (as read) on ``workflow_version`` in ``state``, one version on; False if
    somebody changed it since it was read."""
    cursor = prepared(conn, _MOVE).execute(
        conn,
        {
            "case_id": case.id,
            "expected_version": case.version,
            "new_workflow_version": workflow_version,
            "new_state": state,
            "new_version": case.version + 1,
            "new_updated_at": now,
            "new_audit_head": audit_head,
        },
    )
    moved = int(cursor.rowcount) == 1
    cursor.close()
    return moved


_MOVE_NAMES = (
    "case_id",
    "expected_version",
    "new_workflow_version",
    "new_state",
    "new_version",
    "new_updated_at",
    "new_audit_head",
)


def move_many(
    conn: Connection, moves: Sequence[tuple[MovableCase, str, str, str]], now: datetime
) -> bool:
    """:func:`move_case` for many cases (case as read, version, state, audit head) in one
    executemany; False if any was changed since it was read (then roll back: which one
    is for :func:`move_case` to find)."""
    values = [
        (case.id, case.version, version, state, case.version + 1, now, head)
        for case, version, state, head in moves
    ]
    return prepared(conn, _MOVE).execute_many(conn, _MOVE_NAMES, values) == len(values)


_RESCHEDULE = (
    update(deadlines)
    .where(deadlines.c.id == bindparam("deadline_id", type_=Integer))
    .values(
        due_at=bindparam("due_at", type_=deadlines.c.due_at.type),
        reminders_at=bindparam("reminders_at", type_=deadlines.c.reminders_at.type),
        reminders_sent=bindparam("reminders_sent", type_=Integer),
        next_action_at=bindparam("next_action_at", type_=deadlines.c.next_action_at.type),
    )
)
_REEXPLAIN = (
    update(deadline_explanations)
    .where(deadline_explanations.c.deadline_id == bindparam("deadline_id", type_=Integer))
    .values(explanation=bindparam("explanation", type_=deadline_explanations.c.explanation.type))
)


def reschedule(
    conn: Connection,
    deadline_id: int,
    *,
    due_at: datetime,
    reminders_at: Sequence[datetime],
    explanation: Sequence[str],
    now: datetime,
) -> None:
    """An open deadline's due date and reminders, recomputed (its start and status stay)."""
    sent = sum(1 for moment in reminders_at if moment <= now)
    next_at = deadline_rows.next_action(reminders_at, sent, due_at)
    prepared(conn, _RESCHEDULE).execute(
        conn,
        {
            "deadline_id": deadline_id,
            "due_at": due_at,
            "reminders_at": [moment.isoformat() for moment in reminders_at],
            "reminders_sent": sent,
            "next_action_at": next_at,
        },
    ).close()
    prepared(conn, _REEXPLAIN).execute(
        conn, {"deadline_id": deadline_id, "explanation": list(explanation)}
    ).close()
    announce(conn, next_at)


Rescheduled = tuple[int, datetime, Sequence[datetime], Sequence[str]]
"""A deadline recomputed: its id, due moment, reminders and explanation."""


def reschedule_many(conn: Connection, items: Sequence[Rescheduled], now: datetime) -> None:
    """:func:`reschedule` for many deadlines at once (two executemany).

    The reminder lists and explanations go as JSON text encoded once per distinct
    list (the cases of a batch mostly share their start, so their due dates), and the
    workers are told once, of the batch's soonest moment: a worker woken then reads
    what comes next from the table.
    """
    if not items:
        return
    # By the list's identity: the deadlines of one due date share its lists, and the
    # items hold them for as long as this runs.
    encoded: dict[int, str] = {}

    def json_of(texts: Sequence[Any], text_of: Callable[[Any], str]) -> str:
        found = encoded.get(id(texts))
        if found is None:
            found = encoded[id(texts)] = deadline_rows.json_of([text_of(t) for t in texts])
        return found

    values = []
    soonest: datetime | None = None
    for deadline_id, due_at, reminders_at, _ in items:
        sent = sum(1 for moment in reminders_at if moment <= now)
        next_at = deadline_rows.next_action(reminders_at, sent, due_at)
        reminders = json_of(reminders_at, datetime.isoformat)
        values.append((deadline_id, due_at, reminders, sent, next_at))
        soonest = next_at if soonest is None else min(soonest, next_at)
    prepared(conn, _RESCHEDULE).execute_many(
        conn,
        ("deadline_id", "due_at", "reminders_at", "reminders_sent", "next_action_at"),
        values,
        raw=("reminders_at",),
    )
    prepared(conn, _REEXPLAIN).execute_many(
        conn,
        ("deadline_id", "explanation"),
        [(deadline_id, json_of(explanation, str)) for deadline_id, _, _, explanation in items],
        raw=("explanation",),
    )
    announce(conn, soonest)


def restore(conn: Connection, snapshot: Mapping[str, Any]) -> None:
    """A deadline row put back as :meth:`LiveRow.to_json` saw it (a revert)."""
    next_at = snapshot["next_action_at"]
    next_action_at = datetime.fromisoformat(next_at) if next_at else None
    conn.execute(
        update(deadlines)
        .where(deadlines.c.id == snapshot["id"])
        .values(
            status=snapshot["status"],
            due_at=datetime.fromisoformat(snapshot["due_at"]),
            reminders_at=list(snapshot["reminders_at"]),
            reminders_sent=snapshot["reminders_sent"],
            next_action_at=next_action_at,
            remaining_working_days=snapshot["remaining_working_days"],
            closed_at=None,
            lease_owner=None,
            lease_expires_at=None,
        )
    )
    conn.execute(
        update(deadline_explanations)
        .where(deadline_explanations.c.deadline_id == snapshot["id"])
        .values(explanation=json.loads(snapshot["explanation"]))
    )
    if next_action_at is not None:
        announce(conn, next_action_at)


def started_since(conn: Connection, case_id: int, after_id: int) -> list[tuple[int, str]]:
    """The ids and rule ids of ``case_id``'s deadlines created after deadline
    ``after_id`` (those a migration started), live ones only, oldest first."""
    query = (
        select(deadlines.c.id, deadlines.c.rule_id)
        .where(deadlines.c.case_id == case_id, deadlines.c.id > after_id, deadline_rows.IS_LIVE)
        .order_by(deadlines.c.id)
    )
    return [(deadline_id, rule_id) for deadline_id, rule_id in conn.execute(query)]


def last_movers(conn: Connection, case_ids: Sequence[int]) -> dict[int, tuple[str, str | None]]:
    """By case, who took its newest step (the actor of its last audit row of kind
    ``fire``, or ``open`` for a case never fired) and its case officer: the drafters of
    a round a migration opens for a case that waits in a chain's state."""
    found: dict[int, tuple[str, str | None]] = {}
    for start in range(0, len(case_ids), _IDS_AT_ONCE):  # a dry run may name thousands
        found |= _last_movers(conn, case_ids[start : start + _IDS_AT_ONCE])
    return found


_IDS_AT_ONCE = 500


def _last_movers(conn: Connection, case_ids: Sequence[int]) -> dict[int, tuple[str, str | None]]:
    newest = (
        select(func.max(audit_events.c.seq))
        .where(
            audit_events.c.case_id == cases.c.id,
            audit_events.c.kind.in_([str(AuditKind.OPEN), str(AuditKind.FIRE)]),
        )
        .correlate(cases)
        .scalar_subquery()
    )
    query = (
        select(cases.c.id, audit_events.c.actor, cases.c.case_officer)
        .join(audit_events, audit_events.c.case_id == cases.c.id)
        .where(cases.c.id.in_(list(case_ids)), audit_events.c.seq == newest)
    )
    return {case_id: (actor, officer) for case_id, actor, officer in conn.execute(query)}


def newest_deadline_id(conn: Connection) -> int:
    return int(conn.execute(select(func.coalesce(func.max(deadlines.c.id), 0))).scalar_one())


# --- the per-case log --------------------------------------------------------------------------

_LOG_NAMES = (
    "migration_id",
    "case_id",
    "outcome",
    "from_version",
    "from_state",
    "to_state",
    "case_version",
    "message",
    "warnings",
    "undo",
    "at",
)
_LOG = insert(workflow_migration_cases).values(
    {name: bindparam(name, type_=workflow_migration_cases.c[name].type) for name in _LOG_NAMES}
)

Notes = tuple[tuple[MigrationNote, ...], tuple[MigrationNote, ...]]
"""A log row's notes: its warnings, and its reasons (why it failed)."""

LogRow = tuple[
    int, int, str, str, str, str, int | None, str | None, Notes, dict[str, Any], datetime
]
"""A log row in :data:`_LOG_NAMES` order."""

_NOTES_JSON: dict[Notes, str] = {}


def _notes_json(notes: Notes) -> str:
    """The ``warnings`` column's JSON of a row's notes, each with its kind, params and
    English text (see :func:`caseflow.definitions.migration_notes.note_json`), encoded
    once per distinct pair: most cases of a batch say the same."""
    found = _NOTES_JSON.get(notes)
    if found is None:
        if len(_NOTES_JSON) >= 1024:
            _NOTES_JSON.clear()
        warnings, reasons = notes
        found = _NOTES_JSON[notes] = jsontext.dumps(
            stored_notes([logged(n) for n in warnings], [logged(n) for n in reasons])
        )
    return found


def stored_notes(warnings: Sequence[LoggedNote], reasons: Sequence[LoggedNote]) -> list[Any]:
    """The ``warnings`` column's value for these warnings and reasons."""
    return [note_json(n) for n in warnings] + [note_json(n, reason=True) for n in reasons]


def log_many(conn: Connection, rows: Sequence[LogRow]) -> None:
    """Append per-case log rows (one executemany), the notes as JSON text."""
    values = [(*row[:8], _notes_json(row[8]), *row[9:]) for row in rows]
    prepared(conn, _LOG).execute_many(conn, _LOG_NAMES, values, raw=("warnings",))


def _case_log(row: Row[Any]) -> CaseLog:
    warnings, reasons = logged_notes(row.warnings)
    if not reasons and row.message:  # an older row, or a note stored as text alone
        reasons = (LoggedNote(row.message),)
    return CaseLog(
        row.id,
        row.case_id,
        row.journal_no,
        CaseOutcome(row.outcome),
        row.from_version,
        row.from_state,
        row.to_state,
        row.case_version,
        row.message,
        warnings,
        reasons,
        row.undo,
        row.at,
    )


def case_log(
    conn: Connection,
    migration_id: int,
    outcomes: Collection[CaseOutcome] | None = None,
    *,
    limit: int | None = None,
) -> list[CaseLog]:
    """The migration's log rows (of ``outcomes`` only, if given), in the order written;
    the first ``limit`` of them (a revert's next batch)."""
    query = (
        select(workflow_migration_cases, cases.c.journal_no)
        .join(cases, cases.c.id == workflow_migration_cases.c.case_id)
        .where(workflow_migration_cases.c.migration_id == migration_id)
        .order_by(workflow_migration_cases.c.id)
    )
    if outcomes is not None:
        query = query.where(workflow_migration_cases.c.outcome.in_([str(o) for o in outcomes]))
    if limit is not None:
        query = query.limit(limit)
    return [_case_log(row) for row in conn.execute(query)]


def set_outcome(
    conn: Connection, log: CaseLog, outcome: CaseOutcome, reason: MigrationNote | None = None
) -> None:
    """A log row's new outcome (after a revert), with the reason if it has one; its
    warnings stay as they were written."""
    reasons = [logged(reason)] if reason is not None else []
    conn.execute(
        update(workflow_migration_cases)
        .where(workflow_migration_cases.c.id == log.id)
        .values(
            outcome=outcome,
            message=reason.text if reason is not None else None,
            warnings=stored_notes(log.warnings, reasons),
        )
    )


def cases_by_id(conn: Connection, case_ids: Sequence[int]) -> dict[int, MovableCase]:
    if not case_ids:
        return {}
    query = select(*_MOVABLE).where(cases.c.id.in_(list(case_ids)))
    return {row.id: MovableCase(*row) for row in conn.execute(query)}
