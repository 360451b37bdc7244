"""Who receives a notification meant for a role on a case.

* ``case_officer``: the case's own officer if it has one, else every case
  officer of the case's administrations;
* ``secretariat``: the committee's secretariat address when the organisation
  file gives one, else the people holding the role for that committee;
* ``steering_group`` and any other role: everyone holding the role on the case.

People without an e-mail address cannot be reached and are left out.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection

from caseflow.domain import Case
from caseflow.errors import NotFound
from caseflow.store import organisation

Address = dict[str, str | None]


def for_roles(conn: Connection, case: Case, roles: Iterable[str]) -> list[Address]:
    found: dict[str, Address] = {}
    for role in roles:
        for address in _for_role(conn, case, role):
            found.setdefault(str(address["address"]).lower(), address)
    return list(found.values())


def _for_role(conn: Connection, case: Case, role: str) -> list[Address]:
    if role == "case_officer" and case.case_officer:
        try:
            officer = organisation.get_actor(conn, case.case_officer)
        except NotFound:
            officer = None  # left the organisation: fall back to the role
        if officer is not None and officer.email:
            return [{"address": officer.email, "name": officer.name}]
    if role == "secretariat" and case.committee:
        committee = organisation.committee(conn, case.committee)
        if committee is not None and committee["secretariat_email"]:
            return [{"address": committee["secretariat_email"], "name": committee["name"]}]
    return [
        {"address": actor.email, "name": actor.name}
        for actor in organisation.actors_with_role(conn, role)
        if actor.email and role in actor.roles_for(case)
    ]
