"""Organisation data: administrations, committees, steering groups and actors.

A municipality describes itself in one YAML file (the demo ships Copenhagen's);
``caseflow org load FILE`` validates it, reporting every problem with its line,
and writes it in one transaction.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import Connection

from caseflow.definitions import read_yaml_with_lines
from caseflow.domain import RoleGrant
from caseflow.errors import DefinitionError, InvalidInput, Problem
from caseflow.notifications.message import Recipient
from caseflow.store import organisation as rows


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AdministrationSpec(_Model):
    code: str = Field(pattern=r"^[A-ZÆØÅ]{2,8}$")
    name: str
    name_en: str | None = None
    # The administration's shared mailbox: follow-up actions it owns are mailed there
    # (without one, to the case officer). Checked here, so a typo is reported with its
    # line when the file is loaded, not found in the outbox months later.
    email: str | None = None

    @field_validator("email")
    @classmethod
    def _email_is_an_address(cls, email: str | None) -> str | None:
        if email is not None:
            try:
                Recipient(email)
            except InvalidInput as exc:
                raise ValueError(str(exc)) from None
        return email


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
    username: str = Field(pattern=r"^[a-z][a-z0-9._-]*$")
    name: str
    email: str | None = None
    roles: list[str] = []

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


def store(conn: Connection, spec: OrganisationSpec) -> dict[str, int]:
    """Write the organisation (create or update each entry); returns counts."""
    for admin in spec.administrations:
        rows.upsert_administration(conn, admin.code, admin.name, admin.name_en, admin.email)
    for committee in spec.committees:
        rows.upsert_committee(
            conn,
            committee.code,
            {
                "name": committee.name,
                "name_en": committee.name_en,
                "kind": committee.kind,
                "secretariat_email": committee.secretariat_email,
                "details": {
                    "chair": committee.chair,
                    "members": committee.members,
                    "agenda": committee.agenda.model_dump(),
                },
            },
        )
    for group in spec.steering_groups:
        rows.upsert_steering_group(
            conn, group.code, group.name, [m.model_dump() for m in group.members]
        )
    committee_codes = frozenset(rows.committee_codes(conn))
    for actor in spec.actors:
        grants = [parse_grant(r, committees=committee_codes) for r in actor.roles]
        rows.upsert_actor(conn, actor.username, actor.name, actor.email, grants)
    return {
        "administrations": len(spec.administrations),
        "committees": len(spec.committees),
        "steering_groups": len(spec.steering_groups),
        "actors": len(spec.actors),
    }


def grants_from_cli(conn: Connection, texts: list[str]) -> list[RoleGrant]:
    """Parse ``--role`` options against the committees in the database."""
    committees = frozenset(rows.committee_codes(conn))
    try:
        return [parse_grant(text, committees=committees) for text in texts]
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
