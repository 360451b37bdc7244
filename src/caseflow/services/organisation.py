"""The organisation: loading its file, showing it, and the actors with their roles.

Who may change it is an administrator without scope, with one exception, the
bootstrap: on a database with no actor at all, the first load (or the first
``actor add``) is what creates the administrators, so nobody need be named.
The bootstrap never reopens: once any actor exists it is over, and no change may
leave the organisation without an administrator (demoting or replacing the last
one is refused, and nothing of that change is written).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection

from caseflow import organisation, policy
from caseflow.context import Context
from caseflow.domain import ADMINISTRATOR, OPERATOR_ROLES, Actor
from caseflow.errors import ErrorCode, InvalidInput, NotAllowed, NotFound
from caseflow.meetings import committees
from caseflow.organisation import CommitteeSpec
from caseflow.store import org_history
from caseflow.store import organisation as org_rows
from caseflow.store.db import read_transaction
from caseflow.store.org_history import OrgChange, Stamp


@dataclass(frozen=True)
class ActorRequest:
    """``actor add``: create an actor, or replace one's name, e-mail and roles."""

    username: str
    name: str
    email: str | None = None
    roles: Sequence[str] = ()  # ROLE, ROLE@ADMINISTRATION or ROLE@COMMITTEE


@dataclass(frozen=True)
class OrganisationView:
    administrations: list[dict[str, Any]]
    committees: list[dict[str, Any]]
    steering_groups: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return {
            "administrations": self.administrations,
            "committees": self.committees,
            "steering_groups": self.steering_groups,
        }


def actor_json(actor: Actor) -> dict[str, Any]:
    return {
        "username": actor.username,
        "name": actor.name,
        "email": actor.email,
        "roles": [g.text for g in actor.grants],
    }


def _actor_spec(request: ActorRequest) -> organisation.ActorSpec:
    """The actor as the organisation file would have it, checked the same way."""
    try:
        return organisation.ActorSpec(
            username=request.username,
            name=request.name,
            email=request.email,
            roles=list(request.roles),
        )
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in e['loc'])}: " + e["msg"].removeprefix("Value error, ")
            for e in exc.errors()
        )
        raise InvalidInput(
            f"actor {request.username!r}: {problems}", code=ErrorCode.INVALID_ACTOR
        ) from None


def known_roles(ctx: Context) -> frozenset[str]:
    """The roles the workflows name, and the administrator's."""
    roles = {ADMINISTRATOR, *OPERATOR_ROLES}
    for loaded in ctx.engine.registry.current.values():
        roles |= set(loaded.definition.roles)
    return frozenset(roles)


def _require_known_roles(ctx: Context, grants: Sequence[str]) -> None:
    known = known_roles(ctx)
    unknown = sorted({g.partition("@")[0] for g in grants} - known)
    if unknown:
        raise InvalidInput(
            f"no role {', '.join(unknown)} in any workflow; the roles are "
            f"{', '.join(sorted(known))}",
            code=ErrorCode.UNKNOWN_ROLE,
            roles=unknown,
        )


def _require_may_change(conn: Connection, who: str, doing: str) -> None:
    """An administrator's, except on a database with no actor at all (the bootstrap)."""
    if not org_rows.has_actors(conn):
        return
    try:
        actor = org_rows.get_actor(conn, who)
    except NotFound:
        actor = Actor(who, who)
    policy.require_administrator(actor, doing)


def _require_an_administrator_left(conn: Connection, who: str) -> None:
    """Refuse a change that leaves no administrator without scope (the transaction then
    rolls back, so nothing of it is written)."""
    if not policy.last_administrators(conn):
        raise NotAllowed(
            "that change would leave the organisation without an administrator (the role "
            "administrator without scope); nobody could then change it",
            code=ErrorCode.LAST_ADMINISTRATOR,
            username=who,
        )


def demo_organisation_path() -> Path:
    """Copenhagen's organisation as the demo loads it, shipped in the package: so that
    ``caseflow org load --demo`` works wherever caseflow is installed, not only in a clone."""
    from importlib import resources  # only the demo's load asks

    return Path(str(resources.files("caseflow.demo").joinpath("copenhagen.yaml")))


def load_organisation(ctx: Context, who: str, path: Path) -> dict[str, int]:
    """Load administrations, committees, steering groups and actors from a YAML file;
    ``who`` is the acting username (or ``os:LOGIN`` when nobody was named)."""
    spec = organisation.load_file(path)
    _require_known_roles(ctx, [role for actor in spec.actors for role in actor.roles])
    engine = ctx.engine
    stamp = Stamp(who, engine.clock.now(), f"org load {path}")
    with engine.transaction() as conn:
        _require_may_change(conn, who, "load the organisation file")
        counts = organisation.store(conn, spec, stamp)
        _require_an_administrator_left(conn, who)
    return counts


def put_actor(ctx: Context, who: str, request: ActorRequest) -> Actor:
    """Create an actor or replace one's name, e-mail and roles (an administrator's)."""
    spec = _actor_spec(request)
    _require_known_roles(ctx, spec.roles)
    engine = ctx.engine
    stamp = Stamp(who, engine.clock.now(), "actor add")
    with engine.transaction() as conn:
        _require_may_change(conn, who, f"add or change actor {request.username}")
        grants = organisation.grants_from_cli(conn, list(request.roles))
        organisation.put_actor(conn, request.username, request.name, request.email, grants, stamp)
        _require_an_administrator_left(conn, who)
        return org_rows.get_actor(conn, request.username)


def show_organisation(ctx: Context, actor: Actor) -> OrganisationView:
    """The organisation in the database: for anyone who has a place in it."""
    del actor  # any actor (get_actor has checked that it exists) may see its organisation
    with read_transaction(ctx.engine.db) as conn:
        return OrganisationView(
            org_rows.list_administrations(conn),
            org_rows.list_committees(conn),
            org_rows.list_steering_groups(conn),
        )


def list_actors(ctx: Context, actor: Actor) -> list[Actor]:
    """Every actor with e-mail and roles: an administrator's view."""
    policy.require_administrator(actor, "list the actors and their roles")
    with read_transaction(ctx.engine.db) as conn:
        return org_rows.list_actors(conn)


def show_committee(ctx: Context, actor: Actor, code: str) -> CommitteeSpec:
    """A committee with its members and agenda rules: for anyone in the organisation."""
    del actor  # any actor (get_actor has checked that it exists) may see its committees
    with read_transaction(ctx.engine.db) as conn:
        return committees.get_committee(conn, code)


@dataclass(frozen=True)
class OrganisationOverview:
    """The organisation as an administrator looks after it: the administrations, each
    committee with its agenda rules and members, the steering groups, and every change
    made to them (oldest first)."""

    administrations: list[dict[str, Any]]
    committees: list[CommitteeSpec]
    steering_groups: list[dict[str, Any]]
    history: list[OrgChange]


def organisation_overview(ctx: Context, actor: Actor) -> OrganisationOverview:
    """The administrators' view of the organisation and its history."""
    policy.require_administrator(actor, "look after the organisation")
    with read_transaction(ctx.engine.db) as conn:
        return OrganisationOverview(
            org_rows.list_administrations(conn),
            [committees.get_committee(conn, c) for c in org_rows.committee_codes(conn)],
            org_rows.list_steering_groups(conn),
            list(org_history.search(conn, kind=None, code=None)),
        )
