"""Absence and "on behalf of" rights: who stands in for whom, and for what.

A person records an absence with a substitute and dates (``caseflow absence set``);
new and pending approvals of the absent person route to the substitute, or on down
the chain of substitutes (:func:`caseflow.approvals.routing.resolve_substitute`).
An absence that would close a loop of substitutes is refused when it is recorded.
An administrator grants "on behalf of" rights (``caseflow delegate grant``): all
actions or approvals only, from and to a date. Either way the stand-in acts in the
absent person's place, never with more rights (see :mod:`caseflow.approvals.routing`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection

from caseflow import policy
from caseflow.approvals.routing import (
    Absence,
    Delegation,
    DelegationScope,
    Person,
    away_on,
    resolve_substitute,
)
from caseflow.calendar import local_date
from caseflow.context import Context
from caseflow.domain import Actor
from caseflow.errors import ErrorCode, InvalidInput, NotFound
from caseflow.store import absences as rows
from caseflow.store import organisation
from caseflow.store.absences import AbsenceRecord, DelegationRecord
from caseflow.store.db import read_transaction

MAX_PERIOD_DAYS = 366  # an absence or grant longer than a year is a typo, not a plan


def on_behalf_label(actor: str, principal: str) -> str:
    """How every record, page and mail names an action taken for someone else."""
    return actor if actor == principal else f"{actor} på vegne af {principal}"


@dataclass(frozen=True)
class Routing:
    """What decides who may act for whom on a day: people, absences, delegations."""

    day: date
    people: tuple[Person, ...]
    away: dict[str, str]
    delegations: tuple[Delegation, ...]


def routing_on(conn: Connection, day: date) -> Routing:
    people = tuple(Person(a.username, a.grants) for a in organisation.list_actors(conn))
    absences = [r.absence for r in rows.live_absences(conn)]
    grants = tuple(r.delegation for r in rows.live_delegations(conn) if r.delegation.covers(day))
    return Routing(day, people, away_on(absences, day), grants)


def _check_period(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on or (ends_on - starts_on).days > MAX_PERIOD_DAYS:
        raise InvalidInput(
            f"a period from {starts_on} to {ends_on}: it must end on or after its first day, "
            f"and last at most {MAX_PERIOD_DAYS} days",
            code=ErrorCode.INVALID_PERIOD_DATES,
            starts_on=starts_on.isoformat(),
            ends_on=ends_on.isoformat(),
        )


def _known_actor(conn: Connection, username: str) -> None:
    try:
        organisation.get_actor(conn, username)
    except NotFound:
        raise InvalidInput(
            f"no actor {username!r}", code=ErrorCode.UNKNOWN_ACTOR, username=username
        ) from None


def check_no_loop(existing: list[Absence], new: Absence) -> None:
    """Refuse ``new`` if on any of its days the substitutes would go round in a loop."""
    day = new.starts_on
    while day <= new.ends_on:
        resolve_substitute(new.username, away_on([*existing, new], day))
        day += timedelta(days=1)


@dataclass(frozen=True)
class SetAbsence:
    substitute: str
    starts_on: date
    ends_on: date
    username: str | None = None  # default: the actor; another person's needs an administrator


def set_absence(ctx: Context, actor: Actor, request: SetAbsence) -> AbsenceRecord:
    username = request.username or actor.username
    if username != actor.username:
        policy.require_administrator(actor, f"record an absence for {username}")
    _check_period(request.starts_on, request.ends_on)
    if request.substitute == username:
        raise InvalidInput(
            f"{username} cannot be their own substitute",
            code=ErrorCode.SUBSTITUTE_LOOP,
            chain=[username, username],
        )
    absence = Absence(username, request.substitute, request.starts_on, request.ends_on)
    now = ctx.engine.clock.now()
    with ctx.engine.transaction() as conn:
        _known_actor(conn, username)
        _known_actor(conn, request.substitute)
        check_no_loop([r.absence for r in rows.live_absences(conn)], absence)
        absence_id = rows.add_absence(conn, absence, actor.username, now)
        record = rows.absence(conn, absence_id)
    assert record is not None
    return record


def list_absences(ctx: Context, actor: Actor, *, everyone: bool = False) -> list[AbsenceRecord]:
    """The actor's own absences and those they stand in for; every one for an
    administrator who asks for ``everyone``. Past ones are left out."""
    today = local_date(ctx.engine.clock.now())
    with read_transaction(ctx.engine.db) as conn:
        found = [r for r in rows.live_absences(conn) if r.absence.ends_on >= today]
    if everyone:
        policy.require_administrator(actor, "list everyone's absences")
        return found
    return [r for r in found if actor.username in (r.absence.username, r.absence.substitute)]


def end_absence(ctx: Context, actor: Actor, absence_id: int) -> AbsenceRecord:
    """End an absence now (back early): its approvals route to the person again."""
    with ctx.engine.transaction() as conn:
        record = rows.absence(conn, absence_id)
        mine = record is not None and record.absence.username == actor.username
        if (
            record is None
            or record.ended_at is not None
            or not (mine or policy.is_administrator(actor))
        ):
            raise NotFound(
                f"no absence {absence_id} of {actor.username} that is still running",
                code=ErrorCode.UNKNOWN_ABSENCE,
                absence_id=absence_id,
            )
        rows.end_absence(conn, absence_id, actor.username, ctx.engine.clock.now())
        ended = rows.absence(conn, absence_id)
    assert ended is not None
    return ended


@dataclass(frozen=True)
class GrantDelegation:
    principal: str  # on whose behalf
    delegate: str  # who may act
    scope: DelegationScope
    starts_on: date
    ends_on: date


def grant_delegation(ctx: Context, actor: Actor, request: GrantDelegation) -> DelegationRecord:
    policy.require_administrator(actor, "grant rights on behalf of another")
    _check_period(request.starts_on, request.ends_on)
    if request.principal == request.delegate:
        raise InvalidInput(
            f"{request.principal} cannot act on their own behalf by a grant",
            code=ErrorCode.INVALID_INPUT,
        )
    grant = Delegation(
        request.principal, request.delegate, request.scope, request.starts_on, request.ends_on
    )
    with ctx.engine.transaction() as conn:
        _known_actor(conn, request.principal)
        _known_actor(conn, request.delegate)
        grant_id = rows.add_delegation(conn, grant, actor.username, ctx.engine.clock.now())
        record = rows.delegation(conn, grant_id)
    assert record is not None
    return record


def list_delegations(ctx: Context, actor: Actor) -> list[DelegationRecord]:
    """Every grant in force or to come for an administrator; one's own for anyone else."""
    today = local_date(ctx.engine.clock.now())
    with read_transaction(ctx.engine.db) as conn:
        found = [r for r in rows.live_delegations(conn) if r.delegation.ends_on >= today]
    if policy.is_administrator(actor):
        return found
    return [r for r in found if actor.username in (r.delegation.principal, r.delegation.delegate)]


