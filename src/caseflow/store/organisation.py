"""Administrations, committees, steering groups and actors with their roles."""

from __future__ import annotations

import itertools
import threading
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, String, cast, delete, insert, select, update

from caseflow.domain import Actor, RoleGrant
from caseflow.errors import ErrorCode, InvalidInput, NotFound
from caseflow.store.prepared import prepared
from caseflow.store.tables import (
    actor_roles,
    actors,
    administrations,
    committees,
    org_changes,
    steering_groups,
)


def upsert_administration(
    conn: Connection, code: str, name: str, name_en: str | None, email: str | None
) -> None:
    _written()
    values = {"name": name, "name_en": name_en, "email": email}
    if (
        conn.execute(
            update(administrations).where(administrations.c.code == code).values(values)
        ).rowcount
        == 0
    ):
        conn.execute(insert(administrations).values(code=code, **values))


def upsert_committee(conn: Connection, code: str, values: dict[str, Any]) -> None:
    _written()
    if (
        conn.execute(update(committees).where(committees.c.code == code).values(values)).rowcount
        == 0
    ):
        conn.execute(insert(committees).values(code=code, **values))


def upsert_steering_group(
    conn: Connection, code: str, name: str, members: list[dict[str, Any]]
) -> None:
    _written()
    values = {"name": name, "members": members}
    if (
        conn.execute(
            update(steering_groups).where(steering_groups.c.code == code).values(values)
        ).rowcount
        == 0
    ):
        conn.execute(insert(steering_groups).values(code=code, **values))


def administration_codes(conn: Connection) -> list[str]:
    return list(
        conn.execute(select(administrations.c.code).order_by(administrations.c.code)).scalars()
    )


def committee_codes(conn: Connection) -> list[str]:
    return list(conn.execute(select(committees.c.code).order_by(committees.c.code)).scalars())


