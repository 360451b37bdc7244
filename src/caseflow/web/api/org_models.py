"""The API's documents of users, the organisation and the workflows (administrators')."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GrantOut(_Out):
    role: str
    administration: str | None
    committee: str | None


class UserOut(_Out):
    username: str
    name: str
    email: str | None
    grants: list[GrantOut]
    disabled: bool
    open_sessions: int


class UsersOut(_Out):
    items: list[UserOut]


class SessionOut(_Out):
    id: int
    created_at: str
    last_seen_at: str
    expires_at: str
    client: str
    via: str


class TokenOut(_Out):
    id: int
    name: str
    created_at: str
    expires_at: str
    revoked_at: str | None
    last_used_at: str | None


class EventOut(_Out):
    id: int
    at: str
    actor: str
    kind: str
    client: str
    detail: str | None


class UserAccountOut(_Out):
    user: UserOut
    sessions: list[SessionOut]
    tokens: list[TokenOut]
    events: list[EventOut]


class AdministrationOut(_Out):
    code: str
    name: str
    name_en: str | None
    email: str | None


class CommitteeOut(_Out):
    code: str
    name: str
    name_en: str | None
    kind: str
    secretariat_email: str | None
    chair: str | None
    members: list[str]
    deadline_working_days: int
    send_weekdays_before: int


class SteeringMemberOut(_Out):
    administration: str
    actor: str | None


class SteeringGroupOut(_Out):
    code: str
    name: str
    members: list[SteeringMemberOut]


class OrgChangeOut(_Out):
    id: int
    at: str
    actor: str
    via: str
    kind: str
    code: str
    added: bool


class OrganisationOut(_Out):
    administrations: list[AdministrationOut]
    committees: list[CommitteeOut]
    steering_groups: list[SteeringGroupOut]
    history: list[OrgChangeOut]


class WorkflowOut(_Out):
    workflow: str
    title: str
    version: str
    states: int
    transitions: int


class VersionOut(_Out):
    workflow: str
    version: str
    registered_at: str
    cases: int
    running: int
    current: bool


class WorkflowsOut(_Out):
    workflows: list[WorkflowOut]
    versions: list[VersionOut]


class CheckWorkflowIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=500_000)
    name: str = Field(default="workflow.yaml", min_length=1, max_length=200)


class ProblemOut(_Out):
    file: str
    line: int | None
    where: str
    message: str


class CheckedOut(_Out):
    ok: bool
    workflow: str | None
    version: str | None
    problems: list[ProblemOut]