def revoke_delegation(ctx: Context, actor: Actor, delegation_id: int) -> DelegationRecord:
    policy.require_administrator(actor, "revoke rights on behalf of another")
    with ctx.engine.transaction() as conn:
        record = rows.delegation(conn, delegation_id)
        if record is None or record.revoked_at is not None:
            raise NotFound(
                f"no delegation {delegation_id} in force",
                code=ErrorCode.UNKNOWN_DELEGATION,
                delegation_id=delegation_id,
            )
        rows.revoke_delegation(conn, delegation_id, actor.username, ctx.engine.clock.now())
        revoked = rows.delegation(conn, delegation_id)
    assert revoked is not None
    return revoked


def absence_json(record: AbsenceRecord) -> dict[str, Any]:
    a = record.absence
    return {
        "id": a.id,
        "username": a.username,
        "substitute": a.substitute,
        "starts_on": a.starts_on.isoformat(),
        "ends_on": a.ends_on.isoformat(),
        "ended_at": record.ended_at.isoformat() if record.ended_at else None,
    }


def delegation_json(record: DelegationRecord) -> dict[str, Any]:
    d = record.delegation
    return {
        "id": d.id,
        "principal": d.principal,
        "delegate": d.delegate,
        "scope": d.scope.value,
        "starts_on": d.starts_on.isoformat(),
        "ends_on": d.ends_on.isoformat(),
        "granted_by": record.granted_by,
        "revoked_at": record.revoked_at.isoformat() if record.revoked_at else None,
    }
