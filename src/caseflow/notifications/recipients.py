"""Who receives a notification meant for a role on a case.

* ``case_officer``: the case's own officer if it has one, else every case
  officer of the case's administrations;
* ``secretariat``: the committee's secretariat address when the organisation
  file gives one, else the people holding the role for that committee;
* ``steering_group`` and any other role: everyone holding the role on the case.

A follow-up action is owned by a unit of the organisation rather than a role,
written ``KIND:CODE`` (``administration:TMF``, ``steering_group:OMR``; see
:func:`unit_of`): an administration's mail goes to its own address when the
organisation file gives one (:func:`unit_address`), else to the case officer as
above (``caseflow deadlines explain`` says so); a steering group's goes to the
people the organisation seats in it, else (no seat names anyone who can be
mailed) to who holds the ``steering_group`` role on the case.

People without an e-mail address cannot be reached and are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from sqlalchemy import Connection

from caseflow.domain import Actor, CaseScope
from caseflow.errors import NotFound
from caseflow.meetings.vocabulary import FollowupOwnerKind
from caseflow.store import organisation

Address = dict[str, str | None]


class Directory(Protocol):
    """Where recipients are looked up: the database itself, or a snapshot of it."""

    def actor(self, username: str) -> Actor | None: ...

    def committee(self, code: str) -> Mapping[str, Any] | None: ...

    def administration(self, code: str) -> Mapping[str, Any] | None: ...

    def steering_group(self, code: str) -> Mapping[str, Any] | None: ...

    def actors_with_role(self, role: str) -> Sequence[Actor]: ...


class LiveDirectory:
    """The organisation as the current transaction sees it, one query per question."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def actor(self, username: str) -> Actor | None:
        try:
            return organisation.get_actor(self.conn, username)
        except NotFound:
            return None

    def committee(self, code: str) -> Mapping[str, Any] | None:
        return organisation.committee(self.conn, code)

    def administration(self, code: str) -> Mapping[str, Any] | None:
        return organisation.administration(self.conn, code)

    def steering_group(self, code: str) -> Mapping[str, Any] | None:
        return organisation.steering_group(self.conn, code)

    def actors_with_role(self, role: str) -> Sequence[Actor]:
        return organisation.actors_with_role(self.conn, role)


def for_roles(conn: Connection, case: CaseScope, roles: Iterable[str]) -> list[Address]:
    return resolve(LiveDirectory(conn), case, roles)


def resolve(directory: Directory, case: CaseScope, roles: Iterable[str]) -> list[Address]:
    """Each address once, in the order the roles name them (the first name wins)."""
    found: dict[str, Address] = {}
    for role in roles:
        for address in _for_role(directory, case, role):
            found.setdefault(str(address["address"]).lower(), address)
    return list(found.values())


def unit_of(recipient: str) -> tuple[FollowupOwnerKind, str] | None:
    """``administration:TMF`` → ``("administration", "TMF")``; a role name → None.

    Role names never hold a colon (workflow files are validated so), so the two
    cannot be mistaken for each other.
    """
    kind, sep, code = recipient.partition(":")
    owner_kind = _OWNER_KINDS.get(kind) if sep and code else None
    return (owner_kind, code) if owner_kind is not None else None


_OWNER_KINDS = {kind.value: kind for kind in FollowupOwnerKind}


def steering_members(directory: Directory, code: str) -> list[Address]:
    """The people who sit in steering group ``code`` for their administrations (the
    organisation names them per seat), those who can be mailed."""
    group = directory.steering_group(code)
    found: list[Address] = []
    for member in group["members"] if group is not None else []:
        person = directory.actor(member["actor"]) if member.get("actor") else None
        if person is not None and person.email:
            found.append({"address": person.email, "name": person.name})
    return found


def unit_address(directory: Directory, recipient: str) -> Address | None:
    """The own address of the administration ``recipient`` names, if it has one.

    None for a role or a steering group, and for an administration the organisation
    file gives no address: their mail goes to people holding a role on the case.
    """
    unit = unit_of(recipient)
    if unit is None or unit[0] is not FollowupOwnerKind.ADMINISTRATION:
        return None
    found = directory.administration(unit[1])
    if found is None or not found.get("email"):
        return None
    return {"address": found["email"], "name": found["name"]}


def _for_role(directory: Directory, case: CaseScope, role: str) -> list[Address]:
    unit = unit_of(role)
    if unit is not None:
        own = unit_address(directory, role)
        if own is not None:
            return [own]
        kind, code = unit
        steering = kind is FollowupOwnerKind.STEERING_GROUP
        members = steering_members(directory, code) if steering else []
        if members:
            return members
        # No one of its own to tell: the case officer, or those with the steering_group role.
        return _for_role(directory, case, kind.value if steering else "case_officer")
    if role == "case_officer" and case.case_officer:
        officer = directory.actor(case.case_officer)  # None: left; fall back to the role
        if officer is not None and officer.email:
            return [{"address": officer.email, "name": officer.name}]
    if role == "secretariat" and case.committee:
        committee = directory.committee(case.committee)
        if committee is not None and committee["secretariat_email"]:
            return [{"address": committee["secretariat_email"], "name": committee["name"]}]
    return [
        {"address": actor.email, "name": actor.name}
        for actor in directory.actors_with_role(role)
        if actor.email and role in actor.roles_for(case)
    ]
