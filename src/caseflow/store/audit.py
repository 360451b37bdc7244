"""The audit trail: append-only rows chained by SHA-256 so tampering shows.

Each row's hash covers the case's journal number, the row's content and the
previous row's hash. The case row keeps the newest hash (``audit_head``), so a
fire never has to read the audit table, and a deleted last row shows too.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, Insert, Row, Update, bindparam, insert, select

from caseflow.domain import AuditEntry, AuditKind
from caseflow.store.prepared import prepared
from caseflow.store.tables import audit_events, cases

GENESIS = "0" * 64


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(journal_no: str, entry: AuditEntry, changes: str | None = None) -> str:
    """The hash of one audit row, given the hash of the row before it (and ``changes``,
    :func:`encode_changes` of the entry's, if the caller has it)."""
    text = canonical_text(journal_no, entry, changes)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def encode_changes(changes: Mapping[str, Any]) -> str:
    """The canonical JSON of an entry's changes: part of what its hash covers, and (given
    to :func:`append_many`) what its row stores, so it is encoded once."""
    return _CANONICAL.encode(changes) if changes else "{}"


def canonical_text(journal_no: str, entry: AuditEntry, changes: str | None = None) -> str:
    """What the hash covers: the row as JSON with sorted keys and no spaces.

    Exactly ``_CANONICAL.encode`` of the payload below (a test holds the two
    together), assembled from its parts because the deadline dispatcher hashes
    thousands of rows a second and the generic encoder is most of that time. The
    parts a batch's rows share (who, when, what changed, the comment, the states)
    are encoded once. ``changes`` is :func:`encode_changes` of the entry's, if the
    caller has it.
    """
    if changes is None:
        changes = encode_changes(entry.changes)
    seq = int.__repr__(entry.seq) if type(entry.seq) is int else _CANONICAL.encode(entry.seq)
    shared = (entry.actor, entry.at, changes, entry.comment, entry.from_state)
    head = _HEADS.get(shared)
    if head is None:
        head = _remember(_HEADS, shared, _head(*shared))
    ending = (entry.kind, entry.to_state, entry.trigger)
    tail = _TAILS.get(ending)
    if tail is None:
        tail = _remember(_TAILS, ending, _tail(*ending))
    text = _text
    state = entry.state_hash
    if state is not None:  # records (0011): the state hash, on the rows that have one
        seq = f'{seq},"state":{text(state)}'
    return f'{head}{text(journal_no)},{tail[0]}{text(entry.prev_hash)},"seq":{seq},{tail[1]}'


_HEADS: dict[tuple[Any, ...], str] = {}
_TAILS: dict[tuple[Any, ...], tuple[str, str]] = {}
_T = TypeVar("_T")


def _remember(found: dict[tuple[Any, ...], _T], key: tuple[Any, ...], value: _T) -> _T:
    if len(found) >= 4096:  # a new batch's moment, mostly: the old ones are done with
        found.clear()
    found[key] = value
    return value


def _head(actor: str, at: datetime, changes: str, comment: str | None, source: str | None) -> str:
    """The canonical text up to the journal number's value."""
    text = _text
    return (
        f'{{"actor":{text(actor)},"at":{text(at.isoformat())},"changes":{changes},'
        f'"comment":{"null" if comment is None else text(comment)},'
        f'"from":{"null" if source is None else text(source)},"journal_no":'
    )


def _tail(kind: str, to_state: str, trigger: str | None) -> tuple[str, str]:
    """The canonical text around the previous hash and the sequence number."""
    text = _text
    return (
        f'"kind":{text(kind)},"prev":',
        f'"to":{text(to_state)},"trigger":{"null" if trigger is None else text(trigger)}}}',
    )


def canonical_payload(journal_no: str, entry: AuditEntry) -> dict[str, Any]:
    """The payload :func:`canonical_text` encodes (its definition, for tests and readers);
    ``state`` only on a row that has a state hash, so older rows keep their hashes."""
    state = {} if entry.state_hash is None else {"state": entry.state_hash}
    return state | {
        "journal_no": journal_no,
        "seq": entry.seq,
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "kind": entry.kind,
        "trigger": entry.trigger,
        "from": entry.from_state,
        "to": entry.to_state,
        "changes": entry.changes,
        "comment": entry.comment,
        "prev": entry.prev_hash,
    }


_text = json.encoder.encode_basestring  # what the encoder uses for str when not ensure_ascii


def seal(journal_no: str, entry: AuditEntry, changes: str | None = None) -> AuditEntry:
    """The entry with its hash filled in (the entry is new and not yet shared)."""
    object.__setattr__(entry, "hash", entry_hash(journal_no, entry, changes))
    return entry


def sealed(journal_no: str, changes_text: str, **fields: Any) -> AuditEntry:
    """A new entry of ``fields`` (every field but its hash), sealed; ``changes_text`` is
    :func:`encode_changes` of its changes.

    What ``seal(journal_no, AuditEntry(**fields))`` gives, built without the frozen
    dataclass's per-field checks, which cost three times the rest: the deadline
    dispatcher seals thousands of entries a second.
    """
    entry = object.__new__(AuditEntry)
    entry.__dict__.update(fields)
    entry.__dict__["hash"] = entry_hash(journal_no, entry, changes_text)
    return entry


# The columns of a row as :func:`append_many` lists them: the table's, but its id.
_ROW_NAMES = tuple(column.name for column in audit_events.columns if column.name != "id")
_INSERT = insert(audit_events).values({name: bindparam(name) for name in _ROW_NAMES})


def append(conn: Connection, case_id: int, entry: AuditEntry) -> None:
    prepared(conn, _INSERT).write(conn, _values(case_id, entry))


def append_after(
    conn: Connection,
    update: Update,
    params: Mapping[str, Any],
    case_id: int,
    entry: AuditEntry,
    *,
    then: Callable[[Any], None],
) -> None:
    """:func:`append`, in one statement with ``update`` (of the case ``case_id``, with its
    ``params``): the row is inserted only if the update wrote the case, and ``then``
    gets the cursor whose row count says whether it did (PostgreSQL)."""
    values = {**params, **_values(case_id, entry)}
    prepared(conn, _after(update)).write(conn, values, then=then)


@functools.cache
def _after(update: Update) -> Insert:
    """The audit INSERT made only if ``update`` (whose ``case_id`` is the row's) matched."""
    written = update.returning(cases.c.id).cte("written")
    row = [bindparam(name, type_=audit_events.c[name].type) for name in _ROW_NAMES]
    return insert(audit_events).from_select(list(_ROW_NAMES), select(*row).select_from(written))


def append_many(conn: Connection, rows: Sequence[tuple[int, AuditEntry, str]]) -> None:
    """Insert audit rows of several cases (each chain's rows in order) in one executemany:
    (case id, entry, :func:`encode_changes` of its changes) each."""
    values = [
        (
            case_id,
            entry.seq,
            entry.at,
            entry.actor,
            entry.kind,
            entry.trigger,
            entry.from_state,
            entry.to_state,
            changes,
            entry.comment,
            entry.prev_hash,
            entry.hash,
            entry.state_hash,
        )
        for case_id, entry, changes in rows
    ]
    prepared(conn, _INSERT).execute_many(conn, _ROW_NAMES, values, raw=("changes",))


def _values(case_id: int, entry: AuditEntry) -> dict[str, Any]:
    return {
        "case_id": case_id,
        "seq": entry.seq,
        "at": entry.at,
        "actor": entry.actor,
        "kind": entry.kind,
        "trigger": entry.trigger,
        "from_state": entry.from_state,
        "to_state": entry.to_state,
        "changes": entry.changes,
        "comment": entry.comment,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
        "state_hash": entry.state_hash,
    }


def _entry(row: Row[Any]) -> AuditEntry:
    return AuditEntry(
        seq=row.seq,
        at=row.at,
        actor=row.actor,
        kind=AuditKind(row.kind),
        trigger=row.trigger,
        from_state=row.from_state,
        to_state=row.to_state,
        changes=row.changes,
        comment=row.comment,
        prev_hash=row.prev_hash,
        hash=row.hash,
        state_hash=row.state_hash,
    )


def entries(conn: Connection, case_id: int) -> list[AuditEntry]:
    rows = conn.execute(
        select(audit_events).where(audit_events.c.case_id == case_id).order_by(audit_events.c.seq)
    )
    return [_entry(row) for row in rows]


@dataclass(frozen=True)
class ChainReport:
    journal_no: str
    rows: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_chain(journal_no: str, head: str, chain: Sequence[AuditEntry]) -> ChainReport:
    """Recompute every hash of one case's chain (pure: no I/O)."""
    problems: list[str] = []
    previous = GENESIS
    for expected_seq, entry in enumerate(chain, start=1):
        if entry.seq != expected_seq:
            problems.append(f"row {expected_seq} is missing (next row found is {entry.seq})")
        if entry.prev_hash != previous:
            problems.append(f"row {entry.seq}: link to the previous row is broken")
        if entry_hash(journal_no, entry) != entry.hash:
            problems.append(f"row {entry.seq}: content does not match its hash (altered)")
        previous = entry.hash
    if previous != head:
        problems.append("the newest row does not match the case's head hash (rows removed?)")
    return ChainReport(journal_no, len(chain), tuple(problems))


def verify(conn: Connection, journal_nos: Iterable[str] | None = None) -> list[ChainReport]:
    query = select(cases.c.id, cases.c.journal_no, cases.c.audit_head).order_by(cases.c.journal_no)
    if journal_nos is not None:
        query = query.where(cases.c.journal_no.in_(list(journal_nos)))
    return [
        check_chain(row.journal_no, row.audit_head, entries(conn, row.id))
        for row in conn.execute(query)
    ]
