"""The organisation's history: one append-only row per change, in the caller's transaction.

Cases have their hash-chained audit trail; an edit of the organisation (a chair
replaced, an agenda deadline moved, a role granted) has no case to chain to, yet
it changes who is told what and by when, so it is recorded too: who, when,
through which command or file, and the values before and after. Triggers make
the table append-only (:mod:`caseflow.store.append_only`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select

from caseflow.domain import OrgKind
from caseflow.store import records
from caseflow.store.tables import org_changes


@dataclass(frozen=True)
class Stamp:
    """Who makes a change, when, and through what (``org committee set``, a file)."""

    actor: str
    at: datetime
    via: str


@dataclass(frozen=True)
class Difference:
    """One value that changed: ``agenda.deadline_working_days`` from 8 to 10."""

    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class OrgChange:
    id: int
    at: datetime
    actor: str
    via: str
    kind: OrgKind
    code: str
    old: Mapping[str, Any] | None  # None: it was added
    new: Mapping[str, Any]

    def differences(self) -> list[Difference]:
        """The values that changed, nested ones by their dotted path (pure)."""
        return _differences(self.old or {}, self.new, "")


def _differences(old: Mapping[str, Any], new: Mapping[str, Any], prefix: str) -> list[Difference]:
    found = []
    for key in dict.fromkeys([*old, *new]):
        before, after = old.get(key), new.get(key)
        if isinstance(before, Mapping) and isinstance(after, Mapping):
            found += _differences(before, after, f"{prefix}{key}.")
        elif before != after:
            found.append(Difference(f"{prefix}{key}", before, after))
    return found


def record(
    conn: Connection,
    stamp: Stamp,
    kind: OrgKind,
    code: str,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any],
) -> bool:
    """Append the change of one entry, unless nothing changed; returns whether it did."""
    if old == new:
        return False
    result = conn.execute(
        insert(org_changes).values(
            at=stamp.at,
            actor=stamp.actor,
            via=stamp.via,
            kind=kind,
            code=code,
            old=dict(old) if old is not None else None,
            new=dict(new),
        )
    )
    records.track_org_change(conn, int(result.inserted_primary_key[0]))  # type: ignore[index]
    return True


def search(
    conn: Connection,
    *,
    kind: OrgKind | None = None,
    code: str | None = None,
    kinds: Collection[OrgKind] | None = None,
    limit: int | None = None,
    after: int | None = None,
) -> list[OrgChange]:
    """Changes, oldest first; only those of one kind (and code) when given, of ``kinds``
    when given (None: every kind); ``limit`` of them after change ``after`` when given."""
    query = select(org_changes).order_by(org_changes.c.id)
    if kind is not None:
        query = query.where(org_changes.c.kind == kind)
    if code is not None:
        query = query.where(org_changes.c.code == code)
    if kinds is not None:
        query = query.where(org_changes.c.kind.in_(sorted(kinds)))
    if after is not None:
        query = query.where(org_changes.c.id > after)
    if limit is not None:
        query = query.limit(limit)
    return [_change(row) for row in conn.execute(query)]


def _change(row: Row[Any]) -> OrgChange:
    return OrgChange(
        id=row.id,
        at=row.at,
        actor=row.actor,
        via=row.via,
        kind=OrgKind(row.kind),
        code=row.code,
        old=row.old,
        new=row.new,
    )
