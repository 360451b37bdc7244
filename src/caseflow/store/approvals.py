"""Approval chains and their votes: rows in, records out, in the caller's transaction."""

from __future__ import annotations

import functools
from collections import namedtuple
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    Row,
    String,
    bindparam,
    func,
    insert,
    literal_column,
    select,
    update,
)

from caseflow.approvals.chain import Action, Vote
from caseflow.store import jsontext
from caseflow.store.prepared import prepared
from caseflow.store.tables import approval_chains, approval_votes, cases


class ChainStatus(StrEnum):
    OPEN = "open"  # waiting for its current step
    DONE = "done"  # every step approved; the transition fired
    RETURNED = "returned"  # sent back to the drafter; a resubmission starts a new round
    CANCELLED = "cancelled"  # the case left the state the chain runs in another way


@dataclass(frozen=True)
class ChainRecord:
    id: int
    case_id: int
    trigger: str
    round: int
    step_index: int
    status: ChainStatus
    drafters: tuple[str, ...]
    restart_index: int | None
    started_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True)
class VoteRecord:
    id: int
    chain_id: int
    step: str
    vote: Vote
    at: datetime


def _chain(row: Row[Any] | Any) -> ChainRecord:
    return ChainRecord(
        id=row.id,
        case_id=row.case_id,
        trigger=row.trigger,
        round=row.round,
        step_index=row.step_index,
        status=ChainStatus(row.status),
        drafters=tuple(row.drafters),
        restart_index=row.restart_index,
        started_at=row.started_at,
        ended_at=row.ended_at,
    )


# A fire reads and writes chains through these, prepared once (see store/prepared.py):
# every fire into or out of a chain's state asks for the case's open rounds.
_CHAIN_COLUMNS = list(approval_chains.columns)
_ChainRow = namedtuple("_ChainRow", [column.name for column in _CHAIN_COLUMNS])  # type: ignore[misc]
# In the SQL text, as store.deadlines.IS_LIVE writes its statuses: a constant of the
# statement, not a parameter of each execution.
_OPEN_STATUS: ColumnElement[Any] = literal_column(f"'{ChainStatus.OPEN}'")
_OPEN_CHAINS = (
    select(*_CHAIN_COLUMNS)
    .where(
        approval_chains.c.case_id == bindparam("case_id", type_=Integer),
        approval_chains.c.status == _OPEN_STATUS,
    )
    .order_by(approval_chains.c.id)
)
_LAST_CHAIN = (
    select(*_CHAIN_COLUMNS)
    .where(
        approval_chains.c.case_id == bindparam("case_id", type_=Integer),
        approval_chains.c.trigger == bindparam("trigger", type_=String),
    )
    .order_by(approval_chains.c.id.desc())
    .limit(1)
)
_START = insert(approval_chains).values(
    {
        name: bindparam(name, type_=approval_chains.c[name].type)
        for name in ("case_id", "trigger", "round", "step_index", "drafters", "started_at")
    }
    | {"status": _OPEN_STATUS}
)
_END = (
    update(approval_chains)
    .where(approval_chains.c.id == bindparam("chain_id", type_=Integer))
    .values(
        status=bindparam("status", type_=String),
        ended_at=bindparam("ended_at", type_=approval_chains.c.ended_at.type),
        restart_index=bindparam("restart_index", type_=Integer),
    )
)


@dataclass(frozen=True, slots=True)
class LatestRound:
    """What a fire needs of a round it reads with its case (an open one, or the case's
    newest): whether it is still open (and so is cancelled when the case leaves the
    chain's state), and its number and status, from which the next round of its chain is
    numbered and placed."""

    id: int
    trigger: str
    status: ChainStatus
    round: int
    restart_index: int | None

    @property
    def open(self) -> bool:
        return self.status is ChainStatus.OPEN


def latest_case_reads(dialect: str) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """The case's open rounds, and its newest round of all, as two JSON values correlated
    to the case row: read with the case in the fire's one query (the engine's
    ``case_reads``), not on their own (on PostgreSQL each is a round trip).
    :func:`latest_of_read` reads them.

    The newest of all, not the newest of each chain: that is one look into the index
    on the case's rounds and one row, where the newest of each chain reads every round
    the case ever had (a bench's fires slowed with each round). A case with chains of
    several transitions asks :func:`last_chain` when the newest is another chain's."""
    return _latest_reads(postgresql=dialect == "postgresql")


