"""Organisation data: administrations, committees, steering groups and actors.

A municipality describes itself in one YAML file (the demo ships Copenhagen's);
``caseflow org load FILE`` validates it, reporting every problem with its line,
and writes it in one transaction. Every write of an entry, from the file or an
edit (:mod:`caseflow.meetings.committees`), goes through the ``put_*`` functions
here, which record it in the organisation's history.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import Connection

from caseflow.definitions import read_yaml_with_lines
from caseflow.domain import OrgKind, RoleGrant
from caseflow.errors import DefinitionError, InvalidInput, NotFound, Problem
from caseflow.notifications.message import Recipient
from caseflow.store import org_history as history
from caseflow.store import organisation as rows
from caseflow.store.org_history import Stamp


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _checked_email(email: str | None) -> str | None:
    """An address a mail can be sent to (the sender's own check), or None."""
    if email is not None:
        try:
            Recipient(email)
        except InvalidInput as exc:
            raise ValueError(str(exc)) from None
    return email


def _checked_name(name: str) -> str:
    """A person's or unit's name as it will be printed: text on one line."""
    if not name.strip():
        raise ValueError("a name cannot be blank")
    if any(not c.isprintable() for c in name):
        raise ValueError(f"{name!r}: a name is one line of text, without control characters")
    if len(name) > 200:
        raise ValueError(f"a name of {len(name)} characters: at most 200")
    return name


class AdministrationSpec(_Model):
    code: str = Field(pattern=r"^[A-ZÆØÅ]{2,8}$")
    name: str
    name_en: str | None = None
    # The administration's shared mailbox: follow-up actions it owns are mailed there
    # (without one, to the case officer). Checked here, so a typo is reported with its
    # line when the file is loaded, not found in the outbox months later.
    email: str | None = None

    _email_is_an_address = field_validator("email")(_checked_email)


class AgendaRules(_Model):
    """A committee's rules of procedure for its agenda."""

    deadline_working_days: int = Field(default=8, ge=0, le=60)
    send_weekdays_before: int = Field(default=5, ge=0, le=30)
    saturday_counts: bool = True
    late_items: Literal["refuse", "approval"] = "approval"


class CommitteeSpec(_Model):
    code: str = Field(pattern=r"^[A-ZÆØÅ]{2,8}$")
    name: str
    name_en: str | None = None
    kind: Literal["standing", "temporary"] = "standing"
    secretariat_email: str | None = None
    chair: str | None = None
    members: list[str] = []
    agenda: AgendaRules = AgendaRules()


class SteeringMember(_Model):
    administration: str
    actor: str | None = None


class SteeringGroupSpec(_Model):
    code: str
    name: str
    members: list[SteeringMember]


class ActorSpec(_Model):
    username: str = Field(pattern=r"^[a-z][a-z0-9._-]*$", max_length=100)
    name: str
    email: str | None = None
    roles: list[str] = []

    _name_is_one_line = field_validator("name")(_checked_name)
    _email_is_an_address = field_validator("email")(_checked_email)

    @field_validator("roles")
    @classmethod
    def _roles_have_form(cls, roles: list[str]) -> list[str]:
        for role in roles:
            parse_grant(role)
        return roles


class OrganisationSpec(_Model):
    administrations: list[AdministrationSpec] = []
    committees: list[CommitteeSpec] = []
    steering_groups: list[SteeringGroupSpec] = []
    actors: list[ActorSpec] = []


def parse_grant(text: str, *, committees: frozenset[str] = frozenset()) -> RoleGrant:
    """``case_officer@BIF`` → a grant scoped to BIF; ``administrator`` → unscoped.

    Whether the scope is a committee or an administration is decided by the
    committee codes given (they are disjoint in practice).
    """
    role, _, scope = text.partition("@")
    if not role or not role.replace("_", "").isalnum():
        raise ValueError(f"role {text!r} must look like ROLE or ROLE@SCOPE, e.g. case_officer@BIF")
    if not scope:
        return RoleGrant(role)
    if scope in committees:
        return RoleGrant(role, committee=scope)
    return RoleGrant(role, administration=scope)


def load_file(path: str | Path) -> OrganisationSpec:
    """Read and validate an organisation file; every problem is reported at once."""
    path = Path(path)
    data, lines = read_yaml_with_lines(path)
    try:
        spec = OrganisationSpec.model_validate(data)
    except ValidationError as exc:
        raise DefinitionError(_problems(str(path), exc, lines)) from None
    problems = _cross_check(str(path), spec, lines)
    if problems:
        raise DefinitionError(problems)
    return spec


def _problems(file: str, exc: ValidationError, lines: dict[tuple[Any, ...], int]) -> list[Problem]:
    problems = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        line = _nearest_line(loc, lines)
        where = ".".join(str(part) for part in loc)
        problems.append(Problem(file, line, where, error["msg"]))
    return problems


def _nearest_line(loc: tuple[Any, ...], lines: dict[tuple[Any, ...], int]) -> int | None:
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def _cross_check(
    file: str, spec: OrganisationSpec, lines: dict[tuple[Any, ...], int]
) -> list[Problem]:
    """References between entries: scopes, steering-group members, duplicates."""
    problems: list[Problem] = []
    admins = {a.code for a in spec.administrations}
    committees = frozenset(c.code for c in spec.committees)
    for kind, codes in (
        ("administrations", [a.code for a in spec.administrations]),
        ("committees", [c.code for c in spec.committees]),
    ):
        seen: set[str] = set()
        for index, code in enumerate(codes):
            if code in seen:
                problems.append(
                    Problem(file, lines.get((kind, index)), code, f"{code} is listed twice")
                )
            seen.add(code)
    for index, group in enumerate(spec.steering_groups):
        for m_index, member in enumerate(group.members):
            if member.administration not in admins:
                line = lines.get(("steering_groups", index, "members", m_index))
                problems.append(
                    Problem(
                        file,
                        line,
                        f"steering group {group.code}",
                        f"no administration {member.administration!r}; "
                        f"known: {', '.join(sorted(admins))}",
                    )
                )
    for index, actor in enumerate(spec.actors):
        for r_index, text in enumerate(actor.roles):
            grant = parse_grant(text, committees=committees)
            if grant.administration and grant.administration not in admins:
                line = lines.get(("actors", index, "roles", r_index))
                problems.append(
                    Problem(
                        file,
                        line,
                        f"actor {actor.username}",
                        f"role {text}: {grant.administration!r} is neither an "
                        f"administration ({', '.join(sorted(admins))}) nor a "
                        f"committee ({', '.join(sorted(committees))})",
                    )
                )
    return problems


def store(conn: Connection, spec: OrganisationSpec, stamp: Stamp) -> dict[str, int]:
    """Write the organisation (create or update each entry); returns counts.

    Each entry that changes gets its row in the organisation's history, stamped
    with who loaded which file when; an entry loaded again unchanged gets none.
    """
    for admin in spec.administrations:
        put_administration(conn, admin, stamp)
    for committee in spec.committees:
        put_committee(conn, committee, stamp)
    for group in spec.steering_groups:
        put_steering_group(conn, group, stamp)
    committee_codes = frozenset(rows.committee_codes(conn))
    for actor in spec.actors:
        grants = [parse_grant(r, committees=committee_codes) for r in actor.roles]
        put_actor(conn, actor.username, actor.name, actor.email, grants, stamp)
    return {
        "administrations": len(spec.administrations),
        "committees": len(spec.committees),
        "steering_groups": len(spec.steering_groups),
        "actors": len(spec.actors),
    }


# -- writing one entry, with its history ---------------------------------------------------
#
# Every write of the organisation goes through these, from a file or an edit, so each
# change is recorded (store/org_history.py) in the transaction that makes it, with the
# values as the organisation file writes them: an edit and a load read alike.


def put_administration(conn: Connection, spec: AdministrationSpec, stamp: Stamp) -> None:
    row = rows.administration(conn, spec.code)
    old = None if row is None else {key: row[key] for key in ("code", "name", "name_en", "email")}
    rows.upsert_administration(conn, spec.code, spec.name, spec.name_en, spec.email)
    history.record(conn, stamp, OrgKind.ADMINISTRATION, spec.code, old, spec.model_dump())


def committee_spec(row: Mapping[str, Any]) -> CommitteeSpec:
    """A committee row as the organisation file would give it."""
    details = row.get("details") or {}
    return CommitteeSpec.model_validate(
        {
            "code": row["code"],
            "name": row["name"],
            "name_en": row["name_en"],
            "kind": row["kind"],
            "secretariat_email": row["secretariat_email"],
            "chair": details.get("chair"),
            "members": details.get("members") or [],
            "agenda": details.get("agenda") or {},
        }
    )


def put_committee(conn: Connection, spec: CommitteeSpec, stamp: Stamp) -> None:
    row = rows.committee(conn, spec.code)
    old = None if row is None else committee_spec(row).model_dump()
    rows.upsert_committee(
        conn,
        spec.code,
        {
            "name": spec.name,
            "name_en": spec.name_en,
            "kind": spec.kind,
            "secretariat_email": spec.secretariat_email,
            "details": {
                "chair": spec.chair,
                "members": spec.members,
                "agenda": spec.agenda.model_dump(),
            },
        },
    )
    history.record(conn, stamp, OrgKind.COMMITTEE, spec.code, old, spec.model_dump())


def put_steering_group(conn: Connection, spec: SteeringGroupSpec, stamp: Stamp) -> None:
    row = rows.steering_group(conn, spec.code)
    old = None if row is None else {key: row[key] for key in ("code", "name", "members")}
    new = spec.model_dump()
    rows.upsert_steering_group(conn, spec.code, spec.name, new["members"])
    history.record(conn, stamp, OrgKind.STEERING_GROUP, spec.code, old, new)


def put_actor(
    conn: Connection,
    username: str,
    name: str,
    email: str | None,
    grants: Sequence[RoleGrant],
    stamp: Stamp,
) -> None:
    """Create or replace an actor and all their role grants."""
    try:
        before = rows.get_actor(conn, username)
    except NotFound:
        old = None
    else:
        old = _actor_values(username, before.name, before.email, before.grants)
    rows.upsert_actor(conn, username, name, email, grants)
    new = _actor_values(username, name, email, grants)
    history.record(conn, stamp, OrgKind.ACTOR, username, old, new)


def _actor_values(
    username: str, name: str, email: str | None, grants: Sequence[RoleGrant]
) -> dict[str, Any]:
    return {
        "username": username,
        "name": name,
        "email": email,
        "roles": [grant.text for grant in grants],
    }


def grants_from_cli(conn: Connection, texts: list[str]) -> list[RoleGrant]:
    """Parse ``--role`` options against the committees in the database."""
    committees = frozenset(rows.committee_codes(conn))
    try:
        return [parse_grant(text, committees=committees) for text in texts]
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
