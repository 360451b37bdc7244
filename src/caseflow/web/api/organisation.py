"""``/api/v1`` for administrators: the users (list, one account, disable, enable), the
organisation with its history, the workflows with their versions in use, and a workflow
file checked. The same services as the admin pages and the CLI, which check the role."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request

from caseflow.domain import Actor
from caseflow.services import accounts, organisation
from caseflow.services import workflows as workflow_service
from caseflow.web.api.cases import PROBLEMS
from caseflow.web.api.org_models import (
    CheckedOut,
    CheckWorkflowIn,
    OrganisationOut,
    UserAccountOut,
    UsersOut,
    WorkflowsOut,
)
from caseflow.web.deps import ApiActor, Ctx
from caseflow.web.pages.signin import client_of

router = APIRouter(prefix="/api/v1", responses=PROBLEMS)

USERS: list[str | Enum] = ["users"]
ORGANISATION: list[str | Enum] = ["organisation"]
WORKFLOWS: list[str | Enum] = ["workflows"]
Username = Annotated[str, Path(min_length=1, max_length=100)]


def _user(actor: Actor, disabled: bool, open_sessions: int) -> dict[str, Any]:
    return {
        "username": actor.username,
        "name": actor.name,
        "email": actor.email,
        "grants": [
            {"role": g.role, "administration": g.administration, "committee": g.committee}
            for g in actor.grants
        ],
        "disabled": disabled,
        "open_sessions": open_sessions,
    }


@router.get("/users", response_model=UsersOut, tags=USERS)
def list_users(ctx: Ctx, actor: ApiActor) -> dict[str, Any]:
    """Every user with roles, disabled mark and open sessions (administrators)."""
    found = accounts.list_users(ctx, actor)
    return {"items": [_user(u.actor, u.disabled, u.open_sessions) for u in found]}


def _account(ctx: Ctx, actor: Actor, username: str) -> dict[str, Any]:
    found = accounts.user_account(ctx, actor, username)
    return {
        "user": _user(found.actor, found.disabled, len(found.sessions)),
        "sessions": [
            {
                "id": s.id,
                "created_at": s.created_at.isoformat(),
                "last_seen_at": s.last_seen_at.isoformat(),
                "expires_at": s.expires_at.isoformat(),
                "client": s.client,
                "via": str(s.via),
            }
            for s in found.sessions
        ],
        "tokens": [
            {
                "id": t.id,
                "name": t.name,
                "created_at": t.created_at.isoformat(),
                "expires_at": t.expires_at.isoformat(),
                "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
                "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
            }
            for t in found.tokens
        ],
        "events": [
            {
                "id": e.id,
                "at": e.at.isoformat(),
                "actor": e.actor,
                "kind": str(e.kind),
                "client": e.client,
                "detail": e.detail,
            }
            for e in found.events
        ],
    }


@router.get("/users/{username}", response_model=UserAccountOut, tags=USERS)
def user_account(ctx: Ctx, actor: ApiActor, username: Username) -> dict[str, Any]:
    """One user's account: sessions, tokens (never their secrets), newest events."""
    return _account(ctx, actor, username)


@router.post("/users/{username}/disable", response_model=UserAccountOut, tags=USERS)
def disable_user(request: Request, ctx: Ctx, actor: ApiActor, username: Username) -> dict[str, Any]:
    """Disable a user: their sessions end and their tokens are revoked at once."""
    accounts.disable_user(ctx, actor, username, client=client_of(request))
    return _account(ctx, actor, username)


@router.post("/users/{username}/enable", response_model=UserAccountOut, tags=USERS)
def enable_user(request: Request, ctx: Ctx, actor: ApiActor, username: Username) -> dict[str, Any]:
    """Let a disabled user sign in again."""
    accounts.enable_user(ctx, actor, username, client=client_of(request))
    return _account(ctx, actor, username)


@router.get("/organisation", response_model=OrganisationOut, tags=ORGANISATION)
def organisation_overview(ctx: Ctx, actor: ApiActor) -> dict[str, Any]:
    """The administrations, committees with their rules and members, steering groups and
    every change made to them (administrators)."""
    found = organisation.organisation_overview(ctx, actor)
    return {
        "administrations": [
            {
                "code": a["code"],
                "name": a["name"],
                "name_en": a.get("name_en"),
                "email": a.get("email"),
            }
            for a in found.administrations
        ],
        "committees": [
            {
                "code": c.code,
                "name": c.name,
                "name_en": c.name_en,
                "kind": c.kind,
                "secretariat_email": c.secretariat_email,
                "chair": c.chair,
                "members": list(c.members),
                "deadline_working_days": c.agenda.deadline_working_days,
                "send_weekdays_before": c.agenda.send_weekdays_before,
            }
            for c in found.committees
        ],
        "steering_groups": [
            {
                "code": g["code"],
                "name": g["name"],
                "members": [
                    {"administration": m.get("administration"), "actor": m.get("actor")}
                    for m in g["members"]
                ],
            }
            for g in found.steering_groups
        ],
        "history": [
            {
                "id": h.id,
                "at": h.at.isoformat(),
                "actor": h.actor,
                "via": h.via,
                "kind": str(h.kind),
                "code": h.code,
                "added": h.old is None,
            }
            for h in found.history
        ],
    }


@router.get("/workflows", response_model=WorkflowsOut, tags=WORKFLOWS)
def workflows(ctx: Ctx, actor: ApiActor) -> dict[str, Any]:
    """The folder's workflows and every stored version with its cases and how many still
    run (administrators)."""
    found = workflow_service.workflow_versions(ctx, actor)
    return {
        "workflows": [
            {
                "workflow": w.workflow_id,
                "title": w.title,
                "version": w.version,
                "states": w.states,
                "transitions": w.transitions,
            }
            for w in found.current
        ],
        "versions": [
            {
                "workflow": u.version.workflow_id,
                "version": u.version.version,
                "registered_at": u.version.registered_at.isoformat(),
                "cases": u.version.cases,
                "running": u.running,
                "current": u.version.current,
            }
            for u in found.versions
        ],
    }


@router.post("/workflows/check", response_model=CheckedOut, tags=WORKFLOWS)
def check_workflow(ctx: Ctx, actor: ApiActor, body: CheckWorkflowIn) -> dict[str, Any]:
    """Check a workflow file's text without storing it: every problem with its line."""
    request = workflow_service.CheckWorkflow(body.text, body.name)
    return workflow_service.check_workflow(ctx, actor, request).to_json()