_LATEST_COLUMNS = (
    approval_chains.c.id,
    approval_chains.c.trigger,
    approval_chains.c.status,
    approval_chains.c.round,
    approval_chains.c.restart_index,
)


@functools.cache  # one pair per dialect, built when a fire first reads it
def _latest_reads(postgresql: bool) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    array = func.json_build_array if postgresql else func.json_array
    aggregate = func.json_agg if postgresql else func.json_group_array
    open_rounds = select(aggregate(array(*_LATEST_COLUMNS))).where(
        approval_chains.c.case_id == cases.c.id, approval_chains.c.status == _OPEN_STATUS
    )
    other = approval_chains.alias("other")
    newest_id = (
        select(func.max(other.c.id))
        .where(other.c.case_id == cases.c.id)
        .correlate(cases)
        .scalar_subquery()
    )
    newest = select(array(*_LATEST_COLUMNS)).where(approval_chains.c.id == newest_id)
    return (
        open_rounds.correlate(cases).scalar_subquery(),
        newest.correlate(cases).scalar_subquery(),
    )


def latest_of_read(open_rounds: Any, newest: Any) -> list[LatestRound]:
    """The rounds of :func:`latest_case_reads`' values (JSON text, or what the driver
    parsed of it), oldest first: the last is the case's newest round."""
    if isinstance(open_rounds, str):
        open_rounds = jsontext.loads(open_rounds)
    if isinstance(newest, str):
        newest = jsontext.loads(newest)
    values = {row[0]: row for row in (*(open_rounds or ()), *([newest] if newest else ()))}
    return [
        LatestRound(chain_id, trigger, ChainStatus(status), round_, restart)
        for chain_id, trigger, status, round_, restart in (values[key] for key in sorted(values))
    ]


def latest_rounds(conn: Connection, case_id: int) -> list[LatestRound]:
    """:func:`latest_of_read` for a fire whose case was read without them."""
    query = select(*_latest_reads(conn.dialect.name == "postgresql")).where(cases.c.id == case_id)
    open_rounds, newest = conn.execute(query).one()
    return latest_of_read(open_rounds, newest)


def open_chains(conn: Connection, case_id: int) -> list[ChainRecord]:
    """The case's open rounds, oldest first."""
    query = prepared(conn, _OPEN_CHAINS, _CHAIN_COLUMNS)
    return [_chain(_ChainRow._make(values)) for values in query.all(conn, {"case_id": case_id})]


def open_chain_for(conn: Connection, case_id: int, trigger: str) -> ChainRecord | None:
    return next((c for c in open_chains(conn, case_id) if c.trigger == trigger), None)


def last_chain(conn: Connection, case_id: int, trigger: str) -> ChainRecord | None:
    """The newest round of the case's chain for ``trigger``, whatever its status (a
    fire has it from its case read: :func:`latest_case_read`)."""
    query = prepared(conn, _LAST_CHAIN, _CHAIN_COLUMNS)
    values = query.first(conn, {"case_id": case_id, "trigger": trigger})
    return _chain(_ChainRow._make(values)) if values is not None else None


def all_open(conn: Connection) -> list[tuple[ChainRecord, str]]:
    """Every open chain with its case's journal number, oldest first (the pending list
    filters them by who may act: routing depends on today's absences)."""
    rows = conn.execute(
        select(approval_chains, cases.c.journal_no)
        .join(cases, cases.c.id == approval_chains.c.case_id)
        .where(approval_chains.c.status == ChainStatus.OPEN)
        .order_by(approval_chains.c.id)
    )
    return [(_chain(r), r.journal_no) for r in rows]


def start(
    conn: Connection,
    *,
    case_id: int,
    trigger: str,
    round_: int,
    step_index: int,
    drafters: list[str],
    now: datetime,
) -> None:
    """A new open round (on PostgreSQL sent with the fire's other writes)."""
    params = {
        "case_id": case_id,
        "trigger": trigger,
        "round": round_,
        "step_index": step_index,
        "drafters": drafters,
        "started_at": now,
    }
    prepared(conn, _START).write(conn, params)


