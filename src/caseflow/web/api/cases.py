"""``/api/v1``: who I am, my inbox, and cases (list, read, open, advance, edit)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from caseflow.engine import NewCase
from caseflow.services import cases as case_service
from caseflow.services import inbox as inbox_service
from caseflow.services.paging import MAX_LIMIT, PageRequest
from caseflow.web.api.models import (
    AdvancedOut,
    AdvanceIn,
    CaseOut,
    CasePage,
    CaseViewOut,
    EditedOut,
    EditIn,
    EntryOut,
    InboxOut,
    MeOut,
    NewCaseIn,
    Problem,
)
from caseflow.web.deps import ApiActor, Ctx

PROBLEMS: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "content": {"application/problem+json": {}}}
    for status in (401, 403, 404, 409, 422)
}

router = APIRouter(prefix="/api/v1", responses=PROBLEMS)

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
# The cursor a page gave: an id, and for the inbox's orders by time, the time after "@".
Cursor = Annotated[str | None, Query(max_length=80, pattern=r"^\d{1,10}$")]
InboxCursor = Annotated[
    str | None,
    Query(max_length=80, pattern=r"^\d{1,10}(@\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00)?$"),
]


@router.get("/me", response_model=MeOut, tags=["me"])
def me(actor: ApiActor) -> dict[str, Any]:
    return {
        "username": actor.username,
        "name": actor.name,
        "email": actor.email,
        "grants": [
            {"role": g.role, "administration": g.administration, "committee": g.committee}
            for g in actor.grants
        ],
    }


@router.get("/inbox", response_model=InboxOut, tags=["cases"])
def inbox(
    ctx: Ctx,
    actor: ApiActor,
    tab: inbox_service.Tab = inbox_service.Tab.MINE,
    state: Annotated[str | None, Query(max_length=100)] = None,
    committee: Annotated[str | None, Query(max_length=16)] = None,
    sort: inbox_service.Order = inbox_service.Order.NEWEST,
    limit: Limit = 50,
    cursor: InboxCursor = None,
) -> dict[str, Any]:
    query = inbox_service.InboxQuery(tab, state, committee, sort, PageRequest(limit, cursor))
    return inbox_service.inbox(ctx, actor, query).to_json()


@router.get("/cases", response_model=CasePage, tags=["cases"])
def list_cases(
    ctx: Ctx,
    actor: ApiActor,
    state: Annotated[list[str] | None, Query(max_length=20)] = None,
    committee: Annotated[str | None, Query(max_length=16)] = None,
    workflow: Annotated[str | None, Query(max_length=100)] = None,
    mine: bool = False,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> dict[str, Any]:
    query = case_service.CaseQuery(
        states=tuple(state or ()),
        committee=committee,
        workflow_id=workflow,
        mine=mine,
        page=PageRequest(limit, cursor),
    )
    return case_service.list_cases(ctx, actor, query).to_json(case_service.case_json)


@router.post("/cases", response_model=CaseOut, status_code=201, tags=["cases"])
def open_case(ctx: Ctx, actor: ApiActor, body: NewCaseIn) -> dict[str, Any]:
    case = case_service.open_case(
        ctx,
        actor,
        NewCase(
            workflow_id=body.workflow,
            title=body.title,
            summary=body.summary,
            lead_administration=body.lead_administration,
            participating_administrations=tuple(body.participating_administrations),
            committee=body.committee,
            recommendations=tuple(body.recommendations),
            journal_no=body.journal_no,
        ),
    )
    return case_service.case_json(case)


@router.get("/cases/{journal_no}", response_model=CaseViewOut, tags=["cases"])
def show_case(ctx: Ctx, actor: ApiActor, journal_no: str) -> dict[str, Any]:
    return case_service.show_case(ctx, actor, journal_no).to_json()


@router.get("/cases/{journal_no}/history", response_model=list[EntryOut], tags=["cases"])
def history(ctx: Ctx, actor: ApiActor, journal_no: str) -> list[dict[str, Any]]:
    return [case_service.entry_json(e) for e in case_service.history(ctx, actor, journal_no)]


@router.post("/cases/{journal_no}/advance", response_model=AdvancedOut, tags=["cases"])
def advance(ctx: Ctx, actor: ApiActor, journal_no: str, body: AdvanceIn) -> dict[str, Any]:
    result = case_service.advance(
        ctx,
        actor,
        case_service.AdvanceRequest(
            journal_no=journal_no,
            trigger=body.trigger,
            changes=body.changes,
            comment=body.comment,
            expected_version=body.expected_version,
        ),
    )
    return {"from_state": result.from_state, "case": case_service.case_json(result.case)}


@router.patch("/cases/{journal_no}", response_model=EditedOut, tags=["cases"])
def edit(ctx: Ctx, actor: ApiActor, journal_no: str, body: EditIn) -> dict[str, Any]:
    result = case_service.edit(
        ctx,
        actor,
        case_service.EditRequest(
            journal_no=journal_no,
            changes=body.changes,
            comment=body.comment,
            expected_version=body.expected_version,
        ),
    )
    return {"changed": result.changed, "case": case_service.case_json(result.case)}
