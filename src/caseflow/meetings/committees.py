"""Editing organisation data from the CLI: committees, administrations, steering groups.

The organisation file stays the way to load a whole municipality; these are
the small changes between two loads (a new chair, a member replaced, a
committee that moves its agenda deadline). Only an ``administrator`` may make
them. Every change is checked by the same models as the file
(:mod:`caseflow.organisation`), so the database never holds what the file
could not, and written through the same functions, so it is recorded in the
organisation's history (``caseflow org history``) in its own transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection

from caseflow.domain import Actor
from caseflow.engine import Engine
from caseflow.errors import ErrorCode, InvalidInput, NotFound
from caseflow.organisation import (
    AdministrationSpec,
    CommitteeSpec,
    SteeringGroupSpec,
    committee_spec,
    put_administration,
    put_committee,
    put_steering_group,
)
from caseflow.policy import require_administrator
from caseflow.store import organisation as org_rows
from caseflow.store.org_history import Stamp


@dataclass(frozen=True)
class CommitteeChange:
    """What to change; None leaves a value as it is."""

    name: str | None = None
    name_en: str | None = None
    kind: str | None = None
    secretariat_email: str | None = None
    chair: str | None = None
    add_members: Sequence[str] = ()
    remove_members: Sequence[str] = ()
    deadline_working_days: int | None = None
    send_weekdays_before: int | None = None
    saturday_counts: bool | None = None
    late_items: str | None = None


def _given(data: dict[str, Any], values: dict[str, str | None]) -> None:
    """Set the ``values`` given (not None) on ``data``; "" clears all but the name."""
    for key, value in values.items():
        if value is not None:
            data[key] = value if key == "name" else value or None


def changed(spec: CommitteeSpec, change: CommitteeChange) -> CommitteeSpec:
    """``spec`` with ``change`` applied, validated as the organisation file is (pure)."""
    data = spec.model_dump()
    keys = ("name", "name_en", "kind", "secretariat_email", "chair")
    _given(data, {key: getattr(change, key) for key in keys})
    members = list(data["members"])
    for member in change.remove_members:
        if member not in members:
            raise InvalidInput(
                f"{member!r} is not a member of {spec.code}; members: "
                f"{', '.join(members) or 'none'}"
            )
        members.remove(member)
    members.extend(m for m in change.add_members if m not in members)
    data["members"] = members
    for key in ("deadline_working_days", "send_weekdays_before", "saturday_counts", "late_items"):
        value = getattr(change, key)
        if value is not None:
            data["agenda"][key] = value
    try:
        return CommitteeSpec.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(_messages(f"committee {spec.code}", exc)) from None


def _messages(what: str, exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"])
        parts.append(f"{where}: {error['msg']}")
    return f"{what}: " + "; ".join(parts)


def _stamp(engine: Engine, actor: Actor, via: str) -> Stamp:
    """An edit's entry in the organisation's history: who, now, and the command."""
    return Stamp(actor.username, engine.clock.now(), via)


def get_committee(conn: Connection, code: str) -> CommitteeSpec:
    row = org_rows.committee(conn, code)
    if row is None:
        known = ", ".join(org_rows.committee_codes(conn)) or "none"
        raise NotFound(
            f"no committee {code!r}; known: {known}", code=ErrorCode.UNKNOWN_COMMITTEE, code_=code
        )
    return committee_spec(row)


def update_committee(
    engine: Engine, actor: Actor, code: str, change: CommitteeChange
) -> CommitteeSpec:
    require_administrator(actor, f"change committee {code}")
    with engine.transaction() as conn:
        spec = changed(get_committee(conn, code), change)
        put_committee(conn, spec, _stamp(engine, actor, "org committee set"))
    return spec


def add_committee(
    engine: Engine, actor: Actor, code: str, change: CommitteeChange
) -> CommitteeSpec:
    """A new committee, e.g. a temporary one under Styrelsesloven § 17 stk. 4."""
    require_administrator(actor, f"add committee {code}")
    if change.name is None:
        raise InvalidInput("a new committee needs a name", code=ErrorCode.NAME_REQUIRED)
    try:
        blank = CommitteeSpec(code=code, name=change.name)
    except ValidationError as exc:
        raise InvalidInput(_messages(f"committee {code}", exc)) from None
    spec = changed(blank, change)
    with engine.transaction() as conn:
        if org_rows.committee(conn, code) is not None:
            raise InvalidInput(
                f"committee {code} exists already", code=ErrorCode.COMMITTEE_EXISTS, code_=code
            )
        put_committee(conn, spec, _stamp(engine, actor, "org committee add"))
    return spec


def set_administration(
    engine: Engine,
    actor: Actor,
    code: str,
    name: str | None = None,
    name_en: str | None = None,
    email: str | None = None,
) -> AdministrationSpec:
    """Add an administration, or change one: what is not given stays ("" clears it)."""
    require_administrator(actor, f"change administration {code}")
    with engine.transaction() as conn:
        row = org_rows.administration(conn, code)
        if row is None and name is None:
            raise InvalidInput(
                f"administration {code} is new: it needs a name", code=ErrorCode.NAME_REQUIRED
            )
        data: dict[str, Any] = {"code": code}
        if row is not None:
            data |= {key: row[key] for key in ("name", "name_en", "email")}
        _given(data, {"name": name, "name_en": name_en, "email": email})
        try:
            spec = AdministrationSpec.model_validate(data)
        except ValidationError as exc:
            raise InvalidInput(_messages(f"administration {code}", exc)) from None
        put_administration(conn, spec, _stamp(engine, actor, "org administration set"))
    return spec


def set_steering_member(
    engine: Engine,
    actor: Actor,
    group: str,
    administration: str,
    member: str | None,
    *,
    remove: bool = False,
) -> SteeringGroupSpec:
    """Add (or replace) or remove an administration's representative in a steering group."""
    require_administrator(actor, f"change steering group {group}")
    with engine.transaction() as conn:
        found = {g["code"]: g for g in org_rows.list_steering_groups(conn)}
        if group not in found:
            raise NotFound(f"no steering group {group!r}; known: {', '.join(found) or 'none'}")
        if administration not in org_rows.administration_codes(conn):
            raise InvalidInput(f"no administration {administration!r}")
        if member is not None and not remove:
            try:
                org_rows.get_actor(conn, member)
            except NotFound:
                raise InvalidInput(
                    f"no actor {member!r} to represent {administration} in steering group {group}",
                    code=ErrorCode.UNKNOWN_ACTOR,
                    username=member,
                ) from None
        members = [m for m in found[group]["members"] if m["administration"] != administration]
        if remove and len(members) == len(found[group]["members"]):
            raise InvalidInput(f"{administration} is not in steering group {group}")
        if not remove:
            members.append({"administration": administration, "actor": member})
        spec = SteeringGroupSpec.model_validate(
            {"code": group, "name": found[group]["name"], "members": members}
        )
        put_steering_group(conn, spec, _stamp(engine, actor, "org steering-group set-member"))
    return spec