def move_to(conn: Connection, chain_id: int, step_index: int) -> None:
    conn.execute(
        update(approval_chains)
        .where(approval_chains.c.id == chain_id)
        .values(step_index=step_index)
    )


def end(
    conn: Connection,
    chain_id: int,
    status: ChainStatus,
    now: datetime,
    restart_index: int | None = None,
) -> None:
    params = {
        "chain_id": chain_id,
        "status": status,
        "ended_at": now,
        "restart_index": restart_index,
    }
    prepared(conn, _END).write(conn, params)


def add_vote(conn: Connection, chain_id: int, step: str, vote: Vote, now: datetime) -> None:
    conn.execute(
        insert(approval_votes).values(
            chain_id=chain_id,
            step_index=vote.step_index,
            step=step,
            principal=vote.principal,
            actor=vote.actor,
            action=vote.action,
            text=vote.text,
            at=now,
        )
    )


def votes(conn: Connection, chain_id: int, step_index: int | None = None) -> list[VoteRecord]:
    query = select(approval_votes).where(approval_votes.c.chain_id == chain_id)
    if step_index is not None:
        query = query.where(approval_votes.c.step_index == step_index)
    rows = conn.execute(query.order_by(approval_votes.c.id))
    return [
        VoteRecord(
            id=r.id,
            chain_id=r.chain_id,
            step=r.step,
            vote=Vote(r.step_index, r.principal, r.actor, Action(r.action), r.text),
            at=r.at,
        )
        for r in rows
    ]


def case_votes(conn: Connection, case_id: int) -> list[tuple[ChainRecord, VoteRecord]]:
    """Every vote on the case's chains, oldest first (the case page's chain)."""
    chains = {
        row.id: _chain(row)
        for row in conn.execute(select(approval_chains).where(approval_chains.c.case_id == case_id))
    }
    if not chains:
        return []
    found = []
    for chain in chains.values():
        found += [(chain, v) for v in votes(conn, chain.id)]
    return sorted(found, key=lambda pair: pair[1].id)


def chains_of_case(conn: Connection, case_id: int) -> list[ChainRecord]:
    rows = conn.execute(
        select(approval_chains)
        .where(approval_chains.c.case_id == case_id)
        .order_by(approval_chains.c.id)
    )
    return [_chain(r) for r in rows]


def open_steps(conn: Connection, case_ids: Sequence[int]) -> dict[int, list[tuple[str, int]]]:
    """The open rounds of ``case_ids``' chains, as (trigger, index of the open step) by
    case, oldest first: what a migration's dry run warns of. A range of case ids, not a
    list of them, in a statement prepared once: a batch's cases are consecutive ids but
    for those it did not select, which are left out here (and a dry run may select tens
    of thousands)."""
    if not case_ids:
        return {}
    wanted = set(case_ids)
    rows = prepared(conn, _OPEN_IN_RANGE, list(_OPEN_COLUMNS)).all(
        conn, {"low": min(wanted), "high": max(wanted)}
    )
    found: dict[int, list[tuple[str, int]]] = {}
    for case_id, trigger, step_index in rows:
        if case_id in wanted:
            found.setdefault(case_id, []).append((trigger, step_index))
    return found


_OPEN_COLUMNS = (approval_chains.c.case_id, approval_chains.c.trigger, approval_chains.c.step_index)
_OPEN_IN_RANGE = (
    select(*_OPEN_COLUMNS)
    .where(
        approval_chains.c.case_id >= bindparam("low", type_=Integer),
        approval_chains.c.case_id <= bindparam("high", type_=Integer),
        approval_chains.c.status == ChainStatus.OPEN.value,
    )
    .order_by(approval_chains.c.id)
)


def newest_chain_id(conn: Connection) -> int:
    """The highest round id so far: a migration's mark, before it opens rounds, of which
    rounds a revert of it cancels (a case's rounds with a higher id)."""
    return int(conn.execute(select(func.coalesce(func.max(approval_chains.c.id), 0))).scalar_one())


def open_since(conn: Connection, case_id: int, after_id: int) -> list[ChainRecord]:
    """The case's open rounds opened after round ``after_id``, oldest first."""
    return [c for c in open_chains(conn, case_id) if c.id > after_id]
