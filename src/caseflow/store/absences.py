"""Absences and "on behalf of" rights: rows in, records out, in the caller's transaction.

Dates are ISO date strings (a day in Copenhagen): an absence or a grant covers whole
days, from its first to its last, both included.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from caseflow.approvals.routing import Absence, Delegation, DelegationScope
from caseflow.store.tables import absences, delegations


@dataclass(frozen=True)
class AbsenceRecord:
    absence: Absence
    created_by: str
    created_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True)
class DelegationRecord:
    delegation: Delegation
    granted_by: str
    granted_at: datetime
    revoked_at: datetime | None
    revoked_by: str | None


def _absence(row: Row[Any]) -> AbsenceRecord:
    return AbsenceRecord(
        Absence(
            row.username,
            row.substitute,
            date.fromisoformat(row.starts_on),
            date.fromisoformat(row.ends_on),
            row.id,
        ),
        row.created_by,
        row.created_at,
        row.ended_at,
    )


def _delegation(row: Row[Any]) -> DelegationRecord:
    return DelegationRecord(
        Delegation(
            row.principal,
            row.delegate,
            DelegationScope(row.scope),
            date.fromisoformat(row.starts_on),
            date.fromisoformat(row.ends_on),
            row.id,
        ),
        row.granted_by,
        row.granted_at,
        row.revoked_at,
        row.revoked_by,
    )


def add_absence(conn: Connection, absence: Absence, by: str, now: datetime) -> int:
    result = conn.execute(
        insert(absences).values(
            username=absence.username,
            substitute=absence.substitute,
            starts_on=absence.starts_on.isoformat(),
            ends_on=absence.ends_on.isoformat(),
            created_by=by,
            created_at=now,
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def live_absences(conn: Connection, username: str | None = None) -> list[AbsenceRecord]:
    """Absences not ended by hand, oldest first (whether a day is covered is for the caller)."""
    query = select(absences).where(absences.c.ended_at.is_(None))
    if username is not None:
        query = query.where(absences.c.username == username)
    return [_absence(r) for r in conn.execute(query.order_by(absences.c.id))]


def absence(conn: Connection, absence_id: int) -> AbsenceRecord | None:
    row = conn.execute(select(absences).where(absences.c.id == absence_id)).first()
    return _absence(row) if row is not None else None


def end_absence(conn: Connection, absence_id: int, by: str, now: datetime) -> None:
    conn.execute(
        update(absences).where(absences.c.id == absence_id).values(ended_at=now, ended_by=by)
    )


def add_delegation(conn: Connection, grant: Delegation, by: str, now: datetime) -> int:
    result = conn.execute(
        insert(delegations).values(
            principal=grant.principal,
            delegate=grant.delegate,
            scope=grant.scope,
            starts_on=grant.starts_on.isoformat(),
            ends_on=grant.ends_on.isoformat(),
            granted_by=by,
            granted_at=now,
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def live_delegations(conn: Connection) -> list[DelegationRecord]:
    query = select(delegations).where(delegations.c.revoked_at.is_(None))
    return [_delegation(r) for r in conn.execute(query.order_by(delegations.c.id))]


def delegation(conn: Connection, delegation_id: int) -> DelegationRecord | None:
    row = conn.execute(select(delegations).where(delegations.c.id == delegation_id)).first()
    return _delegation(row) if row is not None else None


def revoke_delegation(conn: Connection, delegation_id: int, by: str, now: datetime) -> None:
    conn.execute(
        update(delegations)
        .where(delegations.c.id == delegation_id)
        .values(revoked_at=now, revoked_by=by)
    )