def list_administrations(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(select(administrations).order_by(administrations.c.code))
    return [dict(row._mapping) for row in rows]


def list_committees(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(select(committees).order_by(committees.c.code))
    return [dict(row._mapping) for row in rows]


def list_steering_groups(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(select(steering_groups).order_by(steering_groups.c.code))
    return [dict(row._mapping) for row in rows]


def check_grants(conn: Connection, grants: Sequence[RoleGrant]) -> None:
    """Refuse a grant scoped to an administration or committee that does not exist."""
    known_admins = set(administration_codes(conn))
    known_committees = set(committee_codes(conn))
    for grant in grants:
        if grant.administration and grant.administration not in known_admins:
            raise InvalidInput(
                f"role {grant.role}@{grant.administration}: no administration "
                f"{grant.administration!r}; known: {', '.join(sorted(known_admins)) or 'none yet'}"
            )
        if grant.committee and grant.committee not in known_committees:
            raise InvalidInput(
                f"role {grant.role}@{grant.committee}: no committee {grant.committee!r}; "
                f"known: {', '.join(sorted(known_committees)) or 'none yet'}"
            )


def upsert_actor(
    conn: Connection, username: str, name: str, email: str | None, grants: Sequence[RoleGrant]
) -> None:
    """Create or replace an actor and all their role grants."""
    _written()
    check_grants(conn, grants)
    values = {"name": name, "email": email, "active": True}
    actor_id = conn.execute(select(actors.c.id).where(actors.c.username == username)).scalar()
    if actor_id is None:
        actor_id = conn.execute(
            insert(actors).values(username=username, **values)
        ).inserted_primary_key[0]  # type: ignore[index]
    else:
        conn.execute(update(actors).where(actors.c.id == actor_id).values(values))
        conn.execute(delete(actor_roles).where(actor_roles.c.actor_id == actor_id))
    if grants:
        conn.execute(
            insert(actor_roles),
            [
                {
                    "actor_id": actor_id,
                    "role": g.role,
                    "administration": g.administration,
                    "committee": g.committee,
                }
                for g in grants
            ],
        )


def get_actor(conn: Connection, username: str) -> Actor:
    row = conn.execute(select(actors).where(actors.c.username == username)).first()
    if row is None or not row.active:
        raise NotFound(f"no actor {username!r}", code=ErrorCode.UNKNOWN_ACTOR, username=username)
    grants = conn.execute(
        select(actor_roles).where(actor_roles.c.actor_id == row.id).order_by(actor_roles.c.id)
    )
    return Actor(
        username=row.username,
        name=row.name,
        email=row.email,
        grants=tuple(RoleGrant(g.role, g.administration, g.committee) for g in grants),
    )


def actors_with_role(conn: Connection, role: str) -> list[Actor]:
    """Active actors holding ``role`` in some scope (check the scope with applies_to)."""
    usernames = conn.execute(
        select(actors.c.username)
        .join(actor_roles, actor_roles.c.actor_id == actors.c.id)
        .where(actor_roles.c.role == role, actors.c.active.is_(True))
        .distinct()
        .order_by(actors.c.username)
    ).scalars()
    return [get_actor(conn, name) for name in usernames]


def committee(conn: Connection, code: str) -> dict[str, Any] | None:
    row = conn.execute(select(committees).where(committees.c.code == code)).first()
    return dict(row._mapping) if row is not None else None


def administration(conn: Connection, code: str) -> dict[str, Any] | None:
    row = conn.execute(select(administrations).where(administrations.c.code == code)).first()
    return dict(row._mapping) if row is not None else None


def steering_group(conn: Connection, code: str) -> dict[str, Any] | None:
    row = conn.execute(select(steering_groups).where(steering_groups.c.code == code)).first()
    return dict(row._mapping) if row is not None else None


def list_actors(conn: Connection) -> list[Actor]:
    usernames = conn.execute(
        select(actors.c.username).where(actors.c.active.is_(True)).order_by(actors.c.username)
    ).scalars()
    return [get_actor(conn, name) for name in usernames]


@dataclass(frozen=True)
class Directory:
    """The organisation read once: active actors with their grants, committees,
    administrations and steering groups.

    The dispatcher applies hundreds of deadlines per batch and asks the same few
    questions for each (who is the case officer, who holds the approver role,
    where does the secretariat read mail); one snapshot per run answers them
    from memory. It is read again on each run, so a change to the organisation
    is seen by the next one.
    """

    actors: Mapping[str, Actor]
    committees: Mapping[str, Mapping[str, Any]]
    administrations: Mapping[str, Mapping[str, Any]]
    steering_groups: Mapping[str, Mapping[str, Any]]
    _by_role: dict[str, list[Actor]] = field(default_factory=dict, compare=False, repr=False)

    def actor(self, username: str) -> Actor | None:
        return self.actors.get(username)

    def committee(self, code: str) -> Mapping[str, Any] | None:
        return self.committees.get(code)

    def administration(self, code: str) -> Mapping[str, Any] | None:
        return self.administrations.get(code)

    def steering_group(self, code: str) -> Mapping[str, Any] | None:
        return self.steering_groups.get(code)

    def actors_with_role(self, role: str) -> Sequence[Actor]:
        """Active actors holding ``role`` in some scope, by username (as the query orders)."""
        found = self._by_role.get(role)
        if found is None:
            found = self._by_role[role] = [
                actor
                for _, actor in sorted(self.actors.items())
                if any(grant.role == role for grant in actor.grants)
            ]
        return found


def directory(conn: Connection) -> Directory:
    """Every active actor, committee, administration and steering group, in five queries."""
    people = {
        row.id: (row.username, row.name, row.email)
        for row in conn.execute(select(actors).where(actors.c.active.is_(True)))
    }
    grants: dict[int, list[RoleGrant]] = {}
    for row in conn.execute(select(actor_roles).order_by(actor_roles.c.id)):
        grants.setdefault(row.actor_id, []).append(
            RoleGrant(row.role, row.administration, row.committee)
        )
    found = {
        username: Actor(username, name, email, tuple(grants.get(actor_id, ())))
        for actor_id, (username, name, email) in people.items()
    }
    return Directory(
        found,
        {row["code"]: row for row in list_committees(conn)},
        {row["code"]: row for row in list_administrations(conn)},
        {row["code"]: row for row in list_steering_groups(conn)},
    )


# -- the organisation as a fire reads it, cached per process ---------------------------------
#
# Every fire that notifies asks who holds a role on its case. The answer changes only
# when the organisation does, and every change of it is recorded in ``org_changes``
# (caseflow.organisation's put_* functions) in the transaction that makes it: the
# newest row of that table is the organisation's change counter. A fire reads the
# counter (one indexed row) and, when it differs from the one its snapshot was read
# at, reads the organisation again, so a changed role counts from the next operation
# on, in every process. Writes through this module's upserts (tests, imports that
# record no history) also count, in the process that makes them.

_generation = itertools.count()
_writes_seen = next(_generation)
_lock = threading.Lock()
# The newest change as one text (its id and moment), so that a fire can read it with its
# case (LAST_CHANGE_READ, a scalar subquery) and compare it with what this query gives.
LAST_CHANGE_READ = (
    select(cast(org_changes.c.id, String) + " " + cast(org_changes.c.at, String))
    .order_by(org_changes.c.id.desc())
    .limit(1)
    .scalar_subquery()
)
_LAST_CHANGE = select(LAST_CHANGE_READ)


def _written() -> None:
    """Note a write of the organisation in this process (the cache reads it afresh)."""
    global _writes_seen
    with _lock:
        _writes_seen = next(_generation)


class _Unread:
    """The newest change not read yet: :func:`change_stamp` reads it."""


UNREAD = _Unread()


@dataclass
class _Cached:
    stamp: tuple[Any, ...]
    directory: Directory


_directories: weakref.WeakKeyDictionary[Engine, _Cached] = weakref.WeakKeyDictionary()


def change_stamp(conn: Connection, last_change: str | _Unread | None = UNREAD) -> tuple[Any, ...]:
    """What changes whenever the organisation does: its newest recorded change (id and
    moment, so that a change rolled back and another under the same id differ) and
    this process's own writes. ``last_change`` is :data:`LAST_CHANGE_READ` if the
    caller read it already (with a case, in this transaction)."""
    if isinstance(last_change, _Unread):
        found = prepared(conn, _LAST_CHANGE).first(conn, {})
        last_change = found[0] if found is not None else None
    return (_writes_seen, last_change)


def cached_directory(conn: Connection, last_change: str | _Unread | None = UNREAD) -> Directory:
    """:func:`directory`, read again only when the organisation changed (see above);
    ``last_change`` as :func:`change_stamp` takes it."""
    stamp = change_stamp(conn, last_change)
    cached = _directories.get(conn.engine)
    if cached is not None and cached.stamp == stamp:
        return cached.directory
    found = directory(conn)
    _directories[conn.engine] = _Cached(stamp, found)
    return found


def has_actors(conn: Connection) -> bool:
    """Whether any actor was ever created (active or not): the bootstrap's end."""
    return conn.execute(select(actors.c.id).limit(1)).first() is not None
